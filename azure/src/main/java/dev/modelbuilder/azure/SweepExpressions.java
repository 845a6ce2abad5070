package dev.modelbuilder.azure;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Search-space expressions of an AutoML sweep ({@code ImageModelDistributionSettingsClassification}: strings such as
 * {@code choice(16,32)} or {@code uniform(0.001,0.01)}), written the way azure-ai-ml writes them
 * ({@code azure/ai/ml/entities/_job/automl/search_space_utils.py}, {@code _convert_to_rest_object}): the distribution's
 * name and its arguments joined by commas, strings in single quotes, booleans as Python's {@code str(bool)} -
 * {@code True} or {@code False}, the only spellings its reader ({@code _get_type_inferred_value}) takes as booleans -
 * and floats through its {@code float_to_str} ({@code azure/ai/ml/_utils/utils.py}: the shortest repr as a plain
 * decimal, never an exponent, {@code 1.0} for a whole float). The distributions and their arguments are those of
 * Azure Machine Learning's sweep expressions (Learn, "Hyperparameter tuning a model": {@code choice}, {@code randint},
 * {@code uniform}, {@code quniform}, {@code loguniform}, {@code qloguniform}, {@code normal}, {@code qnormal},
 * {@code lognormal}, {@code qlognormal}).
 */
final class SweepExpressions {
    /** Each distribution and how many arguments it takes ({@code -1}: one or more). */
    static final Map<String, Integer> DISTRIBUTIONS = Map.of("choice", -1, "randint", 1, "uniform", 2,
            "loguniform", 2, "normal", 2, "lognormal", 2, "quniform", 3, "qloguniform", 3, "qnormal", 3,
            "qlognormal", 3);
    private static final Pattern CALL = Pattern.compile("\\s*([A-Za-z]+)\\s*\\((.*)\\)\\s*", Pattern.DOTALL);
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern WORD = Pattern.compile("[A-Za-z_][A-Za-z0-9_.;-]*");

    private SweepExpressions() {
    }

    /**
     * A parsed expression.
     *
     * @param distribution the distribution, lower case, e.g. {@code choice}
     * @param arguments its arguments as azure-ai-ml writes them, e.g. {@code 'sgd'}, {@code True}, {@code 0.0001}
     */
    record Expression(String distribution, List<String> arguments) {
        /** @return the expression as azure-ai-ml writes it, e.g. {@code choice('sgd','adam')} */
        String text() {
            return distribution + "(" + String.join(",", arguments) + ")";
        }

        /** @return whether sampling it can give more than one value */
        boolean varies() {
            return switch (distribution) {
                case "choice" -> new HashSet<>(arguments).size() > 1;
                case "randint" -> numberOf(arguments.get(0)) > 1;
                case "normal", "lognormal", "qnormal", "qlognormal" -> numberOf(arguments.get(1)) != 0;
                default -> numberOf(arguments.get(0)) != numberOf(arguments.get(1));
            };
        }

        /** @return whether every argument is a boolean, {@code True} or {@code False} */
        boolean booleans() {
            return arguments.stream().allMatch(a -> a.equals("True") || a.equals("False"));
        }

        private static double numberOf(String argument) {
            try {
                return Double.parseDouble(argument);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
    }

    /**
     * Reads an expression and writes its values as azure-ai-ml does: {@code uniform(1e-4, 1E-2)} becomes
     * {@code uniform(0.0001,0.01)}, {@code choice(true, false)} {@code choice(True,False)}, {@code choice(sgd)}
     * {@code choice('sgd')}.
     *
     * @param text the expression
     * @return it, parsed
     * @throws IllegalArgumentException saying what is wrong with it
     */
    static Expression parse(String text) {
        Matcher m = CALL.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("it is not a distribution expression name(arguments)");
        }
        String distribution = m.group(1).toLowerCase(Locale.ROOT);
        Integer count = DISTRIBUTIONS.get(distribution);
        if (count == null) {
            throw new IllegalArgumentException(m.group(1) + " is not a distribution; use one of "
                    + new java.util.TreeSet<>(DISTRIBUTIONS.keySet()));
        }
        List<String> arguments = new ArrayList<>();
        for (String raw : m.group(2).split(",", -1)) {
            String a = raw.strip();
            if (a.isEmpty()) {
                if (m.group(2).isBlank()) {
                    break;
                }
                throw new IllegalArgumentException("it has an empty argument");
            }
            arguments.add(argument(a, distribution));
        }
        if (count < 0 ? arguments.isEmpty() : arguments.size() != count) {
            throw new IllegalArgumentException(distribution + " takes " + (count < 0 ? "one or more arguments"
                    : count + " argument" + (count == 1 ? "" : "s")) + ", not " + arguments.size());
        }
        return new Expression(distribution, List.copyOf(arguments));
    }

    private static String argument(String a, String distribution) {
        if (a.length() >= 2 && (a.startsWith("'") && a.endsWith("'") || a.startsWith("\"") && a.endsWith("\""))) {
            String inner = a.substring(1, a.length() - 1);
            if (inner.contains("'") || inner.contains("\"")) {
                throw new IllegalArgumentException("the string " + a + " holds a quote");
            }
            requireChoice(a, distribution);
            return "'" + inner + "'";
        }
        if (a.equalsIgnoreCase("true") || a.equalsIgnoreCase("false")) {
            requireChoice(a, distribution);
            return a.equalsIgnoreCase("true") ? "True" : "False";
        }
        if (INTEGER.matcher(a).matches()) {
            return new BigDecimal(a).toPlainString();
        }
        if (DECIMAL.matcher(a).matches()) {
            double d = Double.parseDouble(a);
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("the number " + a + " is out of range");
            }
            return number(d);
        }
        if (WORD.matcher(a).matches()) {
            requireChoice(a, distribution);
            return "'" + a + "'";
        }
        throw new IllegalArgumentException("the argument " + a + " is neither a number, True, False nor a string");
    }

    private static void requireChoice(String a, String distribution) {
        if (!distribution.equals("choice")) {
            throw new IllegalArgumentException(distribution + " takes numbers, not " + a);
        }
    }

    /**
     * A fixed setting as a search-space expression of one value, as azure-ai-ml writes a plain value inside
     * {@code choice}.
     *
     * @param value an {@code Integer}, {@code Double}, {@code Boolean} or {@code String} (kept in lower case, as the
     *     AutoML examples write optimizer names)
     * @return e.g. {@code choice(True)}, {@code choice(0.0001)}, {@code choice('adamw')}
     */
    static String single(Object value) {
        return "choice(" + value(value) + ")";
    }

    /**
     * @param value an {@code Integer}, {@code Double}, {@code Boolean} or {@code String}
     * @return it as azure-ai-ml writes a value: {@code True}, {@code 16}, {@code 0.0001}, {@code 'sgd'}
     */
    static String value(Object value) {
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (value instanceof Double d) {
            return number(d);
        }
        if (value instanceof Float f) {
            return number(f.doubleValue());
        }
        if (value instanceof Number n) {
            return String.valueOf(n.longValue());
        }
        return "'" + String.valueOf(value).toLowerCase(Locale.ROOT) + "'";
    }

    /**
     * azure-ai-ml's {@code float_to_str}: Python's shortest {@code repr} of the float as a plain decimal. Python writes
     * {@code repr} in exponent form below 1e-4 and from 1e16 on, and the plain form with {@code .0} on whole numbers
     * in between; formatted with {@code 'f'}, the exponent forms lose the {@code .0}.
     *
     * @param d a finite number
     * @return e.g. {@code 0.0001}, {@code 0.00001}, {@code 1.0}, {@code 0.9}, {@code 10000000000000000}
     */
    static String number(double d) {
        if (d == 0) {
            return (1 / d < 0 ? "-" : "") + "0.0";
        }
        BigDecimal shortest = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        double magnitude = Math.abs(d);
        if (magnitude >= 1e-4 && magnitude < 1e16 && shortest.scale() <= 0) {
            return shortest.setScale(1).toPlainString();
        }
        return shortest.toPlainString();
    }
}
