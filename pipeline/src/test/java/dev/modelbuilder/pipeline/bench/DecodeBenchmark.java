package dev.modelbuilder.pipeline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.pipeline.ImageDecoder;
import dev.modelbuilder.pipeline.RgbImage;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Decode time and exactness per kind of file against Pillow, side by side: reads the folder that
 * {@code testdata/tools/make_decoding_fixtures.py --bench DIR} wrote (large files and Pillow's decodes as raw RGB),
 * and for each file times Pillow (Debian's {@code /usr/bin/python3}, in a child process, right before) and this
 * decoder (2 warm-up decodes, then the best of 5 each), so that both see the same machine load. Prints a Markdown
 * table: both times, the ratio, the largest sample difference, and the heap this thread allocated for one decode,
 * per pixel. Without python3-pil it falls back to the times the script recorded. Not a test; run it through the
 * {@code benchmarks} profile (docs/benchmarks.md).
 */
public final class DecodeBenchmark {
    /** Pillow's best of 5 of open + convert('RGB') + load, in milliseconds. */
    private static final String PILLOW = "import sys, time\nfrom PIL import Image\nbest = 1e9\n"
            + "for _ in range(5):\n    t = time.perf_counter()\n    Image.open(sys.argv[1]).convert('RGB').load()\n"
            + "    best = min(best, time.perf_counter() - t)\nprint(best * 1000)\n";

    private DecodeBenchmark() {
    }

    private static double pillowNow(Path file, double recorded) {
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", PILLOW, file.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            if (p.waitFor() == 0) {
                return Double.parseDouble(out);
            }
        } catch (java.io.IOException | NumberFormatException e) {
            // fall back to the recorded time
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return recorded;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        JsonNode pillow = new ObjectMapper().readTree(dir.resolve("pillow-times.json").toFile());
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        System.out.println("| File | Size | Encoded | Pillow 9.4 | ImageDecoder | Ratio | Max difference | "
                + "Heap allocated per pixel |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        Iterator<Map.Entry<String, JsonNode>> files = pillow.get("files").properties().iterator();
        while (files.hasNext()) {
            Map.Entry<String, JsonNode> e = files.next();
            Path file = dir.resolve(e.getKey());
            byte[] encoded = Files.readAllBytes(file);
            byte[] reference = Files.readAllBytes(dir.resolve(e.getKey() + ".rgb"));
            RgbImage image = null;
            for (int i = 0; i < 2; i++) {
                image = ImageDecoder.decode(encoded);
            }
            long best = Long.MAX_VALUE;
            long allocated = Long.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                image = null;
                System.gc(); // the budget counts a decoded image until it is collected
                Thread.sleep(100);
                long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
                long start = System.nanoTime();
                image = ImageDecoder.decode(encoded);
                best = Math.min(best, System.nanoTime() - start);
                allocated = Math.min(allocated, threads.getThreadAllocatedBytes(Thread.currentThread().getId())
                        - before);
            }
            byte[] ours = image.pixels();
            int max = ours.length == reference.length ? 0 : -1;
            for (int i = 0; max >= 0 && i < ours.length; i++) {
                max = Math.max(max, Math.abs((ours[i] & 0xFF) - (reference[i] & 0xFF)));
            }
            double ms = best / 1e6;
            double pillowMs = pillowNow(file, e.getValue().get("best_ms").asDouble());
            long pixels = (long) image.width() * image.height();
            System.out.printf(Locale.ROOT, "| %s | %dx%d | %.1f MB | %.0f ms | %.0f ms | %.2fx | %s | %.2f B |%n",
                    e.getKey(), image.width(), image.height(), encoded.length / 1e6, pillowMs, ms, ms / pillowMs,
                    max < 0 ? "size differs" : String.valueOf(max), allocated / (double) pixels);
        }
    }
}
