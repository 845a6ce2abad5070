package dev.modelbuilder.scoring.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelbuilder.core.operation.ProgressEvent;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * 10,000 images: the evaluation streams, so the heap in use (measured after a GC every 1,000 images) does not grow
 * with the images scored. Each 48x48 image decodes to 6.9 KB, so holding the decoded images, or their predictions
 * and tensors, would add tens of MB over the run; the bound allows 8 MB of noise. The figures are printed.
 *
 * <p>Isolated: the heap is the JVM's, so nothing may run beside it. The Chromium report test, which runs beside
 * the others, decodes 1280x4200 screenshots (21 MB each) and moved the samples by 16 MB when it overlapped.
 */
@Isolated("measures the JVM's heap in use")
class TenThousandImagesTest {
    private static final int PER_LABEL = 3334;

    @Test
    void memoryStaysFlatOverTenThousandImages(@TempDir Path dir) throws Exception {
        Path model = EvaluationFixtures.writePackage(dir);
        Path data = dir.resolve("data");
        int[][] colours = {EvaluationFixtures.A, EvaluationFixtures.B, EvaluationFixtures.C};
        String[] labels = {"cat", "dog", "fox"};
        byte[][] png = new byte[3][];
        for (int l = 0; l < 3; l++) {
            Path first = EvaluationFixtures.image(data, labels[l] + "/0.png", colours[l], 48);
            png[l] = Files.readAllBytes(first);
        }
        int images = 0;
        for (int l = 0; l < 3; l++) {
            for (int i = 0; i < PER_LABEL && images < 10_000; i++, images++) {
                Files.write(data.resolve(labels[l]).resolve(i + ".png"), png[l]);
            }
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        List<Long> heapAfterGc = new ArrayList<>();
        long[] nextSample = {1000};
        EvaluationResult r = ModelEvaluator.builder().withTopK(1).withBatchSize(50).withListener(e -> {
            if (e instanceof ProgressEvent.StepProgress p && p.done() >= nextSample[0]) {
                nextSample[0] += 1000;
                System.gc();
                System.gc();
                heapAfterGc.add(memory.getHeapMemoryUsage().getUsed());
            }
        }).build().evaluate(model, data);

        assertThat(r.images()).isEqualTo(10_000);
        assertThat(r.confusionMatrix().total()).isEqualTo(10_000);
        assertThat(r.correct()).isEqualTo(10_000);
        assertThat(heapAfterGc).hasSize(10);
        long first = heapAfterGc.get(0);
        long max = heapAfterGc.stream().mapToLong(Long::longValue).max().orElseThrow();
        System.out.printf("10,000 images: heap in use after GC at 1,000 images %.1f MB, at 10,000 %.1f MB, "
                + "largest sample %.1f MB; samples %s%n", mb(first), mb(heapAfterGc.get(9)), mb(max),
                heapAfterGc.stream().map(v -> String.format("%.1f", mb(v))).toList());
        assertThat(max - first).as("heap growth from 1,000 to 10,000 images, bytes").isLessThan(8L << 20);
    }

    private static double mb(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
