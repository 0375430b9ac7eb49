package dev.canaryrun.cli.tickbench;

import com.google.firestore.v1.BatchGetDocumentsResponse;
import com.google.firestore.v1.CommitRequest;
import com.google.firestore.v1.RunQueryResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts what the Firestore client really sends and receives on the wire: RPCs by method,
 * documents read (found or missing, from BatchGetDocuments and RunQuery) and documents written
 * (Commit writes). Counting at the gRPC layer measures the adapter as deployed, not a model of it.
 */
final class FirestoreCallCounter implements ClientInterceptor {
  private final Map<String, AtomicLong> rpcs = new ConcurrentHashMap<>();
  private final AtomicLong documentsRead = new AtomicLong();
  private final AtomicLong documentsWritten = new AtomicLong();

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options,
      Channel next) {
    rpcs.computeIfAbsent(method.getBareMethodName(), k -> new AtomicLong()).incrementAndGet();
    return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
      @Override
      public void sendMessage(Q message) {
        if (message instanceof CommitRequest c) {
          documentsWritten.addAndGet(c.getWritesCount());
        }
        super.sendMessage(message);
      }

      @Override
      public void start(Listener<R> listener, Metadata headers) {
        super.start(new SimpleForwardingClientCallListener<>(listener) {
          @Override
          public void onMessage(R message) {
            if (message instanceof BatchGetDocumentsResponse b
                && (b.hasFound() || !b.getMissing().isEmpty())) {
              documentsRead.incrementAndGet();
            } else if (message instanceof RunQueryResponse q && q.hasDocument()) {
              documentsRead.incrementAndGet();
            }
            super.onMessage(message);
          }
        }, headers);
      }
    };
  }

  Snapshot snapshot() {
    Map<String, Long> byMethod = new TreeMap<>();
    rpcs.forEach((k, v) -> byMethod.put(k, v.get()));
    return new Snapshot(byMethod, documentsRead.get(), documentsWritten.get());
  }

  record Snapshot(Map<String, Long> rpcs, long documentsRead, long documentsWritten) {
    Snapshot minus(Snapshot before) {
      Map<String, Long> diff = new TreeMap<>();
      rpcs.forEach((k, v) -> {
        long d = v - before.rpcs.getOrDefault(k, 0L);
        if (d != 0) {
          diff.put(k, d);
        }
      });
      return new Snapshot(diff, documentsRead - before.documentsRead,
          documentsWritten - before.documentsWritten);
    }

    long totalRpcs() {
      return rpcs.values().stream().mapToLong(Long::longValue).sum();
    }
  }
}
