package dev.modelbuilder.spark.implementation;

import java.io.Serializable;
import java.util.Objects;

/**
 * A model package as the driver checked it, sent to the executors with every task: small, whatever the model's size
 * (executors read the package themselves, once per JVM).
 *
 * @param uri the package's fully qualified Hadoop URI (e.g. {@code file:/models/MLModel.zip},
 *     {@code abfss://models@account.dfs.core.windows.net/MLModel.zip})
 * @param sha256 the SHA-256 of the whole archive, lower-case hexadecimal: the engine cache's key, and what an executor
 *     checks the bytes it reads against
 * @param size the archive's size in bytes
 */
public record PackageRef(String uri, String sha256, long size) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** @throws NullPointerException if a value is null */
    public PackageRef {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(sha256, "sha256");
    }
}
