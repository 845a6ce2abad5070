package dev.modelbuilder.cli;

import dev.modelbuilder.serving.ModelServer;
import dev.modelbuilder.serving.ModelServerBuilder;
import dev.modelbuilder.serving.ModelServerMain;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code modelbuilder serve}: serves an MLModel.zip over HTTP with the Spring Boot starter's server (the same
 * endpoints, limits and errors as an application on the starter) until Ctrl-C or SIGTERM, which let the requests in
 * flight finish and close the model.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve an MLModel.zip over HTTP (POST /predict, POST /predict/batch, GET /model, GET /health) "
                + "until Ctrl-C.")
final class ServeCommand implements Callable<Integer>, ScoresImages {
    /** Where a container names the model when no --model is given, in this order. */
    static final String MODEL_VARIABLE = ModelServerMain.MODEL_VARIABLE;
    /** Azure Machine Learning's mount of a registered model. */
    static final String AZUREML_VARIABLE = ModelServerMain.AZUREML_MODEL_DIR;
    /** Where a container names the port when no --port is given. */
    static final String PORT_VARIABLE = ModelServerMain.PORT_VARIABLE;
    static final int DEFAULT_PORT = ModelServerMain.DEFAULT_PORT;
    static final String LOGGING_SYSTEM = "org.springframework.boot.logging.LoggingSystem";

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "ZIP|DIR", description = "The MLModel.zip, or a folder holding one "
            + "(searched recursively). Default: -Dmodelbuilder.model or $" + MODEL_VARIABLE + ", then $"
            + AZUREML_VARIABLE + ".")
    Path model;

    @Option(names = "--port", paramLabel = "PORT", description = "The port (0: any free one). Default: $"
            + PORT_VARIABLE + ", then " + DEFAULT_PORT + ".")
    Integer port;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1", description = "The address to "
            + "listen on (default 127.0.0.1: this machine only; 0.0.0.0 for every interface).")
    String host;

    /** The environment the defaults come from: the process's, replaced in tests. */
    Map<String, String> environment = System.getenv();

    /** Held while the server runs: java.util.logging keeps only weak references to loggers. */
    private java.util.logging.Logger tomcatLog;

    private boolean verbose() {
        return spec.root().userObject() instanceof ModelBuilderCli cli && cli.verbose;
    }

    @Override
    public Integer call() {
        ModelServerBuilder configured = configure();
        tomcatLog = quietServerLogging(verbose());
        PrintWriter out = spec.commandLine().getOut();
        try (ModelServer server = configured.build()) {
            URI url = server.start();
            out.println("Serving " + Printable.of(server.model()) + " at " + url + " (Ctrl-C stops)");
            out.println("Try: curl -F image=@IMAGE.jpg " + url + "/predict");
            out.flush();
            server.awaitShutdown();
        }
        out.println("Stopped.");
        out.flush();
        return ModelBuilderCli.OK;
    }

    /**
     * Keeps the tool's own logging (slf4j-simple, quiet unless {@code --verbose}) in charge of a server started in this
     * process: Spring Boot would otherwise configure java.util.logging for the whole process, and Tomcat logs its
     * start through java.util.logging.
     *
     * @param verbose whether {@code --verbose} was given
     * @return Tomcat's logger, to be held while the server runs (java.util.logging keeps only weak references)
     */
    static java.util.logging.Logger quietServerLogging(boolean verbose) {
        if (System.getProperty(LOGGING_SYSTEM) == null) {
            System.setProperty(LOGGING_SYSTEM, "none");
        }
        java.util.logging.Logger tomcat = java.util.logging.Logger.getLogger("org.apache");
        if (!verbose) {
            tomcat.setLevel(java.util.logging.Level.WARNING);
        }
        return tomcat;
    }

    /**
     * The server's model, host and port, found as the container's entry point finds them (one rule for both): the
     * options, then {@code -Dmodelbuilder.model} or {@code MODELBUILDER_MODEL}, then {@code AZUREML_MODEL_DIR}; the
     * port from {@code PORT}, then 8080.
     */
    ModelServerBuilder configure() {
        List<String> args = new ArrayList<>(List.of("--host", host));
        if (model != null) {
            args.addAll(List.of("--model", model.toString()));
        }
        if (port != null) {
            args.addAll(List.of("--port", String.valueOf(port)));
        }
        return ModelServerMain.configure(environment, args.toArray(String[]::new));
    }
}
