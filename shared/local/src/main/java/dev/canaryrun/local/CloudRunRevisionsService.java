package dev.canaryrun.local;

import com.google.cloud.run.v2.GetRevisionRequest;
import com.google.cloud.run.v2.ListRevisionsRequest;
import com.google.cloud.run.v2.ListRevisionsResponse;
import com.google.cloud.run.v2.Revision;
import com.google.cloud.run.v2.RevisionsGrpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;

/** google.cloud.run.v2.Revisions (read side) over {@link LocalCloudRun}. */
final class CloudRunRevisionsService extends RevisionsGrpc.RevisionsImplBase {

  private final LocalCloudRun run;

  CloudRunRevisionsService(LocalCloudRun run) {
    this.run = run;
  }

  @Override
  public void getRevision(GetRevisionRequest request, StreamObserver<Revision> out) {
    Unary.answer(out, () -> {
      RunNames.revision(request.getName());
      return run.getRevision(request.getName()).orElseThrow(() -> Status.NOT_FOUND
          .withDescription("revision " + request.getName() + " not found")
          .asRuntimeException());
    });
  }

  @Override
  public void listRevisions(ListRevisionsRequest request,
      StreamObserver<ListRevisionsResponse> out) {
    Unary.answer(out, () -> {
      RunNames.ServiceName parent = RunNames.service(request.getParent());
      // Newest first, as Cloud Run lists them; "-" is a wildcard for the service.
      List<Revision> matching = run.allRevisions().stream().filter(r -> {
        RunNames.ServiceName s = RunNames.service(r.getService());
        return s.project().equals(parent.project())
            && s.location().equals(parent.location())
            && (parent.service().equals("-") || s.service().equals(parent.service()));
      }).toList();
      matching = new java.util.ArrayList<>(matching);
      java.util.Collections.reverse(matching);
      int start = Unary.pageStart(request.getPageToken());
      int size = Unary.pageSize(request.getPageSize(), 100);
      int end = Math.min(matching.size(), start + size);
      ListRevisionsResponse.Builder b = ListRevisionsResponse.newBuilder();
      if (start < end) {
        b.addAllRevisions(matching.subList(start, end));
      }
      if (end < matching.size()) {
        b.setNextPageToken(Integer.toString(end));
      }
      return b.build();
    });
  }
}
