package dev.modelbuilder.azure.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The search space of a sweep job in the {@link ArmEmulator}: its checks at submission and its trials' sampling. */
final class SearchSpaces {

    private SearchSpaces() {
    }

    /** The fields {@code ImageModelSettingsClassification} types boolean: their sweep values are True or False. */
    static final Set<String> BOOLEAN_FIELDS = Set.of("amsGradient", "distributed", "earlyStopping", "nesterov",
            "enableOnnxNormalization");
    /** The distributions of a search-space expression and how many arguments each takes (-1: one or more). */
    static final Map<String, Integer> DISTRIBUTIONS = Map.of("choice", -1, "randint", 1, "uniform", 2,
            "loguniform", 2, "normal", 2, "lognormal", 2, "quniform", 3, "qloguniform", 3, "qnormal", 3,
            "qlognormal", 3);
    private static final Pattern EXPRESSION = Pattern.compile("\\s*([A-Za-z]+)\\((.*)\\)\\s*", Pattern.DOTALL);
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");

    /**
     * Checks a job's search space the way azure-ai-ml writes and reads it ({@code search_space_utils}): a distribution
     * name and its arguments, strings quoted, booleans {@code True} or {@code False} (the SDK writes Python's
     * {@code str(bool)} and reads only those two as booleans: {@code true} would be the string 'true'), numbers
     * without an exponent (the SDK's {@code float_to_str}). Whether the service refuses such a job at once or a trial
     * fails later is not known; the emulator refuses it at once.
     *
     * @return what is wrong, or {@code null}
     */
    static String searchSpaceProblem(JsonNode space) {
        if (!space.isArray()) {
            return null;
        }
        for (JsonNode entry : space) {
            for (Map.Entry<String, JsonNode> field : entry.properties()) {
                String text = field.getValue().asText();
                Matcher m = EXPRESSION.matcher(text);
                if (!m.matches() || !DISTRIBUTIONS.containsKey(m.group(1).toLowerCase(Locale.ROOT))) {
                    return "searchSpace." + field.getKey() + " '" + text + "' is not a distribution expression";
                }
                List<String> args = arguments(m.group(2));
                int expected = DISTRIBUTIONS.get(m.group(1).toLowerCase(Locale.ROOT));
                if (expected < 0 ? args.isEmpty() : args.size() != expected) {
                    return "searchSpace." + field.getKey() + " '" + text + "' has " + args.size() + " arguments";
                }
                for (String a : args) {
                    boolean quoted = a.length() >= 2 && (a.startsWith("'") && a.endsWith("'")
                            || a.startsWith("\"") && a.endsWith("\""));
                    if (BOOLEAN_FIELDS.contains(field.getKey()) && !a.equals("True") && !a.equals("False")) {
                        return "searchSpace." + field.getKey() + " '" + text + "': the value " + a + " is not a "
                                + "boolean (True or False)";
                    }
                    if (!quoted && !a.equals("True") && !a.equals("False") && !NUMBER.matcher(a).matches()) {
                        return "searchSpace." + field.getKey() + " '" + text + "': the value " + a + " is neither a "
                                + "quoted string, True, False nor a number written without an exponent";
                    }
                }
            }
        }
        return null;
    }

    static List<String> arguments(String inside) {
        List<String> out = new ArrayList<>();
        for (String a : inside.split(",")) {
            if (!a.isBlank()) {
                out.add(a.strip());
            }
        }
        return out;
    }

    /**
     * Random sampling of one trial's hyperparameters from the job's first search space (HyperDrive's
     * {@code samplingAlgorithm: Random}), seeded by the job and the trial so that runs repeat.
     */
    static Map<String, String> sample(JsonNode task, String job, int trial) {
        Map<String, String> out = new java.util.TreeMap<>();
        java.util.Random r = new java.util.Random(job.hashCode() * 31L + trial);
        JsonNode space = task.path("searchSpace").path(0);
        for (Map.Entry<String, JsonNode> field : space.properties()) {
            Matcher m = EXPRESSION.matcher(field.getValue().asText());
            if (!m.matches()) {
                continue;
            }
            List<String> args = arguments(m.group(2));
            String kind = m.group(1).toLowerCase(Locale.ROOT);
            String value;
            if (kind.equals("choice")) {
                value = args.get(r.nextInt(args.size())).replace("'", "").replace("\"", "");
            } else if (kind.equals("randint")) {
                value = String.valueOf(r.nextInt(Math.max(1, (int) Double.parseDouble(args.get(0)))));
            } else {
                double a = Double.parseDouble(args.get(0));
                double b = Double.parseDouble(args.get(1));
                double x = kind.contains("normal") ? a + r.nextGaussian() * b : a + r.nextDouble() * (b - a);
                value = String.valueOf(kind.contains("log") ? Math.exp(x) : x);
            }
            out.put(field.getKey(), value);
        }
        task.path("modelSettings").properties().forEach(e -> out.putIfAbsent(e.getKey(), e.getValue().asText()));
        return out;
    }
}
