package dev.canaryrun.local;

import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.List;

/** Every gRPC request an emulator received, in arrival order. Thread-safe. */
public final class CallJournal {

  private final List<RecordedCall> calls = new ArrayList<>();

  synchronized void add(RecordedCall call) {
    calls.add(call);
  }

  public synchronized List<RecordedCall> all() {
    return List.copyOf(calls);
  }

  /** Calls of one method; {@code method} is bare ({@code UpdateService}) or full. */
  public synchronized List<RecordedCall> of(String method) {
    List<RecordedCall> out = new ArrayList<>();
    for (RecordedCall c : calls) {
      if (FaultInjector.matches(method, c.fullMethod())) {
        out.add(c);
      }
    }
    return out;
  }

  /** The request messages of one method, typed. */
  public <T extends Message> List<T> requests(String method, Class<T> type) {
    List<T> out = new ArrayList<>();
    for (RecordedCall c : of(method)) {
      out.add(type.cast(c.request()));
    }
    return out;
  }

  public synchronized int count(String method) {
    return of(method).size();
  }

  public synchronized void clear() {
    calls.clear();
  }
}
