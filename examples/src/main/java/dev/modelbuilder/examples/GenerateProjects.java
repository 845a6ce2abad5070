package dev.modelbuilder.examples;

import dev.modelbuilder.codegen.GeneratedProjects;
import dev.modelbuilder.codegen.ProjectGenerator;
import java.nio.file.Path;

/**
 * Generates the Model and ConsoleApp starter projects from a trained model folder.
 *
 * <pre>
 * java -cp "examples/target/modelbuilder-examples.jar:examples/target/lib/*" dev.modelbuilder.examples.GenerateProjects MODEL_DIR NAME OUTPUT_DIR [SAMPLE_IMAGE]
 * </pre>
 */
public final class GenerateProjects {
    private GenerateProjects() {
    }

    /**
     * @param args the model folder (bestModel.onnx, bestModelMap.json, MLModel.zip), the project name, the output
     *     folder, and optionally a sample image to bundle
     */
    public static void main(String[] args) {
        if (args.length < 3) {
            System.err.println("usage: GenerateProjects MODEL_DIR NAME OUTPUT_DIR [SAMPLE_IMAGE]");
            System.exit(2);
        }
        ProjectGenerator generator = ProjectGenerator.forModel(Path.of(args[0])).withName(args[1]);
        if (args.length > 3) {
            generator.withSampleImage(Path.of(args[3]));
        }
        GeneratedProjects projects = generator.generate(Path.of(args[2]));
        System.out.println("wrote " + projects.files().size() + " files to " + projects.root());
        projects.files().forEach(f -> System.out.println("  " + f));
        System.out.println("build and run: cd " + projects.root() + " && mvn -q package && java -jar "
                + projects.consoleProject().getFileName() + "/target/*-consoleapp.jar");
    }
}
