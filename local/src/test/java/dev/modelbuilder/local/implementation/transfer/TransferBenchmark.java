package dev.modelbuilder.local.implementation.transfer;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.modelbuilder.core.dataset.DatasetSplit;
import dev.modelbuilder.core.dataset.ImageFolderDataset;
import dev.modelbuilder.pipeline.ImageDecoder;
import dev.modelbuilder.pipeline.ImagePreprocessor;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.ProgressListener;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Feature-extraction throughput and end-to-end transfer training time (not part of {@code mvn verify}; run by
 * {@code src/test/bench/run-transfer-bench.sh}). Prints {@code RESULT} lines.
 *
 * <ol>
 *   <li>raw: {@code OrtSession.run} on the cut backbone, on a batch preprocessed beforehand (same session options);</li>
 *   <li>ours: {@link FeatureExtractor#run} on the same batch (the extractor's inference path);</li>
 *   <li>ours from files: {@link FeatureExtractor#extract} from JPEG files (decode, resize 256, crop 224, normalize on a
 *       thread pool, pipelined with inference);</li>
 *   <li>end to end: {@link TransferTrainer#train} on IMAGES JPEG files in 4 labels, 1 view, validation 20 %.</li>
 * </ol>
 *
 * <p>Arguments: {@code MODEL.onnx [IMAGES=1000] [BATCH=32] [THREADS=cores] [ROUNDS=3] [WORKDIR] [throughput-only]}.
 * Raw and extractor inference alternate batch by batch, so that load drift on a shared machine hits both alike.
 */
public final class TransferBenchmark {
    private TransferBenchmark() {
    }

    /**
     * @param args model, image count, batch, threads, rounds, work folder
     * @throws Exception on any failure
     */
    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        int images = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : Runtime.getRuntime().availableProcessors();
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        Path work = args.length > 5 ? Path.of(args[5]) : Files.createTempDirectory("transfer-bench");
        PreprocessingSpec spec = PreprocessingSpec.resizeCrop(256, 224);
        BackboneGraph graph = BackboneGraph.read(model, null);
        byte[] cut = graph.featureModel();
        Path data = photos(work.resolve("data"), images);
        List<Path> files;
        try (var s = Files.walk(data)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        ImagePreprocessor pre = new ImagePreprocessor(spec);
        FloatBuffer tensors = ByteBuffer.allocateDirect(batch * spec.tensorSize() * 4).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        for (int i = 0; i < batch; i++) {
            pre.toTensor(pre.geometry(ImageDecoder.decode(files.get(i))), tensors, i * spec.tensorSize());
        }
        System.out.printf(Locale.ROOT, "INFO model=%s cut=%s batch=%d threads=%d images=%d%n", model.getFileName(),
                graph.cutNode(), batch, threads, images);
        int iterations = Math.max(2, 128 / batch);
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(threads);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession raw = OrtEnvironment.getEnvironment().createSession(cut, o);
                 FeatureExtractor fx = new FeatureExtractor(cut, spec, threads, batch)) {
                List<Path> sample = files.subList(0, Math.min(files.size(), iterations * batch));
                fx.run(tensors, batch); // warm-up
                for (int round = 1; round <= rounds; round++) {
                    // alternate batch by batch so that a shared machine's load drift hits both sides alike
                    long rawNanos = 0;
                    long oursNanos = 0;
                    for (int i = 0; i < iterations; i++) {
                        long t0 = System.nanoTime();
                        try (OnnxTensor in = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), tensors,
                                new long[] {batch, 3, 224, 224});
                             OrtSession.Result r = raw.run(Map.of("input1", in))) {
                            ((OnnxTensor) r.get(0)).getFloatBuffer();
                        }
                        long t1 = System.nanoTime();
                        fx.run(tensors, batch);
                        long t2 = System.nanoTime();
                        rawNanos += t1 - t0;
                        oursNanos += t2 - t1;
                    }
                    double rawRate = iterations * batch / (rawNanos / 1e9);
                    double oursRate = iterations * batch / (oursNanos / 1e9);
                    long t0 = System.nanoTime();
                    fx.extract(sample, 1, ProgressListener.none(), () -> false);
                    double filesRate = sample.size() / ((System.nanoTime() - t0) / 1e9);
                    System.out.printf(Locale.ROOT, "RESULT round=%d raw=%.2f ours=%.2f ours_from_files=%.2f"
                            + " ratio=%.3f ratio_files=%.3f%n", round, rawRate, oursRate, filesRate,
                            oursRate / rawRate, filesRate / rawRate);
                }
            }
        }
        if (args.length > 6 && args[6].equals("throughput-only")) {
            return;
        }
        DatasetSplit split = ImageFolderDataset.scan(data).split(0.2, 1);
        long t0 = System.nanoTime();
        TransferTrainer.Outcome out = TransferTrainer.train(split, new Backbone(model.getFileName().toString(), model,
                BackboneCache.sha256(model), spec, null),
                new TransferTrainer.Parameters(1, threads, batch, LogisticHead.Parameters.defaults(threads)), null,
                Map.of(), e -> {
                    if (e instanceof ProgressEvent.LogLine l) {
                        System.out.println("LOG " + l.line());
                    }
                }, "bench", () -> false);
        double total = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "RESULT end_to_end images=%d seconds=%.1f features_s=%.1f head_s=%.2f"
                + " images_per_s=%.2f accuracy=%.3f%n", files.size(), total, out.featureTime().toNanos() / 1e9,
                out.headTime().toNanos() / 1e9, files.size() / total, out.head().validationAccuracy());
    }

    /** Photo-sized JPEG files (640x480 and 480x640) in 4 labels that differ in colour and stripes. */
    private static Path photos(Path dir, int count) throws Exception {
        Random random = new Random(7);
        List<Path> written = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int label = i % 4;
            Path folder = dir.resolve("label" + label);
            Files.createDirectories(folder);
            Path file = folder.resolve(String.format(Locale.ROOT, "img_%05d.jpg", i));
            if (Files.exists(file)) {
                continue;
            }
            boolean portrait = random.nextInt(4) == 0;
            int w = portrait ? 480 : 640;
            int h = portrait ? 640 : 480;
            BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            Color a = Color.getHSBColor(label / 4f + random.nextFloat() * 0.1f, 0.6f, 0.9f);
            Color b = Color.getHSBColor(random.nextFloat(), 0.3f, 0.3f + random.nextFloat() * 0.5f);
            g.setPaint(new GradientPaint(0, 0, a, w, h, b));
            g.fillRect(0, 0, w, h);
            g.setColor(b);
            int period = 20 + random.nextInt(40);
            for (int s = 0; s < Math.max(w, h); s += period) {
                if (label % 2 == 0) {
                    g.fillRect(s, 0, period / 3, h);
                } else {
                    g.fillRect(0, s, w, period / 3);
                }
            }
            g.dispose();
            ImageIO.write(image, "jpg", file.toFile());
            written.add(file);
        }
        return dir;
    }
}
