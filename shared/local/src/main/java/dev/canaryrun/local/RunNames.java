package dev.canaryrun.local;

import io.grpc.Status;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the resource names of the Cloud Run Admin v2 API. */
final class RunNames {

  private static final Pattern LOCATION =
      Pattern.compile("projects/([^/]+)/locations/([^/]+)");
  private static final Pattern SERVICE =
      Pattern.compile("projects/([^/]+)/locations/([^/]+)/services/([^/]+)");
  private static final Pattern REVISION =
      Pattern.compile("projects/([^/]+)/locations/([^/]+)/services/([^/]+)/revisions/([^/]+)");

  /** projects/P/locations/L. */
  record Location(String project, String location) {
    String name() {
      return "projects/" + project + "/locations/" + location;
    }
  }

  /** projects/P/locations/L/services/S. */
  record ServiceName(String project, String location, String service) {
    String name() {
      return "projects/" + project + "/locations/" + location + "/services/" + service;
    }

    String revisionName(String revision) {
      return name() + "/revisions/" + revision;
    }

    Location parent() {
      return new Location(project, location);
    }
  }

  /** projects/P/locations/L/services/S/revisions/R. */
  record RevisionName(ServiceName service, String revision) {
    String name() {
      return service.revisionName(revision);
    }
  }

  private RunNames() {}

  static Location location(String name) {
    Matcher m = LOCATION.matcher(name);
    if (!m.matches()) {
      throw invalid("a location name projects/{project}/locations/{location}", name);
    }
    return new Location(m.group(1), m.group(2));
  }

  static ServiceName service(String name) {
    Matcher m = SERVICE.matcher(name);
    if (!m.matches()) {
      throw invalid("a service name projects/{project}/locations/{location}/services/{service}",
          name);
    }
    return new ServiceName(m.group(1), m.group(2), m.group(3));
  }

  static RevisionName revision(String name) {
    Matcher m = REVISION.matcher(name);
    if (!m.matches()) {
      throw invalid("a revision name projects/{project}/locations/{location}/services/"
          + "{service}/revisions/{revision}", name);
    }
    return new RevisionName(new ServiceName(m.group(1), m.group(2), m.group(3)), m.group(4));
  }

  /** The last path segment: the short name of a revision given either way. */
  static String shortName(String name) {
    int slash = name.lastIndexOf('/');
    return slash < 0 ? name : name.substring(slash + 1);
  }

  private static RuntimeException invalid(String expected, String got) {
    return Status.INVALID_ARGUMENT
        .withDescription("expected " + expected + ", got '" + got + "'")
        .asRuntimeException();
  }
}
