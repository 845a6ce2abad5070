package dev.modelbuilder.spark.implementation;

import org.apache.spark.launcher.JavaModuleOptions;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JVM options Spark needs on Java 17 and later ({@code --add-opens} and friends). {@code spark-submit} gives them
 * to the JVMs it starts; a plain {@code java -cp ... dev.modelbuilder.spark.BatchScoring} does not, and Spark then
 * fails at start-up ({@code IllegalAccessError} on {@code sun.nio.ch}). {@link #relaunch} starts the same program
 * again in a child JVM with them: the command stays as the user wrote it, at the cost of a second JVM start
 * (0.8-1.5 s on this project's machines, mostly the 200-jar class path). The list is Spark's own
 * ({@link JavaModuleOptions}), so it follows Spark's version.
 */
public final class SparkJvm {
    /** Set in a relaunched JVM, so that a JVM that still lacks the options fails instead of starting another. */
    public static final String RELAUNCHED_PROPERTY = "modelbuilder.spark.relaunched";

    private SparkJvm() {
    }

    /** @return the options, as Spark's launcher gives them to every Spark JVM */
    public static List<String> options() {
        return List.of(JavaModuleOptions.defaultModuleOptionArray());
    }

    /**
     * @return the {@code --add-opens} of {@link #options()} that this JVM lacks, as {@code module/package}; empty when
     *     Spark can start here
     */
    public static List<String> missingOpens() {
        List<String> missing = new ArrayList<>();
        Module unnamed = SparkJvm.class.getClassLoader().getUnnamedModule();
        for (String option : options()) {
            if (!option.startsWith("--add-opens=") || !option.endsWith("=ALL-UNNAMED")) {
                continue;
            }
            String target = option.substring("--add-opens=".length(), option.length() - "=ALL-UNNAMED".length());
            int slash = target.indexOf('/');
            Optional<Module> module = ModuleLayer.boot().findModule(target.substring(0, slash));
            if (module.isPresent() && !module.get().isOpen(target.substring(slash + 1), unnamed)) {
                missing.add(target);
            }
        }
        return missing;
    }

    /** @return whether this JVM was started by {@link #relaunch} */
    public static boolean relaunched() {
        return Boolean.getBoolean(RELAUNCHED_PROPERTY);
    }

    /**
     * Runs {@code mainClass} again in a child JVM with Spark's options, this JVM's own options (heap, system
     * properties, agents) and class path, and the same arguments; its standard streams are this JVM's. The class
     * path and options go through an argument file ({@code java @file}), which no command-line length limit cuts.
     *
     * @param mainClass the program
     * @param args its arguments
     * @return the child's exit status
     * @throws IOException if the child cannot be started
     * @throws InterruptedException if interrupted while waiting (the child is stopped)
     */
    public static int relaunch(Class<?> mainClass, String[] args) throws IOException, InterruptedException {
        Path argFile = Files.createTempFile("modelbuilder-spark-jvm", ".args");
        try {
            List<String> jvmArgs = new ArrayList<>(options());
            jvmArgs.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
            jvmArgs.add("-D" + RELAUNCHED_PROPERTY + "=true");
            jvmArgs.add("-cp");
            jvmArgs.add(System.getProperty("java.class.path"));
            StringBuilder text = new StringBuilder();
            for (String a : jvmArgs) {
                text.append(quote(a)).append('\n');
            }
            Files.writeString(argFile, text, StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("@" + argFile);
            command.add(mainClass.getName());
            command.addAll(List.of(args));
            Process child = new ProcessBuilder(command).inheritIO().start();
            // Ctrl-C or SIGTERM on this JVM stops the child too, which then stops its Spark job
            Thread stopChild = new Thread(() -> {
                child.destroy();
                try {
                    child.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "modelbuilder-spark-relaunch-stop");
            Runtime.getRuntime().addShutdownHook(stopChild);
            try {
                return child.waitFor();
            } catch (InterruptedException e) {
                child.destroy();
                throw e;
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(stopChild);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs anyway
                }
            }
        } finally {
            Files.deleteIfExists(argFile);
        }
    }

    /** One argument in an argument file: quoted, with backslashes and quotes escaped (the java launcher's rules). */
    static String quote(String arg) {
        return '"' + arg.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
