package dev.modelbuilder.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads durations such as {@code 90s}, {@code 10m}, {@code 1h30m} or ISO-8601 {@code PT10M}. */
final class DurationConverter implements ITypeConverter<Duration> {
    private static final Pattern SHORT = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

    @Override
    public Duration convert(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.startsWith("pt") || v.startsWith("p")) {
            try {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            } catch (java.time.format.DateTimeParseException e) {
                throw new TypeConversionException("'" + value + "' is not a duration: use e.g. 90s, 10m, 1h30m");
            }
        }
        Matcher m = SHORT.matcher(v);
        if (v.isEmpty() || !m.matches()) {
            throw new TypeConversionException("'" + value + "' is not a duration: use e.g. 90s, 10m, 1h30m");
        }
        return Duration.ofHours(parse(m.group(1))).plusMinutes(parse(m.group(2))).plusSeconds(parse(m.group(3)));
    }

    private static long parse(String group) {
        return group == null ? 0 : Long.parseLong(group);
    }
}
