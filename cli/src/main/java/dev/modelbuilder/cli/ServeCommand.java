package dev.modelbuilder.cli;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.serving.ModelServer;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
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
    static final String MODEL_VARIABLE = "MODELBUILDER_MODEL";
    /** Azure Machine Learning's mount of a registered model. */
    static final String AZUREML_VARIABLE = "AZUREML_MODEL_DIR";
    /** Where a container names the port when no --port is given. */
    static final String PORT_VARIABLE = "PORT";
    static final int DEFAULT_PORT = 8080;
    private static final String LOGGING_SYSTEM = "org.springframework.boot.logging.LoggingSystem";

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "ZIP|DIR", description = "The MLModel.zip, or a folder holding one "
            + "(searched recursively). Default: $" + MODEL_VARIABLE + ", then $" + AZUREML_VARIABLE + ".")
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
    public Integer call() throws InterruptedException {
        Path zip = resolveModel();
        int listen = resolvePort();
        tomcatLog = quietServerLogging(verbose());
        PrintWriter out = spec.commandLine().getOut();
        try (ModelServer server = ModelServer.builder().withModel(zip).withHost(host).withPort(listen).build()) {
            URI url = server.start();
            out.println("Serving " + Printable.of(zip) + " at " + url + " (Ctrl-C stops)");
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

    private Path resolveModel() {
        if (model != null) {
            return model;
        }
        for (String variable : new String[] {MODEL_VARIABLE, AZUREML_VARIABLE}) {
            String value = environment.get(variable);
            if (value != null && !value.isBlank()) {
                return Path.of(value);
            }
        }
        throw new ValidationException("--model", null, "give the MLModel.zip to serve or a folder holding one (or set "
                + MODEL_VARIABLE + " or " + AZUREML_VARIABLE + ")");
    }

    private int resolvePort() {
        if (port != null) {
            return checkPort("--port", port);
        }
        String value = environment.get(PORT_VARIABLE);
        if (value == null || value.isBlank()) {
            return DEFAULT_PORT;
        }
        try {
            return checkPort(PORT_VARIABLE, Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            throw new ValidationException(PORT_VARIABLE, value, "use a port number, 1-65535, or 0 for any free port");
        }
    }

    private static int checkPort(String field, int value) {
        if (value < 0 || value > 65_535) {
            throw new ValidationException(field, value, "use a port number, 1-65535, or 0 for any free port");
        }
        return value;
    }
}
