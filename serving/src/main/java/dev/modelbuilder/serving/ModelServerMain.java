package dev.modelbuilder.serving;

import dev.modelbuilder.core.exception.ModelBuilderException;
import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.support.Setting;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * The server as a container runs it: {@code java -cp 'lib/*' dev.modelbuilder.serving.ModelServerMain --host 0.0.0.0
 * --port 8080}, with the model named by {@code --model}, else {@code MODELBUILDER_MODEL}, else Azure Machine
 * Learning's mount of a registered model, {@code AZUREML_MODEL_DIR} (a folder such as
 * {@code /var/azureml-app/azureml-models/<name>/<version>}, searched for its one MLModel.zip), and the port by
 * {@code --port}, else {@code PORT}, else 8080. The same server, limits and answers as {@code modelbuilder serve}
 * (which is the command-line tool's way in); it runs until SIGTERM or Ctrl-C, which let the requests in flight
 * finish. Exit code 2 for bad input (no model, a model that does not load, a bad or busy port), 1 for other failures.
 */
public final class ModelServerMain {
    /** Where a container names the model when no {@code --model} is given (a constant, for annotations). */
    public static final String MODEL_VARIABLE = "MODELBUILDER_MODEL";
    /**
     * The model to serve when no {@code --model} is given: {@code -Dmodelbuilder.model} (the starter's property of the
     * same name), else {@code MODELBUILDER_MODEL}.
     */
    public static final Setting MODEL = Setting.of("modelbuilder.model", MODEL_VARIABLE,
            "the MLModel.zip to serve, or a folder holding one");
    /** Azure Machine Learning's mount of the deployment's registered model. */
    public static final String AZUREML_MODEL_DIR = "AZUREML_MODEL_DIR";
    /** Where a container names the port when no {@code --port} is given. */
    public static final String PORT_VARIABLE = "PORT";
    /** The port without {@code --port} or {@code PORT}. */
    public static final int DEFAULT_PORT = 8080;

    private ModelServerMain() {
    }

    /**
     * Runs the server until the JVM is asked to stop.
     *
     * @param args {@code [--model ZIP|DIR] [--host ADDRESS] [--port PORT]}
     */
    public static void main(String... args) {
        int code = run(System.getenv(), System.out, System.err, args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * @param environment where the defaults come from
     * @param out where the serving line goes
     * @param err where errors go
     * @param args the arguments
     * @return the exit code once the server stopped: 0, 1 or 2
     */
    static int run(Map<String, String> environment, PrintStream out, PrintStream err, String... args) {
        try (ModelServer server = configure(environment, args).build()) {
            URI url = server.start();
            out.println("Serving at " + url + " (model " + server.model() + ")");
            out.flush();
            server.awaitShutdown();
            return 0;
        } catch (ValidationException | ModelLoadException e) {
            err.println("error: " + e.getMessage());
            return 2;
        } catch (ModelBuilderException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    /**
     * Reads the server's model, host and port as {@code modelbuilder serve} and a container give them: the options
     * first, then {@link #MODEL} ({@code -Dmodelbuilder.model}, {@code MODELBUILDER_MODEL}), {@code AZUREML_MODEL_DIR}
     * and {@code PORT}, then the defaults (host 127.0.0.1, port 8080).
     *
     * @param environment the environment variables the defaults come from (the process's, or a test's)
     * @param args {@code [--model ZIP|DIR] [--host ADDRESS] [--port PORT]}
     * @return the server's builder
     * @throws ValidationException for an unknown option, a missing value, a bad port or no model
     */
    public static ModelServerBuilder configure(Map<String, String> environment, String... args) {
        String model = null;
        String host = "127.0.0.1";
        String port = null;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (!option.equals("--model") && !option.equals("--host") && !option.equals("--port")) {
                throw new ValidationException("option", option, "use --model ZIP|DIR, --host ADDRESS, --port PORT");
            }
            if (i + 1 >= args.length) {
                throw new ValidationException(option, null, "give it a value");
            }
            String value = args[++i];
            switch (option) {
                case "--model" -> model = value;
                case "--host" -> host = value;
                default -> port = value;
            }
        }
        if (model == null) {
            model = MODEL.valueFrom(System::getProperty, environment).orElse(null);
        }
        if (model == null) {
            model = firstSet(environment, AZUREML_MODEL_DIR);
        }
        if (model == null) {
            throw new ValidationException("--model", null, "give the MLModel.zip to serve or a folder holding one (or "
                    + "set " + MODEL.howToSet() + ", or " + AZUREML_MODEL_DIR + ")");
        }
        String portField = port != null ? "--port" : PORT_VARIABLE;
        String portText = port != null ? port : firstSet(environment, PORT_VARIABLE);
        int number = DEFAULT_PORT;
        if (portText != null) {
            try {
                number = Integer.parseInt(portText.strip());
            } catch (NumberFormatException e) {
                number = -1;
            }
            if (number < 0 || number > 65_535) {
                throw new ValidationException(portField, portText, "use a port number, 1-65535, or 0 for any free "
                        + "port");
            }
        }
        return ModelServer.builder().withModel(Path.of(model)).withHost(host).withPort(number);
    }

    private static String firstSet(Map<String, String> environment, String... names) {
        for (String name : names) {
            String value = environment.get(name);
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }
}
