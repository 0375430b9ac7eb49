#!/usr/bin/env python3
"""Generates the recorded Cloud Run metric histories of test-fixtures (seeded, reproducible).

They are synthetic: shaped like a low-traffic service's real history (diurnal traffic, at most
~3 req/s at midday and ~0.3 at night, a team's own release pipeline moving traffic 25% for 20
minutes, 50% for an hour, then 100%), not copied from a project. Format: see
shared/local's RecordedHistory. Run from the repository root:

    python3 test-fixtures/tools/generate-history.py
"""
import gzip
import math
import random
from datetime import datetime, timedelta, timezone

OUT = "test-fixtures/src/main/resources/fixtures/monitoring/history/"
START = datetime(2026, 11, 16, tzinfo=timezone.utc)  # a Monday
SERVICE = "checkout"
GROWTH = 1.4  # the local Monitoring's latency buckets: [1.4^(i-1), 1.4^i) ms


def rate(t, peak):
    """Requests per second at t: a diurnal curve from ~10% of peak at 03:00 to peak at 15:00."""
    h = t.hour + t.minute / 60
    return peak * (0.1 + 0.9 * (1 + math.cos(2 * math.pi * (h - 15) / 24)) / 2)


def poisson(rnd, lam):
    if lam < 30:
        l, k, p = math.exp(-lam), 0, 1.0
        while True:
            p *= rnd.random()
            if p <= l:
                return k
            k += 1
    return max(0, int(round(rnd.gauss(lam, math.sqrt(lam)))))


def latency_pairs(rnd, n, median, sigma):
    """n log-normal latencies, as ms:count pairs at each local bucket's geometric middle."""
    counts = {}
    for _ in range(n):
        ms = rnd.lognormvariate(math.log(median), sigma)
        i = 0 if ms < 1 else int(math.floor(math.log(ms) / math.log(GROWTH))) + 1
        counts[i] = counts.get(i, 0) + 1
    out = []
    for i in sorted(counts):
        mid = 0.5 if i == 0 else GROWTH ** (i - 0.5)
        out.append("%.3f:%d" % (mid, counts[i]))
    return " ".join(out)


class Release:
    """A revision and its life in the history: minutes from START it got 25%, then its plan."""

    def __init__(self, revision, at, plan, err=0.005, median=80.0, sigma=0.5):
        self.revision, self.at, self.plan = revision, at, plan
        self.err, self.median, self.sigma = err, median, sigma


def share_at(releases, m):
    """{revision: share} at minute m: the latest started release takes its plan's share."""
    shares = {releases[0].revision: 1.0}
    for r in releases[1:]:
        if m < r.at:
            break
        prev = dict(shares)
        into = m - r.at
        s, acc = None, 0
        for dur, share in r.plan:
            if dur is None or into < acc + dur:
                s = share
                break
            acc += dur
        if s == 0.0:
            shares = prev  # rolled back: everything to whoever served before
            continue
        shares = {k: v * (1 - s) for k, v in prev.items() if v * (1 - s) > 1e-9}
        shares[r.revision] = shares.get(r.revision, 0) + s
    return shares


PROMOTE = [(20, 0.25), (60, 0.5), (None, 1.0)]


def write(name, days, regions, seed, drop=0.01, extra=None):
    rnd = random.Random(seed)
    rows = []
    for location, peak, releases in regions:
        for m in range(days * 24 * 60):
            t = START + timedelta(minutes=m)
            end = t + timedelta(minutes=1)
            lam = rate(t, peak) * 60
            for rev, share in share_at(releases, m).items():
                rel = next(r for r in releases if r.revision == rev)
                n = poisson(rnd, lam * share)
                if n == 0 or rnd.random() < drop:
                    continue  # no point for the minute: none written, or one gone missing
                e = sum(1 for _ in range(n) if rnd.random() < rel.err)
                c4 = sum(1 for _ in range(n - e) if rnd.random() < 0.02)
                load = rate(t, peak) / peak
                rows.append("%s,%s,%s,%s,%d,0,%d,%d,%s,%.3f,%.3f" % (
                    end.strftime("%Y-%m-%dT%H:%M:%SZ"), location, SERVICE, rev, n - e - c4, c4,
                    e, latency_pairs(rnd, n, rel.median, rel.sigma), 0.1 + 0.3 * load * share,
                    0.42 + 0.05 * rnd.random()))
    for row in extra or []:
        rows.append(row)
    rows.sort()
    with gzip.open(OUT + name, "wt", encoding="utf-8", compresslevel=9) as f:
        f.write("# canaryrun recorded Cloud Run history (synthetic, seeded: "
                "test-fixtures/tools/generate-history.py)\n")
        f.write("# minute_end,location,service,revision,2xx,3xx,4xx,5xx,latency,cpu,memory\n")
        for row in rows:
            f.write(row + "\n")
    print(name, len(rows), "rows")


def minutes(day, hh, mm):
    return day * 1440 + hh * 60 + mm


# Four days in europe-west1 with four releases: the third (checkout-00045-wuz) raises the 5xx
# rate from 0.5% to 6% and the team rolls it back by hand after 45 minutes; plus a revision
# deployed at 0% with a tag that only its smoke check reached, and us-central1 running
# same-named revisions, where the third release is healthy and is promoted.
EU = [Release("checkout-00041-hoj", 0, None),
      Release("checkout-00042-kad", minutes(0, 10, 0), PROMOTE),
      Release("checkout-00044-pex", minutes(1, 10, 30), PROMOTE),
      Release("checkout-00045-wuz", minutes(2, 11, 0), [(20, 0.25), (25, 0.5), (None, 0.0)],
              err=0.06),
      Release("checkout-00046-yel", minutes(3, 9, 30), PROMOTE)]
US = [Release("checkout-00041-hoj", 0, None),
      Release("checkout-00042-kad", minutes(0, 16, 0), PROMOTE),
      Release("checkout-00045-wuz", minutes(2, 15, 0), PROMOTE)]
TAG = ["2026-11-16T14:%02d:00Z,europe-west1,checkout,checkout-00043-tag,%d,0,0,0,%s,0.050,0.400"
       % (m, n, "%.3f:%d" % (GROWTH ** 12.5, n)) for m, n in ((2, 3), (3, 1))]
write("regression.csv.gz", 4, [("europe-west1", 3.0, EU), ("us-central1", 1.5, US)], seed=16,
      extra=TAG)

# Three days, one region, three healthy releases.
HEALTHY = [Release("checkout-00041-hoj", 0, None),
           Release("checkout-00042-kad", minutes(0, 10, 0), PROMOTE),
           Release("checkout-00043-mol", minutes(1, 14, 0), PROMOTE),
           Release("checkout-00044-pex", minutes(2, 11, 0), PROMOTE)]
write("healthy.csv.gz", 3, [("europe-west1", 3.0, HEALTHY)], seed=17)
