package dev.modelbuilder.scoring;

import dev.modelbuilder.pipeline.LabelMap;

import dev.modelbuilder.testdata.ImageClassificationFixtures;

import dev.modelbuilder.core.exception.InvalidStateException;

import dev.modelbuilder.pipeline.ImageDecoder;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import dev.modelbuilder.pipeline.RgbImage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ConcurrencyTest {

    private static PredictionEngine engine() {
        return PredictionEngine.builder().withOnnxModel(ImageClassificationFixtures.tinyModel()).withLabels(LabelMap.read(ImageClassificationFixtures.labelMap()))
                .withPreprocessing(PreprocessingSpec.resizeCrop(256, 224)).build();
    }

    @Test
    @Timeout(300)
    void eightThreadsGiveTheSameResultsAsSequentialCalls() throws Exception {
        List<Path> files = ImageClassificationFixtures.imageFiles();
        List<byte[]> encoded = new ArrayList<>();
        for (Path f : files) {
            encoded.add(Files.readAllBytes(f));
        }
        // decoding is the slow part; pre-decode so that 1600 predictions stay quick, and use bytes for some
        List<RgbImage> decoded = new ArrayList<>();
        for (Path f : files) {
            decoded.add(ImageDecoder.decode(f));
        }
        try (PredictionEngine engine = engine()) {
            List<Prediction> sequential = new ArrayList<>();
            for (RgbImage img : decoded) {
                sequential.add(engine.predict(img));
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int thread = t;
                    results.add(pool.submit(() -> {
                        int checked = 0;
                        for (int i = 0; i < 200; i++) {
                            int k = (thread + i) % decoded.size();
                            Prediction p = i % 25 == 0 ? engine.predict(encoded.get(k)) : engine.predict(decoded.get(k));
                            assertThat(p).isEqualTo(sequential.get(k));
                            checked++;
                        }
                        return checked;
                    }));
                }
                int total = 0;
                for (Future<Integer> f : results) {
                    total += f.get(240, TimeUnit.SECONDS);
                }
                assertThat(total).isEqualTo(1600);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    @Timeout(120)
    void closeDuringConcurrentUseLetsInFlightCallsFinish() throws Exception {
        List<Path> files = ImageClassificationFixtures.imageFiles();
        List<RgbImage> decoded = new ArrayList<>();
        for (Path f : files) {
            decoded.add(ImageDecoder.decode(f));
        }
        PredictionEngine engine = engine();
        Prediction reference = engine.predict(decoded.get(0));
        AtomicInteger succeeded = new AtomicInteger();
        AtomicInteger startedAfterCloseButSucceeded = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean closeReturned = new java.util.concurrent.atomic.AtomicBoolean();
        AtomicInteger rejected = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        CountDownLatch running = new CountDownLatch(8);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int t = 0; t < 8; t++) {
                int thread = t;
                pool.submit(() -> {
                    running.countDown();
                    for (int i = 0; ; i++) {
                        // a call that starts after close() returned must be refused; one already running may finish
                        boolean startedAfterClose = closeReturned.get();
                        try {
                            if (thread % 4 == 0) {
                                List<Prediction> batch = engine.predictBatch(ImageSource.ofFiles(files));
                                assertThat(batch).hasSize(files.size());
                            } else {
                                Prediction p = engine.predict(decoded.get(0));
                                assertThat(p).isEqualTo(reference);
                            }
                            succeeded.incrementAndGet();
                            if (startedAfterClose) {
                                startedAfterCloseButSucceeded.incrementAndGet();
                            }
                        } catch (InvalidStateException e) {
                            assertThat(e).hasMessageContaining("closed");
                            rejected.incrementAndGet();
                            return;
                        } catch (Throwable e) {
                            unexpected.add(e);
                            return;
                        }
                    }
                });
            }
            running.await();
            Thread.sleep(300); // let predictions (and batch preprocessing) get under way

            engine.close();
            closeReturned.set(true);

            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            assertThat(unexpected).isEmpty();
            assertThat(rejected.get()).isEqualTo(8);
            assertThat(startedAfterCloseButSucceeded.get()).as("calls started after close() returned succeeded")
                    .isZero();
            assertThat(succeeded.get()).isPositive();
            assertThat(engine.isClosed()).isTrue();
            assertThatThrownBy(() -> engine.predict(decoded.get(0))).isInstanceOf(InvalidStateException.class)
                    .hasMessage("this PredictionEngine is closed");
            assertThatThrownBy(() -> engine.predictBatch(ImageSource.ofFiles(files))).isInstanceOf(InvalidStateException.class);
            engine.close(); // idempotent
        } finally {
            pool.shutdownNow();
        }
    }
}
