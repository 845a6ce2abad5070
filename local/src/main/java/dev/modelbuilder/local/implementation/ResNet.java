package dev.modelbuilder.local.implementation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A ResNet-style network ({@link ResNetArchitecture}) built from DJL layers, together with a description of the same
 * computation as a list of {@link Op}s. The DJL {@link #block()} trains; the ops hold references to the very DJL
 * layers whose parameters the ONNX exporter writes, with the hyper-parameters (strides, paddings, each batch
 * normalization's epsilon) that DJL does not expose. Both are built in one pass, so they cannot drift apart.
 */
final class ResNet {

    /** One step of the computation, in the order the data flows. */
    public sealed interface Op permits Conv, BatchNormOp, Relu, MaxPool, Residual, GlobalAvgPool, Flatten, Dense {
    }

    /**
     * A 2-D convolution without bias, padded symmetrically.
     *
     * @param layer the DJL layer holding the weight [out, in, k, k]
     * @param inChannels input channels
     * @param outChannels output channels
     * @param kernel kernel size
     * @param stride stride
     * @param padding padding on each side
     */
    public record Conv(Conv2d layer, int inChannels, int outChannels, int kernel, int stride, int padding)
            implements Op {
    }

    /**
     * Batch normalization over channels, applied with its running statistics at inference.
     *
     * @param layer the DJL layer holding gamma, beta, runningMean and runningVar
     * @param channels channels
     * @param epsilon the epsilon the layer was built with
     */
    public record BatchNormOp(BatchNorm layer, int channels, float epsilon) implements Op {
    }

    /** Rectified linear unit. */
    public record Relu() implements Op {
    }

    /**
     * Max pooling.
     *
     * @param kernel window size
     * @param stride stride
     * @param padding padding on each side
     */
    public record MaxPool(int kernel, int stride, int padding) implements Op {
    }

    /**
     * {@code main(x) + shortcut(x)}; an empty shortcut is the identity.
     *
     * @param main the main path
     * @param shortcut the shortcut path
     */
    public record Residual(List<Op> main, List<Op> shortcut) implements Op {
        /** Copies the lists. */
        public Residual {
            main = List.copyOf(main);
            shortcut = List.copyOf(shortcut);
        }
    }

    /** Average over the spatial dimensions, keeping them as size 1: [N,C,H,W] to [N,C,1,1]. */
    public record GlobalAvgPool() implements Op {
    }

    /** [N,C,1,1] to [N,C]. */
    public record Flatten() implements Op {
    }

    /**
     * A fully connected layer {@code x W^T + b}.
     *
     * @param layer the DJL layer holding weight [out, in] and bias [out]
     * @param inFeatures inputs
     * @param outFeatures outputs
     */
    public record Dense(Linear layer, int inFeatures, int outFeatures) implements Op {
    }

    private final ResNetArchitecture config;
    private final SequentialBlock block;
    private final List<Op> ops;

    private ResNet(ResNetArchitecture config, SequentialBlock block, List<Op> ops) {
        this.config = config;
        this.block = block;
        this.ops = List.copyOf(ops);
    }

    /**
     * Builds the network (parameters are not initialized until a trainer or {@code block().initialize} does it).
     *
     * @param config the shape
     * @return the network
     */
    public static ResNet build(ResNetArchitecture config) {
        Objects.requireNonNull(config, "config");
        DjlRuntime.engine();
        Builder b = new Builder(config);
        SequentialBlock net = new SequentialBlock();
        List<Op> ops = new ArrayList<>();
        int channels = config.width();
        b.conv(net, ops, 3, channels, 3, config.stemStride(), 1);
        b.batchNorm(net, ops, channels);
        b.relu(net, ops);
        net.add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1)));
        ops.add(new MaxPool(3, 2, 1));
        int in = channels;
        for (int stage = 0; stage < config.blocksPerStage().size(); stage++) {
            int out = config.width() << stage;
            for (int i = 0; i < config.blocksPerStage().get(stage); i++) {
                int stride = stage > 0 && i == 0 ? 2 : 1;
                b.basicBlock(net, ops, in, out, stride);
                in = out;
            }
        }
        net.add(Pool.globalAvgPool2dBlock());
        ops.add(new GlobalAvgPool());
        net.add(Blocks.batchFlattenBlock());
        ops.add(new Flatten());
        Linear fc = Linear.builder().setUnits(config.classes()).build();
        net.add(fc);
        ops.add(new Dense(fc, in, config.classes()));
        return new ResNet(config, net, ops);
    }

    /** @return the configuration */
    public ResNetArchitecture config() {
        return config;
    }

    /** @return the DJL block to train */
    public Block block() {
        return block;
    }

    /** @return the same computation as ops, for export */
    public List<Op> ops() {
        return ops;
    }

    /** @return the input shape of one image batch of size 1: [1, 3, size, size] */
    public Shape inputShape() {
        return new Shape(1, 3, config.imageSize(), config.imageSize());
    }

    private static final class Builder {
        private final ResNetArchitecture config;

        Builder(ResNetArchitecture config) {
            this.config = config;
        }

        void conv(SequentialBlock seq, List<Op> ops, int in, int out, int kernel, int stride, int padding) {
            Conv2d conv = Conv2d.builder().setKernelShape(new Shape(kernel, kernel)).setFilters(out)
                    .optStride(new Shape(stride, stride)).optPadding(new Shape(padding, padding)).optBias(false)
                    .build();
            seq.add(conv);
            ops.add(new Conv(conv, in, out, kernel, stride, padding));
        }

        void batchNorm(SequentialBlock seq, List<Op> ops, int channels) {
            BatchNorm bn = BatchNorm.builder().optAxis(1).optEpsilon(config.epsilon()).optMomentum(config.momentum())
                    .build();
            seq.add(bn);
            ops.add(new BatchNormOp(bn, channels, config.epsilon()));
        }

        void relu(SequentialBlock seq, List<Op> ops) {
            seq.add(Activation.reluBlock());
            ops.add(new Relu());
        }

        void basicBlock(SequentialBlock net, List<Op> ops, int in, int out, int stride) {
            SequentialBlock main = new SequentialBlock();
            List<Op> mainOps = new ArrayList<>();
            conv(main, mainOps, in, out, 3, stride, 1);
            batchNorm(main, mainOps, out);
            relu(main, mainOps);
            conv(main, mainOps, out, out, 3, 1, 1);
            batchNorm(main, mainOps, out);

            SequentialBlock shortcut = new SequentialBlock();
            List<Op> shortcutOps = new ArrayList<>();
            if (stride != 1 || in != out) {
                conv(shortcut, shortcutOps, in, out, 1, stride, 0);
                batchNorm(shortcut, shortcutOps, out);
            } else {
                shortcut.add(Blocks.identityBlock());
            }
            net.add(new ParallelBlock(ResNet::sum, List.of(main, shortcut)));
            ops.add(new Residual(mainOps, shortcutOps));
            relu(net, ops);
        }
    }

    private static NDList sum(List<NDList> branches) {
        NDArray a = branches.get(0).singletonOrThrow();
        NDArray b = branches.get(1).singletonOrThrow();
        return new NDList(a.add(b));
    }
}
