package dev.modelbuilder.local;

import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.support.AtomicFiles;
import dev.modelbuilder.local.implementation.LocalBackend;
import dev.modelbuilder.local.implementation.LocalSettings;
import dev.modelbuilder.local.implementation.TrainingParameters;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Function;

/**
 * Builds a {@link LocalProvider}; get one from {@link LocalProvider#builder()}. Not thread-safe.
 *
 * <pre>{@code
 * LocalProvider local = LocalProvider.builder().withRoot(Path.of("work", "local")).withThreads(4).build();
 * }</pre>
 */
public final class LocalProviderBuilder {
    private Path root;
    private int threads = Runtime.getRuntime().availableProcessors();
    private int maxConcurrentRuns = 1;
    private int maxQueuedRuns = 64;
    private AtomicFiles artifactFiles = AtomicFiles.system();
    private Clock clock = Clock.systemUTC();

    LocalProviderBuilder() {
    }

    /**
     * @param folder the folder that holds the workspaces (created when missing); wins over
     *     {@link LocalProvider#ROOT_SETTING}
     * @return this builder
     */
    public LocalProviderBuilder withRoot(Path folder) {
        this.root = Objects.requireNonNull(folder, "folder");
        return this;
    }

    /**
     * @param count PyTorch intra-op threads each run uses (default: this machine's processor count). PyTorch keeps one
     *     thread pool per process: when runs of providers with different counts train at the same time, the one that
     *     started last sets it
     * @return this builder
     * @throws IllegalArgumentException when {@code count} is below 1
     */
    public LocalProviderBuilder withThreads(int count) {
        this.threads = atLeastOne("threads", count);
        return this;
    }

    /**
     * @param count runs that train at the same time (default 1: a run uses all cores); further runs wait as Queued
     * @return this builder
     * @throws IllegalArgumentException when {@code count} is below 1
     */
    public LocalProviderBuilder withMaxConcurrentRuns(int count) {
        this.maxConcurrentRuns = atLeastOne("maxConcurrentRuns", count);
        return this;
    }

    /**
     * @param count runs that may wait for a thread (default 64); submitting more fails
     * @return this builder
     * @throws IllegalArgumentException when {@code count} is below 1
     */
    public LocalProviderBuilder withMaxQueuedRuns(int count) {
        this.maxQueuedRuns = atLeastOne("maxQueuedRuns", count);
        return this;
    }

    /** Test seam: how model artifacts are written (e.g. a writer that fails like a full disk). */
    LocalProviderBuilder withArtifactFiles(AtomicFiles files) {
        this.artifactFiles = Objects.requireNonNull(files, "files");
        return this;
    }

    /** Test seam: the wall clock recorded in run times. */
    LocalProviderBuilder withClock(Clock wallClock) {
        this.clock = Objects.requireNonNull(wallClock, "wallClock");
        return this;
    }

    /**
     * Opens the root folder ({@link #withRoot}, else {@link LocalProvider#ROOT_SETTING}, else
     * {@code ~/.modelbuilder/local}); runs that an ended process left Queued or Running are recorded as failed
     * (interrupted).
     *
     * @return the provider
     * @throws dev.modelbuilder.core.exception.FileAccessException when the root folder cannot be created
     * @throws dev.modelbuilder.core.exception.ValidationException when a setting is not a path
     */
    public LocalProvider build() {
        int runThreads = threads;
        // the provider reads its own options type, so that options made for another provider are refused at submit
        Function<TrainingSpec, TrainingParameters> settings = spec -> spec.optionsFor(LocalBackend.NAME,
                LocalTrainingOptions.class, LocalTrainingOptions::defaults).toSettings(spec, runThreads);
        return new LocalProvider(new LocalBackend(root != null ? root : LocalSettings.root(),
                LocalSettings.backboneCache(), maxConcurrentRuns, maxQueuedRuns, settings, artifactFiles, clock));
    }

    private static int atLeastOne(String name, int count) {
        if (count < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + count);
        }
        return count;
    }
}
