package dev.modelbuilder.core.dataset;

import java.util.Locale;

/**
 * What a label may be made of, shared by the dataset scan (folder names) and the label map (labels.json): no control
 * characters (C0, DEL, C1), which a terminal would obey when the label is printed.
 */
public final class LabelNames {
    private LabelNames() {
    }

    /**
     * @param label a label
     * @return null when the label is fine, otherwise what is wrong ("contains the control character U+001B at
     *     position 3")
     */
    public static String problem(String label) {
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            if (Character.isISOControl(c)) {
                return "contains the control character " + String.format(Locale.ROOT, "U+%04X", (int) c)
                        + " at position " + i;
            }
        }
        return null;
    }

    /**
     * @param label a label
     * @return the label with every control character written as {@code \u001b}, safe to print in a message
     */
    public static String escape(String label) {
        StringBuilder b = new StringBuilder(label.length());
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            b.append(Character.isISOControl(c) ? String.format(Locale.ROOT, "\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }
}
