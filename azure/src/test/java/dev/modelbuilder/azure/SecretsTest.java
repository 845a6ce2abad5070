package dev.modelbuilder.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.azure.core.http.policy.HttpLogDetailLevel;
import com.azure.core.http.policy.HttpLogOptions;
import dev.modelbuilder.azure.testing.ArmEmulator;
import dev.modelbuilder.azure.testing.Azurite;
import dev.modelbuilder.azure.testing.AzuriteExtension;
import dev.modelbuilder.azure.testing.AzuriteTest;
import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.WorkspaceScope;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.testing.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No secret in any log line or exception message: bearer tokens, the storage account key and SAS tokens from
 * {@code listSecrets}, even with azure-core's HTTP logging at BODY_AND_HEADERS and this module at DEBUG.
 */
@AzuriteTest
class SecretsTest {
    @TempDir
    Path temp;

    @Test
    void secretsNeverReachLogsOrMessages() throws Exception {
        Azurite azurite = AzuriteExtension.azurite();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        PrintStream originalOut = System.out;
        List<String> messages = new ArrayList<>();
        try (EmulatedAzure azure = new EmulatedAzure(azurite)) {
            System.setErr(new PrintStream(tee(originalErr, captured), true, StandardCharsets.UTF_8));
            System.setOut(new PrintStream(tee(originalOut, captured), true, StandardCharsets.UTF_8));
            try {
                HttpLogOptions logAll = new HttpLogOptions().setLogLevel(HttpLogDetailLevel.BODY_AND_HEADERS);
                Path data = TestImages.dataset(temp.resolve("pets"), List.of("cat", "dog"), 6);
                try (ModelBuilder mb = ModelBuilder.using(azure.builder().withHttpLogOptions(logAll).build())) {
                    mb.workspaces().define("secret-ws").withRegion("eastus").create();
                    WorkspaceScope ws = mb.workspace("secret-ws");
                    ws.computes().define("gpu").withSize(AzureVmSizes.STANDARD_NC4AS_T4_V3).create();
                    TrainingRun run = ws.runs().define(TrainingSpec.fromData(data).withCompute("gpu").build())
                            .inExperiment("pets").beginCreate();
                    run.waitForModel(Duration.ofMinutes(1), temp.resolve("model"));
                    messages.add(String.valueOf(catchThrowable(() -> mb.workspaces().get("missing-ws"))));
                }
                // a datastore that hands out a read-only SAS: the upload is refused by storage
                azure.arm.setSasSecrets(true);
                try (ModelBuilder mb = ModelBuilder.using(azure.builder().withHttpLogOptions(logAll).build())) {
                    mb.workspaces().define("sas-ws").withRegion("eastus").create();
                    WorkspaceScope ws = mb.workspace("sas-ws");
                    ws.computes().define("gpu").withSize(AzureVmSizes.STANDARD_NC4AS_T4_V3).create();
                    Throwable refused = catchThrowable(() -> ws.runs().define(TrainingSpec.fromData(data)
                            .withCompute("gpu").build()).inExperiment("pets").beginCreate());
                    assertThat(refused).isNotNull().hasMessageContaining("failed");
                    for (Throwable t = refused; t != null; t = t.getCause()) {
                        messages.add(String.valueOf(t));
                    }
                }
                // a rejected token and a credential that fails
                azure.arm.revokeTokens();
                azure.arm.credential().setFailure(new IllegalStateException("no credential available"));
                try (AzureMlProvider p = azure.builder().withHttpLogOptions(logAll).build()) {
                    messages.add(String.valueOf(catchThrowable(() -> p.workspaces().get("secret-ws"))));
                }
            } finally {
                System.setErr(originalErr);
                System.setOut(originalOut);
            }
            String log = captured.toString(StandardCharsets.UTF_8);
            assertThat(log).as("the captured log shows HTTP logging was on").contains("secret-ws")
                    .contains("listSecrets");
            List<String> secrets = new ArrayList<>(azure.arm.credential().tokens());
            secrets.addAll(azure.arm.secretsHandedOut());
            assertThat(secrets).hasSizeGreaterThan(3).contains(Azurite.KEY);
            List<String> sasSignatures = azure.arm.secretsHandedOut().stream().filter(s -> s.contains("sig="))
                    .map(s -> s.substring(s.indexOf("sig=") + 4).split("&")[0]).toList();
            assertThat(sasSignatures).isNotEmpty();
            secrets.addAll(sasSignatures);
            secrets.addAll(sasSignatures.stream().map(s -> java.net.URLDecoder.decode(s, StandardCharsets.UTF_8))
                    .toList());
            for (String secret : secrets) {
                assertThat(log).as("log").doesNotContain(secret);
                assertThat(messages).as("exception messages").noneMatch(m -> m.contains(secret));
            }
            assertThat(log).doesNotContain("Bearer emu.");
            assertThat(azure.arm.violations()).isEmpty();
        }
        assertThat(ArmEmulator.SUBSCRIPTION).isNotBlank();
    }

    private static OutputStream tee(OutputStream a, ByteArrayOutputStream b) {
        return new OutputStream() {
            @Override
            public void write(int c) {
                try {
                    a.write(c);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                b.write(c);
            }

            @Override
            public void write(byte[] buf, int off, int len) {
                try {
                    a.write(buf, off, len);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                synchronized (b) {
                    b.write(buf, off, len);
                }
            }
        };
    }
}
