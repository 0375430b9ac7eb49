package dev.canaryrun.gcp.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.fixtures.Fixtures;
import dev.canaryrun.rollout.RolloutEvent.BuildSucceeded;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BuildNotificationDecoderTest {
  private final BuildNotificationDecoder decoder = new BuildNotificationDecoder();

  @Test
  void successOfAWatchedServiceBuildIsARolloutOfTheImagePinnedByDigest() {
    BuildSucceeded b = Messages.accepted(decoder.decode(Messages.build(
        "cloudbuild/build-success.json"), "build:1")).event();
    assertEquals("build:1", b.eventId());
    assertEquals(Fixtures.SERVICE, b.service());
    assertEquals(Fixtures.REGION, b.region());
    assertEquals(Fixtures.IMAGE, b.image());
    assertEquals(Fixtures.BUILD_ID, b.buildId());
    assertEquals(Fixtures.BUILD_FINISHED, b.occurredAt());
    assertNull(b.adoptRevision());
  }

  @Test
  void otherStatusesAreIgnoredWithTheirStatus() {
    assertTrue(Messages.ignored(decoder.decode(Messages.build("cloudbuild/build-working.json"),
        "build:2")).contains("WORKING"));
    assertTrue(Messages.ignored(decoder.decode(Messages.build("cloudbuild/build-failure.json"),
        "build:3")).contains("FAILURE"));
  }

  @Test
  void statusIsReadFromTheResourceWhenTheAttributesAreMissing() {
    PubSubMessage m = Messages.of(Fixtures.bytes("cloudbuild/build-failure.json"), Map.of());
    assertTrue(Messages.ignored(decoder.decode(m, "build:4")).contains("FAILURE"));
  }

  @Test
  void aBuildThatNamesNoServiceIsIgnored() {
    assertTrue(Messages.ignored(decoder.decode(Messages.build(
        "cloudbuild/build-success-unwatched-no-service.json"), "build:5"))
        .contains("_SERVICE_NAME"));
  }

  @Test
  void aSuccessfulBuildWithoutADigestIsRejected() {
    assertTrue(Messages.rejected(decoder.decode(Messages.build(
        "cloudbuild/build-success-no-digest.json"), "build:6")).contains("no image digest"));
  }

  @Test
  void adoptModeNamesTheRevisionTheBuildDeployed() {
    BuildSucceeded b = Messages.accepted(decoder.decode(Messages.build(
        "cloudbuild/build-success-adopt.json"), "build:7")).event();
    assertEquals("checkout-4be5f0a", b.adoptRevision());
  }

  @Test
  void adoptModeCanBeDeclaredBySubstitution() {
    String json = Fixtures.edit("cloudbuild/build-success.json")
        .set("/substitutions/_CANARYRUN_REVISION", "checkout-rc-17").text();
    BuildSucceeded b = Messages.accepted(decoder.decode(Messages.of(json), "build:8")).event();
    assertEquals("checkout-rc-17", b.adoptRevision());
  }

  @Test
  void adoptModeWithoutARevisionNameIsRejected() {
    Fixtures.Edit e = Fixtures.edit("cloudbuild/build-success-adopt.json");
    @SuppressWarnings("unchecked")
    List<Object> steps = (List<Object>) e.asMap().get("steps");
    @SuppressWarnings("unchecked")
    Map<String, Object> deploy = (Map<String, Object>) steps.get(2);
    deploy.put("args", List.of("run", "deploy", "checkout", "--no-traffic", "--tag=canary"));
    String json = e.set("/steps", steps).text();
    assertTrue(Messages.rejected(decoder.decode(Messages.of(json), "build:9"))
        .contains("--revision-suffix"));
  }

  @Test
  void aBuildNamingNoRegionLeavesItToThePolicy() {
    // issue 11, defect 7: it used to take the function's default region (us-central1 here).
    String json = Fixtures.edit("cloudbuild/build-success.json")
        .remove("/substitutions/_DEPLOY_REGION").text();
    assertNull(Messages.accepted(decoder.decode(Messages.of(json), "b")).event().region());
  }

  @Test
  void severalRepositoriesPickTheOneNamedAfterTheService() {
    Fixtures.Edit e = Fixtures.edit("cloudbuild/build-success.json");
    @SuppressWarnings("unchecked")
    List<Object> images = (List<Object>) ((Map<String, Object>) e.asMap().get("results"))
        .get("images");
    images.add(0, Map.of("name", "europe-west1-docker.pkg.dev/shop-prod/tools/migrator:v3",
        "digest", "sha256:" + "1".repeat(64)));
    BuildSucceeded b = Messages.accepted(decoder.decode(Messages.of(
        e.set("/results/images", images).text()), "b")).event();
    assertEquals(Fixtures.IMAGE, b.image());
  }

  @Test
  void malformedBuildsAreRejectedNamingTheProblem() {
    assertTrue(Messages.rejected(decoder.decode(Messages.of("{\"status\":\"SUCCESS\"}"), "b"))
        .contains("\"id\""));
    assertTrue(Messages.rejected(decoder.decode(Messages.of("[1,2]"), "b"))
        .contains("JSON object"));
    assertTrue(Messages.rejected(decoder.decode(Messages.of("{\"id\":"), "b"))
        .contains("not valid JSON"));
    String badDigest = Fixtures.edit("cloudbuild/build-success.json")
        .set("/results/images", List.of(Map.of("name", "x/checkout", "digest", "latest"))).text();
    assertTrue(Messages.rejected(decoder.decode(Messages.of(badDigest), "b"))
        .contains("sha256"));
    String badService = Fixtures.edit("cloudbuild/build-success.json")
        .set("/substitutions/_SERVICE_NAME", "Checkout_Service").text();
    assertTrue(Messages.rejected(decoder.decode(Messages.of(badService), "b"))
        .contains("service name"));
    PubSubMessage huge = Messages.of(new byte[BuildNotificationDecoder.MAX_BYTES + 1], Map.of());
    assertTrue(Messages.rejected(decoder.decode(huge, "b")).contains("over the limit"));
  }

  @Test
  void repositoryStripsTagAndDigestButNotARegistryPort() {
    assertEquals("localhost:5000/a/b", BuildNotificationDecoder.repository("localhost:5000/a/b:v1"));
    assertEquals("r/a/b", BuildNotificationDecoder.repository("r/a/b@sha256:00"));
    assertEquals("r/a/b", BuildNotificationDecoder.repository("r/a/b"));
  }

  @Test
  void theStockContinuousDeploymentBuildIsRecognisedAsAlreadyDeployed() {
    BuildRelease r = Messages.accepted(decoder.decode(Messages.build(
        "cloudbuild/build-success-cd-services-update.json"), "build:cd"));
    assertEquals(BuildRelease.Origin.BUILD_DEPLOYED, r.origin(),
        "gcloud run services update --image deployed the image: do not deploy it twice");
    assertEquals(null, r.event().adoptRevision(), "Cloud Run named the revision: look it up");
    assertEquals("4be5f0a1c6d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6", r.commitSha());
    assertTrue(r.event().image().contains("/cloud-run-source-deploy/checkout/checkout@sha256:"));
    assertEquals("checkout-apple", r.adopting("checkout-apple").adoptRevision());
  }

  @Test
  void aBuildThatOnlyPushesIsDeployedByCanaryrunAndAnAdoptBuildNamesItsRevision() {
    assertEquals(BuildRelease.Origin.CANARYRUN_DEPLOYS, Messages.accepted(decoder.decode(
        Messages.build("cloudbuild/build-success.json"), "b")).origin());
    assertEquals(BuildRelease.Origin.BUILD_DEPLOYED_NO_TRAFFIC, Messages.accepted(
        decoder.decode(Messages.build("cloudbuild/build-success-adopt.json"), "b")).origin());
  }
}
