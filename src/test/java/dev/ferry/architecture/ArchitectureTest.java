package dev.ferry.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.alwaysTrue;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.ferry.endpoint.token.Grant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/architecture.md: dependencies run one way, {@code cli -> server ->
 * endpoint.* -> {token, signer, policy -> connector, storage, oauth2}}; {@code connector} and
 * {@code storage} never reach up; {@code cpu} is the bottom seam for CPU work; no catch-all
 * packages; every package documents itself.
 */
class ArchitectureTest {
  private static JavaClasses ferry;

  @BeforeAll
  static void importClasses() {
    ferry =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.ferry");
  }

  private static void check(ArchRule rule) {
    rule.check(ferry);
  }

  /**
   * {@code ferry token} runs in CI jobs and pods: the workload client uses no server code, so it
   * stays small and starts fast, and only the command line reaches it.
   */
  @Test
  void theWorkloadClientStandsAlone() {
    check(
        noClasses()
            .that()
            .resideInAPackage("dev.ferry.workload..")
            .should()
            .dependOnClassesThat()
            .resideOutsideOfPackages(
                "dev.ferry.workload..",
                "java..",
                "javax..",
                "org.jspecify..",
                "com.fasterxml.jackson..",
                "com.nimbusds.."));
    check(
        noClasses()
            .that()
            .resideOutsideOfPackages("dev.ferry.workload..", "dev.ferry.cli..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.ferry.workload.."));
  }

  @Test
  void nothingBelowTheCliDependsOnIt() {
    check(
        noClasses()
            .that()
            .resideOutsideOfPackage("dev.ferry.cli..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.ferry.cli.."));
  }

  @Test
  void onlyTheCliDependsOnTheCompositionRoot() {
    check(
        noClasses()
            .that()
            .resideOutsideOfPackages("dev.ferry.cli..", "dev.ferry.server..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.ferry.server.."));
  }

  @Test
  void endpointsAreLeavesOfTheComposition() {
    check(
        noClasses()
            .that()
            .resideInAnyPackage(
                "dev.ferry.token..",
                "dev.ferry.signer..",
                "dev.ferry.connector..",
                "dev.ferry.storage..",
                "dev.ferry.oauth2..",
                "dev.ferry.http..",
                "dev.ferry.config..",
                "dev.ferry.json..",
                "dev.ferry.policy..",
                "dev.ferry.cpu..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.ferry.endpoint.."));
  }

  /**
   * {@code endpoint -> policy -> connector}: a policy judges what a connector verified, and only
   * the vocabulary of OAuth errors besides; it never reaches the web layer, the issuer or storage,
   * and connectors do not know policies exist.
   */
  @Test
  void policySitsBetweenEndpointsAndConnectors() {
    check(
        noClasses()
            .that()
            .resideInAPackage("dev.ferry.policy..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "dev.ferry.endpoint..",
                "dev.ferry.server..",
                "dev.ferry.http..",
                "dev.ferry.token..",
                "dev.ferry.signer..",
                "dev.ferry.storage..",
                "dev.ferry.config.."));
    check(
        noClasses()
            .that()
            .resideInAnyPackage(
                "dev.ferry.connector..",
                "dev.ferry.storage..",
                "dev.ferry.token..",
                "dev.ferry.signer..",
                "dev.ferry.http..",
                "dev.ferry.oauth2..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.ferry.policy.."));
  }

  /** The CPU lane is the bottom seam connectors and the signer share with the HTTP layer. */
  @Test
  void theCpuLaneHasNoDependencies() {
    check(
        noClasses()
            .that()
            .resideInAPackage("dev.ferry.cpu..")
            .should()
            .dependOnClassesThat()
            .resideOutsideOfPackages("dev.ferry.cpu..", "java..", "org.jspecify.."));
  }

  @Test
  void connectorsAndStorageStayIndependentOfTheWebLayer() {
    check(
        noClasses()
            .that()
            .resideInAnyPackage("dev.ferry.connector..", "dev.ferry.storage..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "dev.ferry.http..",
                "dev.ferry.token..",
                "dev.ferry.signer..",
                "dev.ferry.config.."));
  }

  @Test
  void connectorsNeverReachUpIntoTheServer() {
    check(
        noClasses()
            .that()
            .resideInAPackage("dev.ferry.connector..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("dev.ferry.server..", "dev.ferry.endpoint..", "dev.ferry.cli.."));
  }

  /**
   * Each connector type is one package that shares only {@code connector} and {@code
   * connector.upstream}, so a type can be added or removed without touching another.
   */
  @Test
  void connectorTypesDoNotDependOnEachOther() {
    check(
        slices()
            .matching("dev.ferry.connector.(*)..")
            .should()
            .notDependOnEachOther()
            .ignoreDependency(alwaysTrue(), resideInAPackage("dev.ferry.connector.upstream..")));
  }

  /** The registry and the capability interfaces know no connector type. */
  @Test
  void theConnectorContractKnowsNoConnectorType() {
    check(
        noClasses()
            .that()
            .resideInAPackage("dev.ferry.connector")
            .should()
            .dependOnClassesThat(
                resideInAPackage("dev.ferry.connector.(*)..")
                    .and(not(resideInAPackage("dev.ferry.connector.upstream..")))));
  }

  @Test
  void theHttpLayerHoldsNoOAuthLogic() {
    check(
        noClasses()
            .that()
            .resideInAPackage("dev.ferry.http..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "dev.ferry.token..",
                "dev.ferry.signer..",
                "dev.ferry.connector..",
                "dev.ferry.storage..",
                "dev.ferry.config.."));
  }

  @Test
  void thePagesKnowOnlyTheHttpLayer() {
    // web renders what endpoints hand it: no config, endpoint, server, storage or OAuth logic.
    check(
        noClasses()
            .that()
            .resideInAPackage("dev.ferry.web..")
            .should()
            .dependOnClassesThat()
            .resideOutsideOfPackages(
                "dev.ferry.web..",
                "dev.ferry.http..",
                "java..",
                "org.jspecify..",
                "org.slf4j..",
                "com.github.mustachejava.."));
    check(
        noClasses()
            .that()
            .resideInAPackage("dev.ferry.http..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.ferry.web.."));
  }

  @Test
  void theProtocolVocabularyHasNoDependencies() {
    check(
        noClasses()
            .that()
            .resideInAPackage("dev.ferry.oauth2..")
            .should()
            .dependOnClassesThat()
            .resideOutsideOfPackages("dev.ferry.oauth2..", "java..", "org.jspecify.."));
  }

  /**
   * A grant is registered in one place: only {@code GrantCatalogue} (beside the grants) builds
   * grants, so the server and the tests serve the same ones and start-up warnings derive from it.
   */
  @Test
  void grantsAreBuiltOnlyByTheCatalogue() {
    check(
        noClasses()
            .that()
            .resideOutsideOfPackage("dev.ferry.endpoint.token.grant..")
            .should()
            .dependOnClassesThat(
                JavaClass.Predicates.resideInAPackage("dev.ferry.endpoint.token.grant..")
                    .and(JavaClass.Predicates.assignableTo(Grant.class))));
  }

  @Test
  void noCatchAllPackages() {
    check(
        noClasses()
            .should()
            .resideInAnyPackage(
                "..util..", "..utils..", "..service..", "..manager..", "..helper..", "..common.."));
  }

  @Test
  void everyPackageHasAPackageInfo() throws IOException {
    Path root = Path.of("src/main/java");
    try (Stream<Path> files = Files.walk(root)) {
      List<Path> packagesWithoutInfo =
          files
              .filter(Files::isDirectory)
              .filter(ArchitectureTest::holdsJavaSources)
              .filter(dir -> !Files.exists(dir.resolve("package-info.java")))
              .toList();
      assertThat(packagesWithoutInfo).isEmpty();
    }
  }

  private static boolean holdsJavaSources(Path dir) {
    try (Stream<Path> children = Files.list(dir)) {
      return children.anyMatch(p -> p.toString().endsWith(".java"));
    } catch (IOException e) {
      return false;
    }
  }
}
