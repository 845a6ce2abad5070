package dev.modelbuilder.local.implementation;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * The local trainer's throughput, for the side-by-side benchmark against PyTorch ({@code src/test/bench/train_bench.py};
 * run both with {@code src/test/bench/run-training-bench.sh}). Not a test: a main class compiled with the tests.
 *
 * <p>It runs the trainer's own optimization step ({@link ClassifierTrainer#trainStep}: forward, softmax
 * cross-entropy, backward, Adam update) with its own configuration on random input batches, after warm-up steps,
 * and prints one line: {@code RESULT djl images_per_s=<n> peak_rss_mib=<n> ...}. Arguments:
 * {@code architecture imageSize width batch threads warmupSteps measuredSteps}.
 */
public final class TrainingBenchmark {
    private TrainingBenchmark() {
    }

    /**
     * @param args architecture, image size, width, batch, threads, warm-up steps, measured steps
     * @throws IOException when /proc cannot be read
     */
    public static void main(String[] args) throws IOException {
        String arch = args.length > 0 ? args[0] : "resnet14";
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int width = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        int batch = args.length > 3 ? Integer.parseInt(args[3]) : 32;
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        int warmup = args.length > 5 ? Integer.parseInt(args[5]) : 10;
        int steps = args.length > 6 ? Integer.parseInt(args[6]) : 40;
        int classes = 3;
        TrainingParameters settings = TestParameters.scratch(arch, size, width, batch, 30, threads);
        DjlRuntime.prepareThread(threads);
        ResNet net = ResNet.build(ResNetArchitecture.named(arch, size, width, classes));
        Random random = new Random(1);
        float[][] inputs = new float[4][batch * 3 * size * size];
        float[][] labels = new float[4][batch];
        for (int b = 0; b < 4; b++) {
            for (int i = 0; i < inputs[b].length; i++) {
                inputs[b][i] = (float) random.nextGaussian();
            }
            for (int i = 0; i < batch; i++) {
                labels[b][i] = random.nextInt(classes);
            }
        }
        try (Model model = Model.newInstance("bench", Device.cpu(), DjlRuntime.ENGINE_NAME)) {
            model.setBlock(net.block());
            try (Trainer trainer = model.newTrainer(ClassifierTrainer.trainingConfig(settings, warmup + steps))) {
                trainer.initialize(new Shape(batch, 3, size, size));
                for (int s = 0; s < warmup; s++) {
                    BatchSteps.trainStep(trainer, inputs[s % 4], labels[s % 4], batch, size);
                }
                long start = System.nanoTime();
                double loss = 0;
                for (int s = 0; s < steps; s++) {
                    loss = BatchSteps.trainStep(trainer, inputs[s % 4], labels[s % 4], batch, size)[0];
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "RESULT djl images_per_s=%.1f peak_rss_mib=%.0f arch=%s size=%d "
                        + "width=%d batch=%d threads=%d steps=%d last_loss=%.4f%n", steps * batch / seconds,
                        peakRssMiB(), arch, size, width, batch, threads, steps, loss);
            }
        }
    }

    private static double peakRssMiB() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return -1;
    }
}
