package dev.canaryrun.local;

import com.google.cloud.run.v2.CreateServiceRequest;
import com.google.cloud.run.v2.DeleteServiceRequest;
import com.google.cloud.run.v2.GetServiceRequest;
import com.google.cloud.run.v2.ListServicesRequest;
import com.google.cloud.run.v2.ListServicesResponse;
import com.google.cloud.run.v2.Service;
import com.google.cloud.run.v2.ServicesGrpc;
import com.google.cloud.run.v2.UpdateServiceRequest;
import com.google.iam.v1.TestIamPermissionsRequest;
import com.google.iam.v1.TestIamPermissionsResponse;
import com.google.longrunning.Operation;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;

/** google.cloud.run.v2.Services over {@link LocalCloudRun}. */
final class CloudRunServicesService extends ServicesGrpc.ServicesImplBase {

  private final LocalCloudRun run;
  private final LocalOperations operations;
  private final LocalIam iam;

  CloudRunServicesService(LocalCloudRun run, LocalOperations operations, LocalIam iam) {
    this.run = run;
    this.operations = operations;
    this.iam = iam;
  }

  @Override
  public void testIamPermissions(TestIamPermissionsRequest request,
      StreamObserver<TestIamPermissionsResponse> out) {
    Unary.answer(out, () -> TestIamPermissionsResponse.newBuilder()
        .addAllPermissions(iam.held(request.getResource(), request.getPermissionsList()))
        .build());
  }

  @Override
  public void getService(GetServiceRequest request, StreamObserver<Service> out) {
    Unary.answer(out, () -> {
      RunNames.service(request.getName());
      return run.getService(request.getName()).orElseThrow(() -> Status.NOT_FOUND
          .withDescription("service " + request.getName() + " not found")
          .asRuntimeException());
    });
  }

  @Override
  public void listServices(ListServicesRequest request,
      StreamObserver<ListServicesResponse> out) {
    Unary.answer(out, () -> {
      RunNames.Location parent = RunNames.location(request.getParent());
      List<Service> matching = run.services().stream().filter(s -> {
        RunNames.ServiceName n = RunNames.service(s.getName());
        return n.project().equals(parent.project())
            && (parent.location().equals("-") || n.location().equals(parent.location()));
      }).toList();
      int start = Unary.pageStart(request.getPageToken());
      int size = Unary.pageSize(request.getPageSize(), 100);
      int end = Math.min(matching.size(), start + size);
      ListServicesResponse.Builder b = ListServicesResponse.newBuilder();
      if (start < end) {
        b.addAllServices(matching.subList(start, end));
      }
      if (end < matching.size()) {
        b.setNextPageToken(Integer.toString(end));
      }
      return b.build();
    });
  }

  @Override
  public void createService(CreateServiceRequest request, StreamObserver<Operation> out) {
    Unary.answer(out, () -> {
      if (request.getValidateOnly()) {
        throw Status.UNIMPLEMENTED.withDescription("validate_only is not supported on create")
            .asRuntimeException();
      }
      Service created = run.createService(request.getParent(), request.getServiceId(),
          request.getService());
      return operations.complete(request.getParent(), created);
    });
  }

  @Override
  public void updateService(UpdateServiceRequest request, StreamObserver<Operation> out) {
    Unary.answer(out, () -> {
      ServiceWriter.Applied applied = run.updateService(request.getService(),
          request.hasUpdateMask() ? request.getUpdateMask().getPathsList() : List.of(),
          request.getAllowMissing(), request.getValidateOnly());
      String name = applied.stored().getName();
      return operations.start(RunNames.service(name).parent().name(), applied.stored(),
          () -> run.getService(name).orElse(applied.settled()), applied.untilSettled());
    });
  }

  @Override
  public void deleteService(DeleteServiceRequest request, StreamObserver<Operation> out) {
    Unary.answer(out, () -> {
      RunNames.ServiceName name = RunNames.service(request.getName());
      Service deleted = run.deleteService(request.getName(), request.getEtag());
      return operations.complete(name.parent().name(), deleted);
    });
  }
}
