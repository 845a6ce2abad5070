package dev.modelbuilder.core.dataset;

import java.util.Locale;

/**
 * What a label may be made of, shared by the dataset scan (folder names) and the label map (labels.json): no control
 * characters (C0, DEL, C1), which a terminal would obey when the label is printed, and no bidirectional formatting
 * characters (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069), which make a label display as another
 * text: {@code "rtl\u005cu202egnp.exe"} shows as "rtlexe.png".
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
            if (isBidiFormatting(c)) {
                return "contains the bidirectional formatting character " + String.format(Locale.ROOT, "U+%04X",
                        (int) c) + " at position " + i + ", which changes how the label reads on screen";
            }
        }
        return null;
    }

    /**
     * @param label a label
     * @return the label with every control or bidirectional formatting character written as {@code \u001b}, safe to
     *     print in a message
     */
    public static String escape(String label) {
        StringBuilder b = new StringBuilder(label.length());
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            b.append(Character.isISOControl(c) || isBidiFormatting(c) ? String.format(Locale.ROOT, "\\u%04x", (int) c)
                    : String.valueOf(c));
        }
        return b.toString();
    }

    private static boolean isBidiFormatting(char c) {
        return c == '\u061c' || c == '\u200e' || c == '\u200f' || (c >= '\u202a' && c <= '\u202e')
                || (c >= '\u2066' && c <= '\u2069');
    }
}
