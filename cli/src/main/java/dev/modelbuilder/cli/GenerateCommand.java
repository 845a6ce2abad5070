package dev.modelbuilder.cli;

import dev.modelbuilder.codegen.GeneratedProjects;
import dev.modelbuilder.codegen.ProjectGenerator;
import dev.modelbuilder.codegen.ProjectName;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code modelbuilder generate}: writes the Model and ConsoleApp starter projects, and on demand the WebApi. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate <Name>.Model and <Name>.ConsoleApp Maven projects (and with --web-api a "
                + "<Name>.WebApi Spring Boot service) from a trained model folder.")
final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model-dir", required = true, paramLabel = "DIR",
            description = "Folder with bestModel.onnx, bestModelMap.json and MLModel.zip.")
    Path modelDir;

    @Option(names = "--name", required = true, description = "Project name, e.g. Flowers.")
    String name;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Folder to write the projects to.")
    Path output;

    @Option(names = "--group-id", defaultValue = "com.example", description = "Maven groupId and package prefix.")
    String groupId;

    @Option(names = "--sample-image", paramLabel = "FILE",
            description = "Image bundled with the console app, predicted when it runs without an argument.")
    Path sampleImage;

    @Option(names = "--web-api", description = "Also generate <Name>.WebApi: a Spring Boot service that serves the "
            + "model over HTTP (POST /predict, POST /predict/batch, GET /health, GET /model), with a Dockerfile.")
    boolean webApi;

    @Option(names = "--overwrite", description = "Write into a non-empty folder, replacing files of the same names.")
    boolean overwrite;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (ProgressRenderer progress = new ProgressRenderer(json ? spec.commandLine().getErr() : out,
                !json && ProgressRenderer.isTerminal())) {
            GeneratedProjects p = ProjectGenerator.forModel(modelDir).withName(name).withGroupId(groupId)
                    .withSampleImage(sampleImage).withWebApi(webApi).withOverwrite(overwrite).withListener(progress)
                    .generate(output);
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("root", p.root().toString());
                m.put("modelProject", p.modelProject().toString());
                m.put("consoleProject", p.consoleProject().toString());
                p.webApiProject().ifPresent(w -> m.put("webApiProject", w.toString()));
                m.put("files", p.files());
                out.println(Json.line(m));
            } else {
                ProjectName names = ProjectName.of(name, groupId);
                out.println("Generated " + p.files().size() + " files in " + p.root());
                out.println("  build and run: cd " + p.root() + " && mvn -q package && java -jar "
                        + p.consoleProject().getFileName() + "/target/" + names.consoleArtifactId() + ".jar");
                p.webApiProject().ifPresent(w -> out.println("  serve over HTTP: java -jar " + w.getFileName()
                        + "/target/" + names.webApiArtifactId() + ".jar (port PORT, default 8080; see "
                        + w.getFileName() + "/README.md)"));
            }
        }
        out.flush();
        return ModelBuilderCli.OK;
    }
}
