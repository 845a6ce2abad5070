package dev.modelbuilder.serving.implementation;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The SDK version written into the starter's jar at build time. */
public final class SdkVersion {
    private SdkVersion() {
    }

    /** @return the version, e.g. {@code 0.1.0-SNAPSHOT}, or {@code unknown} when the build did not write it */
    public static String get() {
        Properties p = new Properties();
        try (InputStream in = SdkVersion.class.getResourceAsStream("/dev/modelbuilder/serving/serving.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        String v = p.getProperty("version");
        return v == null || v.contains("${") ? "unknown" : v;
    }
}
