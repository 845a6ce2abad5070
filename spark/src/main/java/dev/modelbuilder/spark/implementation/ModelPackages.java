package dev.modelbuilder.spark.implementation;

import dev.modelbuilder.core.exception.ModelBuilderException;
import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.pipeline.ModelCache;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.scoring.ExecutionProvider;
import dev.modelbuilder.scoring.PredictionEngine;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

import java.io.BufferedInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Reads model packages through Hadoop's file system: the driver's check before any task runs, and an executor's one
 * load per JVM.
 */
public final class ModelPackages {
    private static final Logger LOG = LoggerFactory.getLogger(ModelPackages.class);

    private ModelPackages() {
    }

    /**
     * A package the driver has read and found valid.
     *
     * @param ref what the executors get: URI, SHA-256, size
     * @param modificationTime the file's modification time when it was checked (a later change is checked again)
     * @param labels how many labels it has
     * @param multiLabel whether its model is multi-label (a sigmoid per label): its rows get a {@code labels} column
     */
    public record Checked(PackageRef ref, long modificationTime, int labels, boolean multiLabel) {
        /** @throws NullPointerException if {@code ref} is null */
        public Checked {
            Objects.requireNonNull(ref, "ref");
        }

        /**
         * @param status the file's status now
         * @return whether the file is still the one that was checked (same path, size and modification time)
         */
        public boolean matches(FileStatus status) {
            return status.getPath().toUri().toString().equals(ref.uri()) && status.getLen() == ref.size()
                    && status.getModificationTime() == modificationTime;
        }
    }

    /**
     * The driver's check: the file exists and is readable, and it is a valid package (the reader's checks: zip
     * structure, bounds, members, JSON, labels, the model's CRC and declared SHA-256). The model is not loaded into
     * ONNX Runtime here; an executor does that, and fails its task with the reason if the model does not fit.
     *
     * @param modelPath the package's path or URI
     * @param conf the Hadoop configuration
     * @param previous the last check of the same stage, reused when the file has not changed; may be null
     * @return the checked package
     * @throws ModelLoadException if the file is missing, unreadable or not a valid package; the message names its URI
     */
    public static Checked check(String modelPath, Configuration conf, Checked previous) {
        FileStatus status;
        try {
            status = HadoopFiles.status(modelPath, conf);
        } catch (FileNotFoundException e) {
            throw new ModelLoadException("MLModel.zip not found: " + modelPath + " (modelPath is read by the driver and"
                    + " by every executor through Hadoop's file system; give a URI they can all read)", e);
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("cannot read MLModel.zip " + modelPath + ": " + message(e), e);
        }
        if (status.isDirectory()) {
            throw new ModelLoadException("modelPath " + status.getPath() + " is a folder; give the MLModel.zip file");
        }
        if (previous != null && previous.matches(status)) {
            return previous;
        }
        String uri = status.getPath().toUri().toString();
        long start = System.nanoTime();
        MessageDigest sha = sha256();
        ModelPackage pkg;
        try (InputStream raw = HadoopFiles.open(uri, conf);
             DigestInputStream in = new DigestInputStream(new BufferedInputStream(raw, 1 << 16), sha)) {
            // no model cache on the driver: the model goes to an unlinked temporary file and is gone after the check
            pkg = ModelPackage.read(in, ModelPackage.Limits.defaults(), null);
            in.transferTo(OutputStream.nullOutputStream()); // the digest covers the whole archive
        } catch (ModelBuilderException e) {
            throw new ModelLoadException("MLModel.zip " + uri + " is not a valid model package: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("cannot read MLModel.zip " + uri + ": " + message(e), e);
        }
        String digest = HexFormat.of().formatHex(sha.digest());
        LOG.debug("checked {} ({} labels, SHA-256 {}) in {} ms", uri, pkg.labels().size(), digest,
                (System.nanoTime() - start) / 1_000_000);
        return new Checked(new PackageRef(uri, digest, status.getLen()), status.getModificationTime(),
                pkg.labels().size(), pkg.pipeline().isMultiLabel());
    }

    /**
     * An executor's load: reads the package through Hadoop (once per JVM, see {@link ExecutorEngines}), checks that
     * it is still the archive the driver checked, and builds the engine. The model's verified copy goes to the SDK's
     * model cache on this machine ({@code -Dmodelbuilder.cache.dir} in {@code spark.executor.extraJavaOptions} moves
     * it), so that ONNX Runtime loads it by path.
     *
     * @param ref the package the driver checked
     * @param conf the Hadoop configuration
     * @param settings the engine settings
     * @return a new engine
     * @throws ModelLoadException if the package cannot be read, differs from what the driver checked, or its model
     *     cannot be loaded (e.g. CUDA requested without a usable GPU); the message names the URI
     */
    public static PredictionEngine open(PackageRef ref, Configuration conf, EngineParameters settings) {
        long start = System.nanoTime();
        MessageDigest sha = sha256();
        ModelPackage pkg;
        try (InputStream raw = HadoopFiles.open(ref.uri(), conf);
             DigestInputStream in = new DigestInputStream(new BufferedInputStream(raw, 1 << 16), sha)) {
            pkg = ModelPackage.read(in, ModelPackage.Limits.defaults(), ModelCache.defaultCache());
            in.transferTo(OutputStream.nullOutputStream());
        } catch (ModelBuilderException e) {
            throw new ModelLoadException("MLModel.zip " + ref.uri() + " is not a valid model package: "
                    + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("cannot read MLModel.zip " + ref.uri() + " on this executor: " + message(e)
                    + " (modelPath must be readable by every executor: a file: path must exist on every node)", e);
        }
        String digest = HexFormat.of().formatHex(sha.digest());
        if (!digest.equals(ref.sha256())) {
            throw new ModelLoadException("MLModel.zip " + ref.uri() + " changed after the driver checked it (SHA-256 "
                    + ref.sha256() + " then, " + digest + " on this executor); replace a package under a new name, "
                    + "not in place, while a job uses it");
        }
        PredictionEngine engine;
        try {
            engine = PredictionEngine.builder()
                    .withModelPackage(pkg)
                    .withBatchSize(settings.batchSize())
                    .withIntraOpThreads(settings.intraOpThreads())
                    .withExecutionProvider(settings.cudaDevice() < 0 ? ExecutionProvider.cpu()
                            : ExecutionProvider.cuda(settings.cudaDevice()))
                    // a GPU job that silently runs on the CPU is a bug report (SynapseML#486): fail instead
                    .withFallbackToCpu(false)
                    .build();
        } catch (ModelBuilderException e) {
            throw new ModelLoadException("cannot load MLModel.zip " + ref.uri() + " on " + settings.device() + ": "
                    + e.getMessage(), e);
        }
        LOG.info("opened MLModel.zip {} (SHA-256 {}) in this JVM in {} ms: {} labels, {} intra-op thread(s), batches "
                        + "of {}, {}", ref.uri(), ref.sha256(), (System.nanoTime() - start) / 1_000_000,
                engine.classCount(), settings.intraOpThreads(), engine.batchSize(), engine.executionProvider());
        return engine;
    }

    /**
     * @return the Hadoop configuration of the active (or default) Spark session, or Hadoop's defaults without one
     */
    public static Configuration driverConfiguration() {
        Option<SparkSession> spark = SparkSession.getActiveSession();
        if (spark.isEmpty()) {
            spark = SparkSession.getDefaultSession();
        }
        return spark.isDefined() ? spark.get().sparkContext().hadoopConfiguration() : new Configuration();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /**
     * @param e a failure
     * @return the failure in words: its message, or its type when it has none
     */
    public static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
