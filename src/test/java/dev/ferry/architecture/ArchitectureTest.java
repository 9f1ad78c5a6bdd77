package dev.ferry.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
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
 * The package rules of architecture.md: dependencies run one way, {@code cli -> server ->
 * endpoint.* -> {token, signer, connector, storage, oauth2}}; {@code connector} and {@code storage}
 * never reach up; no catch-all packages; every package documents itself.
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
                "dev.ferry.json..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.ferry.endpoint.."));
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
