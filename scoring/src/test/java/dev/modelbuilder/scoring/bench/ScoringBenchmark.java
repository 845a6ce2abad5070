package dev.modelbuilder.scoring.bench;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.modality.cv.transform.CenterCrop;
import ai.djl.modality.cv.transform.Normalize;
import ai.djl.modality.cv.transform.ResizeShort;
import ai.djl.modality.cv.transform.ToTensor;
import ai.djl.modality.cv.translator.ImageClassificationTranslator;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.scoring.ImageSource;
import dev.modelbuilder.scoring.Prediction;
import dev.modelbuilder.scoring.PredictionEngine;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import dev.modelbuilder.pipeline.ImagePreprocessor;
import dev.modelbuilder.testdata.ImageClassificationFixtures;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * ResNet50 (224x224, CPU) on the 8 fixture images: (a) raw {@code session.run} on ready tensors, (b) this SDK end to
 * end from the JPEG/PNG files, (c) DJL (ONNX Runtime engine + PyTorch for the image transforms) end to end from the
 * same files with its image classification translator (resize shorter side 256, centre crop 224, normalize).
 * Every operation handles all 8 images: {@code batch=1} as 8 single-image inferences, {@code batch=8} as one
 * 8-image inference. {@code oursStream} (batch size 8 only) pushes 64 images (8 rounds of the 8 files) through one
 * {@code predictBatch} call, so that preprocessing of batch k+1 overlaps inference of batch k; it is normalized to
 * 8 images per operation. Iterations are short (2 s) so that a whole run fits a quiet window on a shared machine.
 *
 * <p>Not part of {@code mvn verify}; see docs/benchmarks.md ("Scoring") for the command. Needs
 * {@code -Dbench.model=.../resnet50.onnx} (made by the reference-model tool, see docs/benchmarks.md).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 6, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx3g", "-Dai.djl.offline=true"})
public class ScoringBenchmark {
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    /** The images, the model and the batch size shared by all pipelines. */
    @State(Scope.Benchmark)
    public static class Inputs {
        /** Images per inference. */
        @Param({"1", "8"})
        public int batch;

        List<Path> files;
        Path model;
        LabelMap labels;

        /** Finds the model and the fixture images. */
        @Setup(Level.Trial)
        public void setup() throws IOException {
            files = fixtureImages();
            labels = LabelMap.read(fixtures().resolve("bestModelMap.json"));
            model = model();
        }
    }

    static Path fixtures() {
        return ImageClassificationFixtures.dir();
    }

    static List<Path> fixtureImages() throws IOException {
        try (Stream<Path> s = Files.list(fixtures().resolve("images"))) {
            return s.sorted().toList();
        }
    }

    static Path model() {
        Path model = Path.of(System.getProperty("bench.model", "target/bench-models/resnet50.onnx"));
        if (!Files.isRegularFile(model)) {
            throw new IllegalStateException("ResNet50 model not found at " + model.toAbsolutePath()
                    + "; generate it (docs/benchmarks.md) and pass -Dbench.model=PATH");
        }
        return model;
    }

    /** (a) A plain ONNX Runtime session and tensors made beforehand. */
    @State(Scope.Benchmark)
    public static class Raw {
        OrtEnvironment env;
        OrtSession.SessionOptions options;
        OrtSession session;
        List<FloatBuffer> tensors = new ArrayList<>();
        long[] shape;
        String input;

        /** Loads the session and preprocesses the images once. */
        @Setup(Level.Trial)
        public void setup(Inputs in) throws Exception {
            env = OrtEnvironment.getEnvironment();
            options = new OrtSession.SessionOptions();
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(in.model.toString(), options);
            input = session.getInputNames().iterator().next();
            ImagePreprocessor pre = new ImagePreprocessor(PreprocessingSpec.resizeCrop(256, 224));
            int chw = pre.spec().tensorSize();
            for (int start = 0; start < in.files.size(); start += in.batch) {
                FloatBuffer b = ByteBuffer.allocateDirect(in.batch * chw * Float.BYTES).order(ByteOrder.nativeOrder())
                        .asFloatBuffer();
                for (int i = 0; i < in.batch; i++) {
                    b.put(i * chw, pre.toTensor(in.files.get(start + i)));
                }
                tensors.add(b);
            }
            shape = new long[] {in.batch, 3, 224, 224};
        }

        /** Frees the session. */
        @TearDown(Level.Trial)
        public void close() throws Exception {
            session.close();
            options.close();
        }
    }

    /** (b) This SDK. */
    @State(Scope.Benchmark)
    public static class Ours {
        PredictionEngine engine;

        /** Loads the engine. */
        @Setup(Level.Trial)
        public void setup(Inputs in) {
            engine = PredictionEngine.builder().withOnnxModel(in.model).withLabels(in.labels)
                    .withPreprocessing(PreprocessingSpec.resizeCrop(256, 224)).withBatchSize(in.batch).build();
        }

        /** Frees the engine. */
        @TearDown(Level.Trial)
        public void close() {
            engine.close();
        }
    }

    /** (b') This SDK at batch size 8 with 64 images per call. */
    @State(Scope.Benchmark)
    public static class OursStream {
        PredictionEngine engine;
        List<Path> stream;

        /** Loads the engine. */
        @Setup(Level.Trial)
        public void setup() throws IOException {
            engine = PredictionEngine.builder().withOnnxModel(model()).withLabels(LabelMap.read(fixtures()
                    .resolve("bestModelMap.json"))).withPreprocessing(PreprocessingSpec.resizeCrop(256, 224)).withBatchSize(8)
                    .build();
            List<Path> files = fixtureImages();
            stream = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                stream.addAll(files);
            }
        }

        /** Frees the engine. */
        @TearDown(Level.Trial)
        public void close() {
            engine.close();
        }
    }

    /** (c) DJL with its image classification translator. */
    @State(Scope.Benchmark)
    public static class Djl {
        ZooModel<Image, Classifications> model;
        Predictor<Image, Classifications> predictor;
        ImageFactory images;

        /** Loads the model through DJL's ONNX Runtime engine. */
        @Setup(Level.Trial)
        public void setup(Inputs in) throws Exception {
            System.setProperty("ai.djl.offline", "true");
            ImageClassificationTranslator translator = ImageClassificationTranslator.builder()
                    .addTransform(new ResizeShort(256))
                    .addTransform(new CenterCrop(224, 224))
                    .addTransform(new ToTensor())
                    .addTransform(new Normalize(MEAN, STD))
                    .optSynset(in.labels.labels())
                    .optApplySoftmax(true)
                    .build();
            Criteria<Image, Classifications> criteria = Criteria.builder()
                    .setTypes(Image.class, Classifications.class)
                    .optModelPath(in.model)
                    .optEngine("OnnxRuntime")
                    .optTranslator(translator)
                    .build();
            model = criteria.loadModel();
            predictor = model.newPredictor();
            images = ImageFactory.getInstance();
        }

        /** Frees the model. */
        @TearDown(Level.Trial)
        public void close() {
            predictor.close();
            model.close();
        }
    }

    /**
     * (a) session.run only.
     *
     * @param in inputs
     * @param raw session and ready tensors
     * @param bh sink
     * @throws Exception on ONNX Runtime errors
     */
    @Benchmark
    public void raw(Inputs in, Raw raw, Blackhole bh) throws Exception {
        for (FloatBuffer b : raw.tensors) {
            try (OnnxTensor t = OnnxTensor.createTensor(raw.env, b.duplicate(), raw.shape);
                 OrtSession.Result r = raw.session.run(Map.of(raw.input, t))) {
                bh.consume(((OnnxTensor) r.get(0)).getFloatBuffer());
            }
        }
    }

    /**
     * (b) files to predictions with this SDK.
     *
     * @param in inputs
     * @param ours the engine
     * @param bh sink
     */
    @Benchmark
    public void ours(Inputs in, Ours ours, Blackhole bh) {
        if (in.batch == 1) {
            for (Path f : in.files) {
                bh.consume(ours.engine.predict(f));
            }
        } else {
            List<Prediction> p = ours.engine.predictBatch(ImageSource.ofFiles(in.files));
            bh.consume(p);
        }
    }

    /**
     * (b') 64 files through one predictBatch call at batch size 8 (preprocessing of the next batch overlaps
     * inference of the current one), normalized to 8 images per operation.
     *
     * @param ours the engine
     * @param bh sink
     */
    @Benchmark
    @org.openjdk.jmh.annotations.OperationsPerInvocation(8)
    public void oursStream(OursStream ours, Blackhole bh) {
        bh.consume(ours.engine.predictBatch(ImageSource.ofFiles(ours.stream)));
    }

    /**
     * (c) files to predictions with DJL.
     *
     * @param in inputs
     * @param djl the DJL predictor
     * @param bh sink
     * @throws Exception on DJL errors
     */
    @Benchmark
    public void djl(Inputs in, Djl djl, Blackhole bh) throws Exception {
        if (in.batch == 1) {
            for (Path f : in.files) {
                bh.consume(djl.predictor.predict(djl.images.fromFile(f)));
            }
        } else {
            List<Image> batch = new ArrayList<>(in.files.size());
            for (Path f : in.files) {
                batch.add(djl.images.fromFile(f));
            }
            bh.consume(djl.predictor.batchPredict(batch));
        }
    }
}
