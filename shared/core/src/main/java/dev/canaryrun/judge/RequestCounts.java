package dev.canaryrun.judge;

/** Requests in one metric bucket by response class, as Cloud Run's request_count reports them. */
public record RequestCounts(long c2xx, long c3xx, long c4xx, long c5xx) {
  public static final RequestCounts ZERO = new RequestCounts(0, 0, 0, 0);

  public RequestCounts {
    if (c2xx < 0 || c3xx < 0 || c4xx < 0 || c5xx < 0) {
      throw new IllegalArgumentException("request counts must be >= 0: " + c2xx + "/" + c3xx
          + "/" + c4xx + "/" + c5xx);
    }
  }

  public long total() {
    return c2xx + c3xx + c4xx + c5xx;
  }
}
