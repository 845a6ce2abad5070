package dev.modelbuilder.spark.implementation;

import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.Objects;

/**
 * A Hadoop {@link Configuration} that travels to the executors (Spark's own wrapper is not public API): the driver's
 * file-system settings ({@code spark.hadoop.*}, credentials of {@code abfss:}/{@code s3a:} connectors) are what the
 * executors must use to read the package and the images.
 */
public final class SerializableConfiguration implements Serializable {
    private static final long serialVersionUID = 1L;

    private transient Configuration conf;

    /** @param conf the configuration (copied when serialized) */
    public SerializableConfiguration(Configuration conf) {
        this.conf = Objects.requireNonNull(conf, "conf");
    }

    /** @return the configuration */
    public Configuration get() {
        return conf;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        conf.write(out);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        // no defaults: every entry the driver had arrives in the stream
        conf = new Configuration(false);
        conf.readFields(in);
    }
}
