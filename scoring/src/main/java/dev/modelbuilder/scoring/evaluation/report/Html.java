package dev.modelbuilder.scoring.evaluation.report;

import java.util.Locale;

/** Escaping and number formatting for the report. */
final class Html {
    private Html() {
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** @return the value with 4 decimals, or an en dash when it is not a number */
    static String number(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "\u2013";
    }

    /** @return the value as a percentage with one decimal */
    static String percent(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f%%", 100 * v) : "\u2013";
    }

    /** @return a coordinate with at most 2 decimals */
    static String px(double v) {
        String s = String.format(Locale.ROOT, "%.2f", v);
        return s.endsWith(".00") ? s.substring(0, s.length() - 3) : s;
    }

    /** @return the label cut to {@code max} characters with an ellipsis */
    static String shorten(String label, int max) {
        return label.length() <= max ? label : label.substring(0, max - 1) + "\u2026";
    }
}
