package dev.modelbuilder.local.implementation.transfer;

import dev.modelbuilder.scoring.ModelVerifier;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.local.implementation.onnx.Onnx.AttributeProto;
import dev.modelbuilder.local.implementation.onnx.Onnx.GraphProto;
import dev.modelbuilder.local.implementation.onnx.Onnx.ModelProto;
import dev.modelbuilder.local.implementation.onnx.Onnx.NodeProto;
import dev.modelbuilder.local.implementation.onnx.Onnx.StringStringEntryProto;
import dev.modelbuilder.local.implementation.onnx.Onnx.TensorProto;
import dev.modelbuilder.local.implementation.onnx.Onnx.TensorShapeProto;
import dev.modelbuilder.local.implementation.onnx.Onnx.TypeProto;
import dev.modelbuilder.local.implementation.onnx.Onnx.ValueInfoProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ImageNet-style classifier read from ONNX, cut before its final classification layer: the feature extractor
 * graph ({@link #featureModel()}) and the merged model with a new linear head ({@link #withHead}). Fields of the ONNX
 * format that the project's protobuf subset does not name are kept as unknown fields, so nothing of the backbone is
 * lost on the way through. Immutable.
 */
final class BackboneGraph {
    /** The largest input side a backbone may declare: the preprocessing's own limit. */
    static final long MAX_SIDE = 16_384;
    private static final String HEAD = "modelbuilder_head/";
    private final ModelProto model;
    private final String inputName;
    private final int inputHeight;
    private final int inputWidth;
    private final String featureValue;
    private final String cutNode;
    private final List<NodeProto> kept;

    private BackboneGraph(ModelProto model, String inputName, int inputHeight, int inputWidth, String featureValue,
            String cutNode, List<NodeProto> kept) {
        this.model = model;
        this.inputName = inputName;
        this.inputHeight = inputHeight;
        this.inputWidth = inputWidth;
        this.featureValue = featureValue;
        this.cutNode = cutNode;
        this.kept = kept;
    }

    /**
     * Reads a backbone and finds where to cut it.
     *
     * @param file an ONNX classifier taking one float32 [N,3,H,W] image input
     * @param nodeName the node before which to cut (by node name or output name; its first non-constant input
     *     becomes the features), or {@code null} for the last Gemm or MatMul node
     * @return the cut backbone
     * @throws ModelLoadException if the file cannot be read or is not an ONNX model
     * @throws ValidationException if the input is not [N,3,H,W], or there is no Gemm/MatMul and no node was named, or
     *     the named node does not exist
     */
    public static BackboneGraph read(Path file, String nodeName) {
        // first the checks that need no copy of the file: its size, and weights kept outside it (ONNX Runtime would
        // read whatever file such an entry names, e.g. /etc/passwd, and its features would be trained on)
        ModelVerifier.requireSelfContained(file, "the backbone " + file.getFileName());
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read the backbone " + file + ": " + e.getMessage(), e);
        }
        return parse(bytes, file.toString(), nodeName);
    }

    /**
     * Like {@link #read(Path, String)}, from bytes.
     *
     * @param bytes a serialized ONNX model
     * @param source where it came from, for messages
     * @param nodeName the node before which to cut, or {@code null}
     * @return the cut backbone
     */
    public static BackboneGraph parse(byte[] bytes, String source, String nodeName) {
        ModelProto model;
        try {
            model = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new ModelLoadException("the backbone " + source + " is not an ONNX model: " + e.getMessage(), e);
        }
        GraphProto g = model.getGraph();
        if (g.getNodeCount() == 0) {
            throw new ModelLoadException("the backbone " + source + " is not an ONNX model with a graph");
        }
        Set<String> constants = new HashSet<>();
        g.getInitializerList().forEach(t -> constants.add(t.getName()));
        List<ValueInfoProto> inputs = g.getInputList().stream().filter(v -> !constants.contains(v.getName())).toList();
        if (inputs.size() != 1) {
            throw new ValidationException("backbone input", inputs.size() + " inputs in " + source,
                    "use a classifier with exactly one image input [N,3,H,W]");
        }
        ValueInfoProto input = inputs.get(0);
        TensorShapeProto shape = input.getType().getTensorType().getShape();
        long channels = shape.getDimCount() == 4 ? dim(shape, 1) : -1;
        long h = shape.getDimCount() == 4 ? dim(shape, 2) : -1;
        long w = shape.getDimCount() == 4 ? dim(shape, 3) : -1;
        if (input.getType().getTensorType().getElemType() != TensorProto.DataType.FLOAT_VALUE || channels != 3
                || h < 1 || w < 1 || h > MAX_SIDE || w > MAX_SIDE) {
            throw new ValidationException("backbone input", describe(input) + " in " + source,
                    "the backbone must take one float32 image tensor [N,3,H,W] with fixed H and W of 1 to " + MAX_SIDE
                            + " pixels (3 = RGB planes)");
        }
        // where to cut
        NodeProto cut = null;
        for (NodeProto n : g.getNodeList()) {
            if (nodeName != null ? nodeName.equals(n.getName()) || n.getOutputList().contains(nodeName)
                    : n.getOpType().equals("Gemm") || n.getOpType().equals("MatMul")) {
                cut = n;
            }
        }
        if (cut == null) {
            if (nodeName != null) {
                throw new ValidationException("backbone cut node", nodeName,
                        "no node of that name in " + source + "; name a node of the graph (e.g. the final Gemm)");
            }
            throw new ValidationException("backbone", source, "it has no final Gemm or MatMul layer, so it does not look"
                    + " like a classifier; name the node to cut before (the classification layer) or use an ImageNet"
                    + " classifier");
        }
        String features = cut.getInputList().stream().filter(i -> !i.isEmpty() && !constants.contains(i)).findFirst()
                .orElseThrow(() -> new ValidationException("backbone cut node", nodeName, "it has no computed input"));
        // the nodes needed for the features, in the original order
        Map<String, NodeProto> producer = new HashMap<>();
        g.getNodeList().forEach(n -> n.getOutputList().forEach(o -> producer.put(o, n)));
        Set<NodeProto> needed = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(features));
        while (!todo.isEmpty()) {
            NodeProto p = producer.get(todo.pop());
            if (p != null && needed.add(p)) {
                p.getInputList().forEach(todo::push);
            }
        }
        if (needed.isEmpty()) {
            throw new ValidationException("backbone cut node", cut.getName(), "nothing is computed before it");
        }
        List<NodeProto> kept = g.getNodeList().stream().filter(needed::contains).toList();
        return new BackboneGraph(model, input.getName(), (int) h, (int) w, features,
                cut.getName().isEmpty() ? cut.getOpType() : cut.getName(), kept);
    }

    private static long dim(TensorShapeProto shape, int i) {
        TensorShapeProto.Dimension d = shape.getDim(i);
        return d.hasDimValue() ? d.getDimValue() : -1;
    }

    private static String describe(ValueInfoProto v) {
        TypeProto.Tensor t = v.getType().getTensorType();
        List<String> dims = new ArrayList<>();
        for (TensorShapeProto.Dimension d : t.getShape().getDimList()) {
            dims.add(d.hasDimValue() ? Long.toString(d.getDimValue()) : d.hasDimParam() ? d.getDimParam() : "?");
        }
        return "'" + v.getName() + "' " + (t.getElemType() == TensorProto.DataType.FLOAT_VALUE ? "float32"
                : "element type " + t.getElemType()) + " " + dims;
    }

    /** @return the input height the backbone was made for */
    public int inputHeight() {
        return inputHeight;
    }

    /** @return the input width the backbone was made for */
    public int inputWidth() {
        return inputWidth;
    }

    /** @return the name of the value the features are read from (the input of the layer cut off) */
    public String featureValue() {
        return featureValue;
    }

    /** @return the node cut off (its name, or its operator type when unnamed) */
    public String cutNode() {
        return cutNode;
    }

    /**
     * @return the feature extractor: the backbone up to {@link #featureValue()}, input renamed to
     *     {@value PipelineSpec#DEFAULT_INPUT_NAME} with a symbolic batch dimension, one output: the features
     */
    public byte[] featureModel() {
        GraphProto.Builder g = truncated();
        g.addOutput(ValueInfoProto.newBuilder().setName(featureValue).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))));
        return model.toBuilder().setGraph(g).build().toByteArray();
    }

    /**
     * The backbone with a linear head appended: {@code Flatten(features, axis=1)} then
     * {@code Gemm(·, weights, bias, transB=1)} producing {@value PipelineSpec#DEFAULT_OUTPUT_NAME} [N, classes] logits.
     *
     * @param weights [classes][features] head weights
     * @param bias [classes] head bias
     * @param metadata model metadata to set (replacing entries with the same key)
     * @return the merged model
     */
    public byte[] withHead(float[][] weights, float[] bias, Map<String, String> metadata) {
        int classes = weights.length;
        int dims = weights[0].length;
        if (bias.length != classes) {
            throw new IllegalArgumentException("bias has " + bias.length + " values for " + classes + " classes");
        }
        GraphProto.Builder g = truncated();
        ByteBuffer w = ByteBuffer.allocate(classes * dims * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] row : weights) {
            if (row.length != dims) {
                throw new IllegalArgumentException("ragged head weights");
            }
            for (float v : row) {
                w.putFloat(v);
            }
        }
        ByteBuffer b = ByteBuffer.allocate(classes * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : bias) {
            b.putFloat(v);
        }
        g.addInitializer(TensorProto.newBuilder().setName(HEAD + "weight").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(classes).addDims(dims).setRawData(ByteString.copyFrom(w.array())));
        g.addInitializer(TensorProto.newBuilder().setName(HEAD + "bias").setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(classes).setRawData(ByteString.copyFrom(b.array())));
        if (model.getIrVersion() < 4) {
            g.addInput(floatValue(HEAD + "weight", classes, dims)).addInput(floatValue(HEAD + "bias", classes));
        }
        g.addNode(NodeProto.newBuilder().setName(HEAD + "flatten").setOpType("Flatten").addInput(featureValue)
                .addOutput(HEAD + "features").addAttribute(AttributeProto.newBuilder().setName("axis")
                        .setType(AttributeProto.AttributeType.INT).setI(1)));
        g.addNode(NodeProto.newBuilder().setName(HEAD + "gemm").setOpType("Gemm").addInput(HEAD + "features")
                .addInput(HEAD + "weight").addInput(HEAD + "bias").addOutput(PipelineSpec.DEFAULT_OUTPUT_NAME)
                .addAttribute(AttributeProto.newBuilder().setName("transB").setType(AttributeProto.AttributeType.INT)
                        .setI(1)));
        g.addOutput(ValueInfoProto.newBuilder().setName(PipelineSpec.DEFAULT_OUTPUT_NAME).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE)
                        .setShape(TensorShapeProto.newBuilder()
                                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(classes))))));
        ModelProto.Builder m = model.toBuilder().setGraph(g).setProducerName("modelbuilder-local")
                .setDocString("image classifier: the backbone '" + model.getGraph().getName()
                        + "' cut before " + cutNode + ", with a linear head trained by Model Builder for Java");
        Map<String, String> meta = new java.util.LinkedHashMap<>();
        m.getMetadataPropsList().forEach(p -> meta.put(p.getKey(), p.getValue()));
        meta.putAll(metadata);
        m.clearMetadataProps();
        meta.forEach((k, v) -> m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return m.build().toByteArray();
    }

    private static ValueInfoProto floatValue(String name, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    /** The kept nodes and their constants, input renamed to input1 with a symbolic batch, no outputs yet. */
    private GraphProto.Builder truncated() {
        GraphProto g = model.getGraph();
        String in = PipelineSpec.DEFAULT_INPUT_NAME;
        Set<String> used = new HashSet<>();
        List<NodeProto> nodes = new ArrayList<>();
        for (NodeProto n : kept) {
            NodeProto.Builder nb = n.toBuilder();
            for (int i = 0; i < nb.getInputCount(); i++) {
                if (nb.getInput(i).equals(inputName)) {
                    nb.setInput(i, in);
                }
                used.add(nb.getInput(i));
            }
            if (!inputName.equals(in) && nb.getOutputList().contains(in)) {
                throw new ValidationException("backbone", g.getName(), "a value inside it is already named '" + in
                        + "'; rename it");
            }
            nodes.add(nb.build());
        }
        GraphProto.Builder out = g.toBuilder().clearNode().clearInput().clearOutput().clearInitializer()
                .clearValueInfo().addAllNode(nodes);
        for (TensorProto t : g.getInitializerList()) {
            if (used.contains(t.getName())) {
                out.addInitializer(t);
            }
        }
        Set<String> produced = new HashSet<>();
        nodes.forEach(n -> produced.addAll(n.getOutputList()));
        for (ValueInfoProto v : g.getValueInfoList()) {
            if (produced.contains(v.getName()) && !v.getName().equals(featureValue)) {
                out.addValueInfo(v);
            }
        }
        ValueInfoProto input = g.getInputList().stream().filter(v -> v.getName().equals(inputName)).findFirst()
                .orElseThrow();
        TypeProto.Tensor.Builder t = input.getType().getTensorType().toBuilder();
        t.getShapeBuilder().setDim(0, TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
        out.addInput(input.toBuilder().setName(in).setType(input.getType().toBuilder().setTensorType(t)));
        // before IR version 4, every initializer is also listed as a graph input
        for (ValueInfoProto v : g.getInputList()) {
            if (!v.getName().equals(inputName) && used.contains(v.getName())) {
                out.addInput(v);
            }
        }
        return out;
    }
}
