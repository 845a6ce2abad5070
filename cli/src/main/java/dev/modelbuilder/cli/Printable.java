package dev.modelbuilder.cli;

import java.util.Locale;

/**
 * Makes text from files, packages and models safe to print on a terminal: control characters (ESC, NUL, newline,
 * C1), line separators and bidirectional overrides are written as {@code \u001b}, so that an untrusted label or file
 * name cannot move the cursor, recolour the screen or reorder what the user reads.
 */
final class Printable {
    private Printable() {
    }

    /**
     * @param value any value (null prints as "null")
     * @return its text with every non-printable character escaped
     */
    static String of(Object value) {
        String s = String.valueOf(value);
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (unsafe(c)) {
                if (b == null) {
                    b = new StringBuilder(s.length() + 16).append(s, 0, i);
                }
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }

    private static boolean unsafe(char c) {
        return Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\u061c' || c == '\u200e'
                || c == '\u200f' || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
    }
}
