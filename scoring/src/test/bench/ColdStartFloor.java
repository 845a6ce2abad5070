import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * The floor of a cold start: a JVM, an ONNX Runtime session created from the model's path, one inference on a
 * 1x3x224x224 tensor of zeros. Run by cold-start.sh; not part of the build.
 */
public final class ColdStartFloor {
    private ColdStartFloor() {
    }

    public static void main(String[] args) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(args[0], o)) {
            String input = session.getInputNames().iterator().next();
            FloatBuffer zeros = ByteBuffer.allocateDirect(3 * 224 * 224 * Float.BYTES).order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
            try (OnnxTensor t = OnnxTensor.createTensor(env, zeros, new long[] {1, 3, 224, 224});
                 OrtSession.Result r = session.run(Map.of(input, t))) {
                float[][] out = (float[][]) r.get(0).getValue();
                System.out.println("floor: " + out[0].length + " scores");
            }
        }
    }
}
