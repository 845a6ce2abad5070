package dev.modelbuilder.codegen;

import dev.modelbuilder.core.exception.ModelBuilderException;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The SDK version and plugin versions, written into this jar at build time. */
final class SdkInfo {
    private final Properties properties = new Properties();

    private SdkInfo() {
        try (InputStream in = SdkInfo.class.getResourceAsStream("sdk.properties")) {
            if (in == null) {
                throw new ModelBuilderException("the codegen jar is incomplete: sdk.properties is missing from the codegen jar");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new ModelBuilderException("the codegen jar cannot be read: " + e.getMessage(), e);
        }
    }

    static SdkInfo load() {
        return new SdkInfo();
    }

    String version() {
        return get("version");
    }

    String get(String key) {
        String v = properties.getProperty(key);
        if (v == null || v.contains("${")) {
            throw new ModelBuilderException("the codegen jar is incomplete: sdk.properties has no build-time value for " + key);
        }
        return v;
    }

    Properties all() {
        return properties;
    }
}
