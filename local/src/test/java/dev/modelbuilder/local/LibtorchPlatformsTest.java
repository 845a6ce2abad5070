package dev.modelbuilder.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Each OS and architecture that libtorch's CPU build is served for resolves its own native jar and only that one:
 * the real Maven of this build runs {@code dependency:tree} (dependency collection only: no jar is downloaded) on
 * this project, once per platform forced with {@code -Dlibtorch.platform}, once as this machine, and once for a
 * platform that is not served. The OS activation of each profile is checked in the POM itself, since Maven reads
 * the OS from the JVM it runs in and cannot be told another.
 */
// runs beside the other test classes (training among them): it only waits on nested Maven runs
@Execution(ExecutionMode.CONCURRENT)
class LibtorchPlatformsTest {
    /** Classifier, Maven OS family and os.arch of each platform served. */
    static final Map<String, List<String>> PLATFORMS = new LinkedHashMap<>();

    static {
        PLATFORMS.put("linux-x86_64", List.of("unix", "amd64"));
        PLATFORMS.put("linux-aarch64", List.of("unix", "aarch64"));
        PLATFORMS.put("osx-aarch64", List.of("mac", "aarch64"));
        PLATFORMS.put("win-x86_64", List.of("windows", "amd64"));
    }

    @TempDir
    Path tmp;

    @Test
    void eachPlatformResolvesItsOwnNativeJarAndOnlyThatOne() throws Exception {
        Map<String, Future<List<String>>> runs = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            for (String platform : PLATFORMS.keySet()) {
                runs.put(platform, pool.submit(() -> nativeJars(platform)));
            }
            runs.put("osx-x86_64", pool.submit(() -> nativeJars("osx-x86_64")));
            runs.put("this machine", pool.submit(() -> nativeJars(null)));
            for (String platform : PLATFORMS.keySet()) {
                assertThat(runs.get(platform).get(10, TimeUnit.MINUTES)).as(platform)
                        .containsExactly("ai.djl.pytorch:pytorch-native-cpu:jar:" + platform + ":2.7.1:runtime");
            }
            assertThat(runs.get("osx-x86_64").get(10, TimeUnit.MINUTES)).as("a platform libtorch is not served for")
                    .isEmpty();
            String host = hostPlatform();
            List<String> hostJars = runs.get("this machine").get(10, TimeUnit.MINUTES);
            if (host == null) {
                assertThat(hostJars).isEmpty();
            } else {
                assertThat(hostJars).containsExactly("ai.djl.pytorch:pytorch-native-cpu:jar:" + host
                        + ":2.7.1:runtime");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void eachProfileIsActivatedByItsOsAndArchitectureUnlessAPlatformIsForced() throws Exception {
        Path pom = Path.of(System.getProperty("libtorch.test.root"), "local", "pom.xml");
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
        NodeList profiles = doc.getElementsByTagName("profile");
        Map<String, Element> byId = new LinkedHashMap<>();
        for (int i = 0; i < profiles.getLength(); i++) {
            Element p = (Element) profiles.item(i);
            byId.put(text(p, "id"), p);
        }
        for (Map.Entry<String, List<String>> e : PLATFORMS.entrySet()) {
            Element byOs = byId.get("libtorch-" + e.getKey());
            assertThat(byOs).as(e.getKey()).isNotNull();
            Element os = (Element) byOs.getElementsByTagName("os").item(0);
            assertThat(text(os, "family")).isEqualTo(e.getValue().get(0));
            assertThat(text(os, "arch")).isEqualTo(e.getValue().get(1));
            assertThat(text((Element) byOs.getElementsByTagName("property").item(0), "name"))
                    .isEqualTo("!libtorch.platform");
            assertThat(text(byOs, "classifier")).isEqualTo(e.getKey());
            Element forced = byId.get("libtorch-" + e.getKey() + "-forced");
            assertThat(text(forced, "value")).isEqualTo(e.getKey());
            assertThat(text(forced, "classifier")).isEqualTo(e.getKey());
        }
    }

    /** The classifier Maven's OS activation picks on this machine, or null where none is served. */
    private static String hostPlatform() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        String family = os.startsWith("windows") ? "windows" : os.startsWith("mac") ? "mac" : "unix";
        for (Map.Entry<String, List<String>> e : PLATFORMS.entrySet()) {
            boolean linuxOnly = e.getKey().startsWith("linux");
            if (e.getValue().get(0).equals(family) && e.getValue().get(1).equals(arch)
                    && (!linuxOnly || os.startsWith("linux"))) {
                return e.getKey();
            }
        }
        return null;
    }

    private List<String> nativeJars(String platform) throws Exception {
        Path out = tmp.resolve("tree-" + (platform == null ? "host" : platform) + ".txt");
        Path root = Path.of(System.getProperty("libtorch.test.root")).toRealPath();
        boolean windows = File.separatorChar == '\\';
        Path mvn = Path.of(System.getProperty("libtorch.test.maven.home"), "bin", windows ? "mvn.cmd" : "mvn");
        // one builder thread (not .mvn/maven.config's -T1C): the modules append to one output file
        List<String> command = new ArrayList<>(List.of(mvn.toString(), "-B", "-q", "-o", "-T", "1", "-f",
                root.resolve("pom.xml").toString(), "-pl", "local", "-am", "dependency:tree",
                "-Dmaven.repo.local=" + System.getProperty("libtorch.test.repository"),
                "-Dincludes=ai.djl.pytorch:pytorch-native-cpu", "-DoutputFile=" + out, "-DappendOutput=true"));
        if (platform != null) {
            command.add("-Dlibtorch.platform=" + platform);
        }
        Path log = tmp.resolve("maven-" + (platform == null ? "host" : platform) + ".log");
        Process maven = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        assertThat(maven.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(maven.exitValue()).as(() -> readQuietly(log)).isZero();
        List<String> jars = new ArrayList<>();
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            int at = line.indexOf("ai.djl.pytorch:pytorch-native-cpu");
            if (at >= 0) {
                jars.add(line.substring(at).trim());
            }
        }
        return jars;
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().trim();
    }

    private static String readQuietly(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
