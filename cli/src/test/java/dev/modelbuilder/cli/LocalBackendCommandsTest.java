package dev.modelbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.local.SampleDatasets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every workspace, compute, train and runs subcommand through the real entry point, on the local backend. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalBackendCommandsTest {
    @TempDir
    static Path tmp;
    static String runId;

    private static final ObjectMapper JSON = new ObjectMapper();

    private static CliHarness.Result run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--local-root", tmp.resolve("root").toString()));
        return CliHarness.run(all.toArray(String[]::new));
    }

    private static JsonNode json(CliHarness.Result r) throws Exception {
        assertThat(r.exitCode()).as(r.err()).isZero();
        return JSON.readTree(r.out());
    }

    @Test
    @Order(1)
    void workspaceCommands() throws Exception {
        assertThat(json(run("workspace", "create", "ws1", "--json")).get("name").asText()).isEqualTo("ws1");
        assertThat(json(run("workspace", "get", "ws1", "--json")).get("name").asText()).isEqualTo("ws1");
        assertThat(json(run("workspace", "list", "--json")).findValuesAsText("name")).containsExactly("ws1");
        CliHarness.Result missing = run("workspace", "get", "nope-ws");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("workspace 'nope-ws' was not found");
        CliHarness.Result bad = run("workspace", "create", "a_b");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("workspace name 'a_b' is invalid");
    }

    @Test
    @Order(2)
    void computeCommands() throws Exception {
        JsonNode created = json(run("compute", "create", "local-cpu", "--workspace", "ws1", "--json"));
        assertThat(created.get("name").asText()).isEqualTo("local-cpu");
        assertThat(json(run("compute", "get", "local-cpu", "--workspace", "ws1", "--json")).get("state").asText())
                .isEqualTo(created.get("state").asText());
        assertThat(json(run("compute", "list", "--workspace", "ws1", "--json")).findValuesAsText("name"))
                .contains("local-cpu");
        CliHarness.Result noWorkspace = run("compute", "list");
        assertThat(noWorkspace.exitCode()).isEqualTo(2);
        assertThat(noWorkspace.err()).contains("--workspace");
        CliHarness.Result azureSize = run("compute", "create", "gpu", "--workspace", "ws1", "--size",
                "Standard_NC4as_T4_v3");
        assertThat(azureSize.exitCode()).isEqualTo(2);
        assertThat(azureSize.err()).contains("compute size 'Standard_NC4as_T4_v3' is invalid: provider 'local' does"
                + " not offer it; use one of its sizes, e.g. local-cpu");
    }

    @Test
    @Order(3)
    void trainWritesTheModel() throws Exception {
        Path data = SampleDatasets.shapes(tmp.resolve("data"), 10, 1);
        JsonNode result = json(run("train", "--data", data.toString(), "--experiment", "cli-exp", "--workspace", "ws1",
                "--time-budget", "30s", "--epochs", "2", "--output", tmp.resolve("model").toString(), "--json"));
        runId = result.get("run").get("id").asText();
        assertThat(result.get("run").get("status").asText()).isEqualTo("Completed");
        assertThat(result.get("run").get("experiment").asText()).isEqualTo("cli-exp");
        assertThat(result.get("model").get("labels").toString()).isEqualTo("[\"circle\",\"square\",\"triangle\"]");
        assertThat(tmp.resolve("model").resolve("bestModel.onnx")).isRegularFile();
        assertThat(tmp.resolve("model").resolve("bestModelMap.json")).isRegularFile();
        assertThat(tmp.resolve("model").resolve("MLModel.zip")).isRegularFile();

        // the same output again: refused before any work, the model left as it is
        long before = java.nio.file.Files.getLastModifiedTime(tmp.resolve("model").resolve("MLModel.zip")).toMillis();
        CliHarness.Result again = run("train", "--data", data.toString(), "--experiment", "cli-exp", "--workspace",
                "ws1", "--epochs", "1", "--output", tmp.resolve("model").toString());
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("already holds bestModel.onnx, bestModelMap.json, MLModel.zip")
                .contains("--overwrite");
        assertThat(again.out()).doesNotContain("Run run-");
        assertThat(java.nio.file.Files.getLastModifiedTime(tmp.resolve("model").resolve("MLModel.zip")).toMillis())
                .isEqualTo(before);
        CliHarness.Result inside = run("train", "--data", data.toString(), "--experiment", "cli-exp", "--workspace",
                "ws1", "--epochs", "1", "--output", data.resolve("model").toString());
        assertThat(inside.exitCode()).isEqualTo(2);
        assertThat(inside.err()).contains("inside the dataset folder");
    }

    @Test
    @Order(4)
    void runsCommands() throws Exception {
        JsonNode list = json(run("runs", "list", "--workspace", "ws1", "--experiment", "cli-exp", "--json"));
        assertThat(list.findValuesAsText("id")).contains(runId);
        JsonNode shown = json(run("runs", "show", runId, "--workspace", "ws1", "--json"));
        assertThat(shown.get("status").asText()).isEqualTo("Completed");
        assertThat(java.time.Duration.parse(shown.get("duration").asText()))
                .isEqualTo(java.time.Duration.between(java.time.Instant.parse(shown.get("startedAt").asText()),
                        java.time.Instant.parse(shown.get("endedAt").asText())));
        assertThat(run("runs", "show", runId, "--workspace", "ws1").out()).contains("started ").contains("took ");
        CliHarness.Result watch = run("runs", "watch", runId, "--workspace", "ws1", "--output",
                tmp.resolve("watched").toString());
        assertThat(watch.exitCode()).as(watch.err()).isZero();
        assertThat(tmp.resolve("watched").resolve("MLModel.zip")).isRegularFile();
        CliHarness.Result cancel = run("runs", "cancel", runId, "--workspace", "ws1", "--json");
        assertThat(json(cancel).get("status").asText()).as("cancelling an ended run changes nothing")
                .isEqualTo("Completed");
        assertThat(json(cancel).get("cancelled").asBoolean()).isFalse();
        CliHarness.Result cancelText = run("runs", "cancel", runId, "--workspace", "ws1");
        assertThat(cancelText.exitCode()).isZero();
        assertThat(cancelText.out().strip()).isEqualTo("Run " + runId
                + " has already ended (Completed): nothing to cancel, nothing changed.");
        assertThat(run("runs", "show", "no-such-run", "--workspace", "ws1").exitCode()).isEqualTo(1);
    }

    @Test
    @Order(5)
    void deleteCommands() throws Exception {
        assertThat(json(run("compute", "delete", "local-cpu", "--workspace", "ws1", "--json")).get("existed")
                .asBoolean()).isTrue();
        assertThat(json(run("workspace", "delete", "ws1", "--json")).get("existed").asBoolean()).isTrue();
        assertThat(json(run("workspace", "delete", "ws1", "--json")).get("existed").asBoolean()).isFalse();
    }

    @Test
    void optionsOfTheOtherBackendAreRefusedNamingThem() {
        CliHarness.Result r = run("train", "--data", tmp.resolve("no-data").toString(), "--experiment", "e",
                "--output", tmp.resolve("no-model").toString(), "--search-space", tmp.resolve("space.json").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--search-space").contains("does not apply to --backend local");
    }

    @Test
    void purgeAsksFirstAndAutoModeNamesNoArchitecture() {
        CliHarness.Result purge = run("workspace", "delete", "ws-purged", "--purge");
        assertThat(purge.exitCode()).isEqualTo(2);
        assertThat(purge.err()).contains("cannot be undone").contains("--yes");
        CliHarness.Result both = run("train", "--data", "d", "--experiment", "e", "--output", "o", "--auto-mode",
                "--architecture", "resnet50");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("--auto-mode");
    }

    @Test
    void badArgumentsExitWithTwoAndNameTheArgument() {
        CliHarness.Result noData = run("train", "--experiment", "e", "--output", "o");
        assertThat(noData.exitCode()).isEqualTo(2);
        assertThat(noData.err()).contains("--data");
        CliHarness.Result badDuration = run("train", "--data", "d", "--experiment", "e", "--output", "o",
                "--time-budget", "5x");
        assertThat(badDuration.exitCode()).isEqualTo(2);
        assertThat(badDuration.err()).contains("--time-budget").contains("'5x' is not a duration");
        CliHarness.Result emptyData = run("train", "--data", tmp.resolve("absent").toString(), "--experiment", "e",
                "--output", "o");
        assertThat(emptyData.exitCode()).isEqualTo(2);
        assertThat(emptyData.err()).contains("absent").contains("does not exist");
        CliHarness.Result badBackend = run("sizes", "--backend", "gcp");
        assertThat(badBackend.exitCode()).isEqualTo(2);
        assertThat(badBackend.err()).contains("--backend");
    }

    @Test
    void azureNeedsItsSettingsAndAConfirmation() {
        CliHarness.Result noSubscription = CliHarness.run("workspace", "list", "--backend", "azure",
                "--subscription=", "--resource-group", "rg");
        assertThat(noSubscription.exitCode()).isEqualTo(2);
        assertThat(noSubscription.err()).contains("--subscription");
        CliHarness.Result unconfirmed = CliHarness.run("compute", "create", "gpu", "--backend", "azure",
                "--subscription", "00000000-0000-0000-0000-000000000000", "--resource-group", "rg", "--workspace",
                "ws1", "--size", "Standard_NC4as_T4_v3", "--max-nodes", "2");
        assertThat(unconfirmed.exitCode()).isEqualTo(2);
        assertThat(unconfirmed.err()).contains("0 to 2 node(s)").contains("Standard_NC4as_T4_v3")
                .contains("node-hours").contains("pass --yes");
        CliHarness.Result retired = CliHarness.run("compute", "create", "old", "--backend", "azure",
                "--subscription", "00000000-0000-0000-0000-000000000000", "--resource-group", "rg", "--workspace",
                "ws1", "--size", "Standard_NC12", "--yes");
        assertThat(retired.exitCode()).isEqualTo(2);
        assertThat(retired.err()).contains("compute size 'Standard_NC12' is invalid: it was retired on 2023-09-06")
                .doesNotContain("This creates compute");
    }

    @Test
    void everyCommandHasHelp() {
        CommandLine cli = ModelBuilderCli.commandLine(new java.io.PrintWriter(new java.io.StringWriter()),
                new java.io.PrintWriter(new java.io.StringWriter()));
        List<List<String>> paths = new ArrayList<>();
        collect(cli, new ArrayList<>(), paths);
        assertThat(paths).hasSizeGreaterThan(20);
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            CliHarness.Result r = CliHarness.run(args.toArray(String[]::new));
            assertThat(r.exitCode()).as(String.join(" ", args)).isZero();
            assertThat(r.out()).as(String.join(" ", args)).contains("Usage: modelbuilder");
        }
    }

    private static void collect(CommandLine c, List<String> prefix, List<List<String>> out) {
        out.add(prefix);
        c.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                List<String> p = new ArrayList<>(prefix);
                p.add(name);
                collect(sub, p, out);
            }
        });
    }
}
