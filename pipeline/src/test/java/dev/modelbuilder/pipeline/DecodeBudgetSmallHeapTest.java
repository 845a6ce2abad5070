package dev.modelbuilder.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelbuilder.core.exception.DecoderUnavailableException;
import dev.modelbuilder.core.exception.ImageTooLargeException;
import dev.modelbuilder.testdata.DecodingFixtures;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decompression bombs against the decode budget, each in a fresh JVM with a small heap: the 480 KB PNG of
 * 13000 x 13000 pixels (507 MB of pixels) from the hostile-input sweep, alone and six at once, and headers that lie.
 * Every decode ends with its pixels or an {@link ImageTooLargeException}, never an {@link OutOfMemoryError}.
 */
class DecodeBudgetSmallHeapTest {
    @TempDir
    static Path dir;
    private static Path bomb;

    @org.junit.jupiter.api.BeforeAll
    static void writeTheBomb() throws Exception {
        bomb = dev.modelbuilder.testdata.Bombs.writePng(dir.resolve("big.png"), 13_000, 13_000);
    }

    @Test
    void theBombDecodesUnderOneGigabyteOfHeap() throws Exception {
        assertThat(bomb.toFile().length()).isLessThan(600_000);

        SmallHeapJvm.Outcome o = SmallHeapJvm.run("-Xmx1g", System.getProperty("java.class.path"), DecodeMany.class,
                "1", bomb.toString());

        assertThat(o.output()).doesNotContain("OutOfMemoryError");
        assertThat(o.result()).as(o.output()).isEqualTo("decoded=1 tooLarge=0 other=0");
        System.out.println("13000x13000 PNG alone, -Xmx1g: " + line(o, "PEAK_RSS"));
    }

    @Test
    void sixBombsAtOnceQueueForTheBudget() throws Exception {

        SmallHeapJvm.Outcome o = SmallHeapJvm.run("-Xmx1g", System.getProperty("java.class.path"), DecodeMany.class,
                "6", bomb.toString());

        assertThat(o.output()).doesNotContain("OutOfMemoryError");
        // each one waits for the one before to be collected (60 s at most): all six decode, one after the other
        assertThat(o.result()).as(o.output()).isEqualTo("decoded=6 tooLarge=0 other=0");
        System.out.println("six 13000x13000 PNGs in parallel, -Xmx1g: " + line(o, "PEAK_RSS"));
    }

    @Test
    void theBombIsRefusedTypedUnderASmallerHeap() throws Exception {
        Path lying = dev.modelbuilder.testdata.Bombs.writeLyingPng(dir.resolve("lying.png"), 13_000, 13_000);

        SmallHeapJvm.Outcome o = SmallHeapJvm.run(SmallHeapJvm.HEAP, System.getProperty("java.class.path"),
                DecodeMany.class, "3", bomb.toString(), lying.toString());

        assertThat(o.output()).doesNotContain("OutOfMemoryError");
        assertThat(o.result()).as(o.output()).isEqualTo("decoded=0 tooLarge=6 other=0");
        assertThat(o.output()).contains(ImageTooLargeException.class.getName() + ": PNG image " + bomb
                + " (13000x13000) needs 483 MiB to decode, more than the whole decode budget of 128 MiB (50% of the "
                + "256 MiB maximum heap, the default)");
    }

    @Test
    void webPWithoutLibwebpFailsNamingTheArtifact() throws Exception {
        String withoutWebp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> !p.contains("webp-imageio")).collect(Collectors.joining(File.pathSeparator));
        Path webp = DecodingFixtures.file(DecodingFixtures.entry("webp_lossy.webp"));
        Path png = DecodingFixtures.file(DecodingFixtures.entry("png_rgb8.png"));

        SmallHeapJvm.Outcome o = SmallHeapJvm.run(SmallHeapJvm.HEAP, withoutWebp, DecodeMany.class, "1",
                webp.toString(), png.toString());

        assertThat(o.result()).as(o.output()).isEqualTo("decoded=1 tooLarge=0 other=1");
        assertThat(o.output()).contains(DecoderUnavailableException.class.getName() + ": cannot decode the WebP "
                + "image " + webp + ": WebP is decoded by libwebp through the optional artifact "
                + "com.github.usefulness:webp-imageio:0.10.2");
    }

    private static String line(SmallHeapJvm.Outcome o, String prefix) {
        return Arrays.stream(o.output().split("\n")).filter(l -> l.startsWith(prefix)).findFirst().orElse("");
    }

    /**
     * Decodes each file {@code args[0]} times at once, on as many threads, and prints the outcomes, each failure,
     * and the peak RSS.
     */
    public static final class DecodeMany {
        public static void main(String[] args) throws Exception {
            int copies = Integer.parseInt(args[0]);
            List<Path> files = new ArrayList<>();
            for (int i = 1; i < args.length; i++) {
                for (int c = 0; c < copies; c++) {
                    files.add(Path.of(args[i]));
                }
            }
            ExecutorService pool = Executors.newFixedThreadPool(files.size());
            List<Future<Throwable>> outcomes = new ArrayList<>();
            for (Path f : files) {
                outcomes.add(pool.submit(() -> {
                    try {
                        RgbImage image = ImageDecoder.decode(f);
                        return image.width() > 0 ? null : new IllegalStateException("empty image");
                    } catch (Throwable t) {
                        return t;
                    }
                }));
            }
            int decoded = 0;
            int tooLarge = 0;
            int other = 0;
            for (Future<Throwable> f : outcomes) {
                Throwable t = f.get();
                if (t == null) {
                    decoded++;
                } else {
                    System.out.println("FAILED " + t.getClass().getName() + ": " + t.getMessage());
                    if (t instanceof ImageTooLargeException) {
                        tooLarge++;
                    } else {
                        other++;
                    }
                }
            }
            pool.shutdown();
            System.out.println("PEAK_RSS " + SmallHeapJvm.peakRssKib() / 1024 + " MiB");
            System.out.println("RESULT decoded=" + decoded + " tooLarge=" + tooLarge + " other=" + other);
        }
    }
}
