package dev.canaryrun.local;

import com.google.api.MetricDescriptor.ValueType;
import com.google.monitoring.v3.TypedValue;

/** One aligned or reduced value of a {@link TimeSeriesQuery}. */
final class Cell {
  final ValueType type;
  long int64;
  double dbl;
  Histogram histogram;

  Cell(ValueType type) {
    this.type = type;
  }

  TypedValue toTypedValue() {
    return switch (type) {
      case INT64 -> TypedValue.newBuilder().setInt64Value(int64).build();
      case DOUBLE -> TypedValue.newBuilder().setDoubleValue(dbl).build();
      case DISTRIBUTION ->
          TypedValue.newBuilder().setDistributionValue(histogram.toDistribution()).build();
      default -> throw new IllegalStateException(type.name());
    };
  }

  double asDouble() {
    return type == ValueType.INT64 ? int64 : dbl;
  }
}
