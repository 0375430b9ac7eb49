package dev.canaryrun.local;

import com.google.api.MetricDescriptor.ValueType;
import com.google.monitoring.v3.Aggregation.Reducer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;

/** The cross-series reducers of a {@link TimeSeriesQuery}, over aligned {@link Cell}s. */
final class CrossSeries {
  private CrossSeries() {}

  static Cell reduce(RunMetric metric, Reducer reducer, List<Cell> cells) {
    ValueType type = cells.get(0).type;
    switch (reducer) {
      case REDUCE_SUM -> {
        Cell c = new Cell(type);
        for (Cell x : cells) {
          switch (type) {
            case INT64 -> c.int64 += x.int64;
            case DOUBLE -> c.dbl += x.dbl;
            case DISTRIBUTION -> {
              if (c.histogram == null) {
                c.histogram = new Histogram(metric.layout);
              }
              c.histogram.merge(x.histogram);
            }
            default -> throw new IllegalStateException(type.name());
          }
        }
        return c;
      }
      case REDUCE_COUNT -> {
        Cell c = new Cell(ValueType.INT64);
        c.int64 = cells.size();
        return c;
      }
      case REDUCE_PERCENTILE_50, REDUCE_PERCENTILE_95, REDUCE_PERCENTILE_99 -> {
        if (type != ValueType.DISTRIBUTION) {
          throw invalid("cross_series_reducer " + reducer + " needs DISTRIBUTION values "
              + "(align with ALIGN_DELTA)");
        }
        // Merge the series' distributions, then read the percentile: DELTA DISTRIBUTION
        // metrics (request_latencies, utilizations) reduced as Google's dashboard does.
        Histogram merged = new Histogram(metric.layout);
        cells.forEach(x -> merged.merge(x.histogram));
        Cell c = new Cell(ValueType.DOUBLE);
        c.dbl = merged.percentile(switch (reducer) {
          case REDUCE_PERCENTILE_50 -> 50;
          case REDUCE_PERCENTILE_95 -> 95;
          default -> 99;
        });
        return c;
      }
      case REDUCE_MEAN, REDUCE_MAX, REDUCE_MIN -> {
        if (type == ValueType.DISTRIBUTION) {
          throw invalid("cross_series_reducer " + reducer + " is not supported on "
              + "DISTRIBUTION values by the local emulator; use REDUCE_SUM or align to a "
              + "number first");
        }
        double acc = reducer == Reducer.REDUCE_MAX ? Double.NEGATIVE_INFINITY
            : reducer == Reducer.REDUCE_MIN ? Double.POSITIVE_INFINITY : 0;
        for (Cell x : cells) {
          double v = x.asDouble();
          acc = switch (reducer) {
            case REDUCE_MAX -> Math.max(acc, v);
            case REDUCE_MIN -> Math.min(acc, v);
            default -> acc + v;
          };
        }
        Cell c;
        if (reducer == Reducer.REDUCE_MEAN) {
          c = new Cell(ValueType.DOUBLE);
          c.dbl = acc / cells.size();
        } else {
          c = new Cell(type);
          c.int64 = (long) acc;
          c.dbl = acc;
        }
        return c;
      }
      default -> throw invalid("cross_series_reducer " + reducer
          + " is not supported by the local emulator (supported: REDUCE_NONE, REDUCE_SUM, "
          + "REDUCE_MEAN, REDUCE_MAX, REDUCE_MIN, REDUCE_COUNT)");
    }
  }

  private static StatusRuntimeException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }
}
