package dev.modelbuilder.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code modelbuilder --version}: the SDK's version (written by the build), ONNX Runtime's, and DJL's with the
 * libtorch native build it bundles, read from the jars on the class path without loading any native library.
 */
final class VersionProvider implements IVersionProvider {
    static final String UNKNOWN = "unknown";

    @Override
    public String[] getVersion() {
        List<String> lines = new ArrayList<>();
        lines.add("modelbuilder " + sdkVersion());
        lines.add("  ONNX Runtime " + jarVersion("ai.onnxruntime.OrtEnvironment"));
        String djl = jarVersion("ai.djl.engine.Engine");
        if (!djl.equals(UNKNOWN)) {
            Properties torch = resource("native/lib/pytorch.properties");
            lines.add("  DJL " + djl + (torch.isEmpty() ? ", no libtorch native build bundled (local training off)"
                    : ", libtorch " + torch.getProperty("version", UNKNOWN) + " ("
                            + torch.getProperty("flavor", UNKNOWN) + ", " + torch.getProperty("classifier", UNKNOWN)
                            + ")"));
        }
        lines.add("  Java " + Runtime.version() + " on " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch"));
        return lines.toArray(String[]::new);
    }

    static String sdkVersion() {
        return resource("dev/modelbuilder/cli/version.properties").getProperty("sdk.version", UNKNOWN);
    }

    private static String jarVersion(String className) {
        try {
            Package p = Class.forName(className, false, VersionProvider.class.getClassLoader()).getPackage();
            String v = p.getImplementationVersion() != null ? p.getImplementationVersion()
                    : p.getSpecificationVersion();
            return v == null ? UNKNOWN : v;
        } catch (ClassNotFoundException e) {
            return UNKNOWN;
        }
    }

    private static Properties resource(String name) {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getClassLoader().getResourceAsStream(name)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name + " from the class path", e);
        }
        return p;
    }
}
