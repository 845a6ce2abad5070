package dev.modelbuilder.spark.implementation;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Files read through Hadoop's {@link FileSystem}, so that every scheme the cluster has a connector for works the
 * same way: {@code file:}, {@code hdfs:}, {@code abfss:}, {@code s3a:}, {@code gs:}, ... A path without a scheme is
 * resolved against the cluster's default file system, as Spark resolves paths.
 */
public final class HadoopFiles {
    private HadoopFiles() {
    }

    /**
     * @param path a path or URI
     * @param conf the Hadoop configuration
     * @return the file's status, with its fully qualified path
     * @throws FileNotFoundException if there is nothing at that path
     * @throws IOException if the file system cannot be reached or has no connector for the scheme
     */
    public static FileStatus status(String path, Configuration conf) throws IOException {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(conf);
        return fs.getFileStatus(fs.makeQualified(p));
    }

    /**
     * @param pattern a glob such as {@code photos/*}{@code /*.jpg}, as a path or URI
     * @param conf the Hadoop configuration
     * @return what it matches, or null when its non-glob part does not exist
     * @throws IOException if the file system cannot be reached
     */
    public static FileStatus[] glob(String pattern, Configuration conf) throws IOException {
        Path p = new Path(pattern);
        return p.getFileSystem(conf).globStatus(p);
    }

    /**
     * @param path a fully qualified path or URI
     * @param conf the Hadoop configuration
     * @return the file's content (the caller closes it)
     * @throws IOException if it cannot be opened
     */
    public static InputStream open(String path, Configuration conf) throws IOException {
        Path p = new Path(path);
        return p.getFileSystem(conf).open(p);
    }

    /**
     * Reads a whole file of at most {@code maxBytes}, checking the size before anything is read.
     *
     * @param path a path or URI
     * @param conf the Hadoop configuration
     * @param maxBytes the largest file read
     * @return the file's bytes
     * @throws IOException if it is missing, a folder, larger than {@code maxBytes} or unreadable (the message says which)
     */
    public static byte[] readAll(String path, Configuration conf, long maxBytes) throws IOException {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(conf);
        FileStatus st = fs.getFileStatus(p);
        if (st.isDirectory()) {
            throw new IOException("it is a folder, not an image file");
        }
        if (st.getLen() > maxBytes) {
            throw new IOException("it is " + st.getLen() + " bytes, more than the limit of " + maxBytes + " bytes");
        }
        try (InputStream in = fs.open(p)) {
            // the length can change between the status and the read: never read past the limit
            byte[] bytes = in.readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 8));
            if (bytes.length > maxBytes) {
                throw new IOException("it is more than the limit of " + maxBytes + " bytes");
            }
            return bytes;
        }
    }
}
