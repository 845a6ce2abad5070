package dev.modelbuilder.serving;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Configures a {@link ModelServer}; obtained from {@link ModelServer#builder()}. Not thread-safe. */
public final class ModelServerBuilder {
    Path model;
    String host = "127.0.0.1";
    int port = 8080;
    final Map<String, String> properties = new LinkedHashMap<>();

    ModelServerBuilder() {
    }

    /**
     * @param fileOrFolder an MLModel.zip, or a folder holding exactly one
     * @return this builder
     */
    public ModelServerBuilder withModel(Path fileOrFolder) {
        this.model = Objects.requireNonNull(fileOrFolder, "fileOrFolder");
        return this;
    }

    /**
     * @param address the address to listen on; {@code 127.0.0.1} (this machine only) by default, {@code 0.0.0.0}
     *     for every interface
     * @return this builder
     */
    public ModelServerBuilder withHost(String address) {
        this.host = Objects.requireNonNull(address, "address");
        return this;
    }

    /**
     * @param number the port; 0 picks a free one ({@link ModelServer#url()} tells which)
     * @return this builder
     * @throws IllegalArgumentException if outside 0-65535
     */
    public ModelServerBuilder withPort(int number) {
        if (number < 0 || number > 65_535) {
            throw new IllegalArgumentException("port must be 0-65535, got " + number);
        }
        this.port = number;
        return this;
    }

    /**
     * @param name any Spring Boot or starter property, e.g. {@code modelbuilder.server.max-pixels}
     * @param value its value
     * @return this builder
     */
    public ModelServerBuilder withProperty(String name, String value) {
        properties.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * @return a server, not started yet
     * @throws dev.modelbuilder.core.exception.ValidationException if no model was given
     */
    public ModelServer build() {
        if (model == null) {
            throw new dev.modelbuilder.core.exception.ValidationException("model", null,
                    "give the MLModel.zip to serve, or a folder holding one");
        }
        return new ModelServer(this);
    }
}
