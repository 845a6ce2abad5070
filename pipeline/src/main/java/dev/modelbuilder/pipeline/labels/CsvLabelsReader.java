package dev.modelbuilder.pipeline.labels;

import dev.modelbuilder.core.dataset.LabelsFileReader;
import dev.modelbuilder.core.exception.FileAccessException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a CSV labels file (RFC 4180, UTF-8, read with Apache Commons CSV): a header naming the columns {@code image}
 * and {@code labels} (in any order; other columns are ignored), then one record per image: its path relative to the
 * file, and its labels separated by {@code ;} (empty for none). Fields holding commas, quotes or line breaks are
 * quoted as RFC 4180 says; blank lines are skipped; a byte-order mark is allowed.
 *
 * <pre>{@code
 * image,labels
 * photos/1.jpg,shirt;bag
 * "photos/with, comma.jpg",shirt
 * photos/3.jpg,
 * }</pre>
 */
public final class CsvLabelsReader implements LabelsFileReader {
    /** The column holding each image's path. */
    public static final String IMAGE_COLUMN = "image";
    /** The column holding each image's labels. */
    public static final String LABELS_COLUMN = "labels";
    /** What separates the labels of one image. */
    public static final char LABEL_SEPARATOR = ';';

    /** Creates the reader (stateless). */
    public CsvLabelsReader() {
    }

    @Override
    public String format() {
        return "CSV";
    }

    @Override
    public List<String> extensions() {
        return List.of(".csv");
    }

    @Override
    public Rows read(Path file) {
        try {
            return readRows(file);
        } catch (IOException e) {
            throw new FileAccessException(file, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private Rows readRows(Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true)
                .setIgnoreEmptyLines(true).setTrim(true).setAllowMissingColumnNames(true).get();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            in.mark(1);
            if (in.read() != '\uFEFF') {
                in.reset();
            }
            CSVParser parser;
            try {
                parser = CSVParser.builder().setReader(in).setFormat(format).get();
            } catch (UncheckedIOException | IllegalArgumentException e) {
                problems.add(new Problem(1, "the header cannot be read (" + message(e) + "): the first line names"
                        + " the columns, image,labels"));
                return new Rows(rows, problems);
            }
            try (parser) {
                Map<String, Integer> header = parser.getHeaderMap();
                Integer image = header == null ? null : header.get(IMAGE_COLUMN);
                Integer labels = header == null ? null : header.get(LABELS_COLUMN);
                if (image == null || labels == null) {
                    problems.add(new Problem(1, "the header " + (header == null || header.isEmpty() ? "is missing"
                            : "names the columns " + parser.getHeaderNames()) + ": it must name the columns '"
                            + IMAGE_COLUMN + "' and '" + LABELS_COLUMN + "' (e.g. image,labels)"));
                    return new Rows(rows, problems);
                }
                int columns = parser.getHeaderNames().size();
                Iterator<CSVRecord> records = parser.iterator();
                while (true) {
                    long start = parser.getCurrentLineNumber() + 1;
                    CSVRecord r;
                    try {
                        if (!records.hasNext()) {
                            break;
                        }
                        r = records.next();
                    } catch (UncheckedIOException | IllegalStateException e) {
                        // the parser cannot go on after malformed quoting: what follows is unreadable
                        problems.add(new Problem(start, "cannot be read as CSV (" + message(e) + "): quote a field "
                                + "holding commas, quotes or line breaks with \"...\", doubling its quotes"));
                        break;
                    }
                    if (r.size() != columns) {
                        problems.add(new Problem(start, "has " + r.size() + (r.size() == 1 ? " field" : " fields")
                                + ", the header " + columns + ": quote a field that holds a comma"));
                        continue;
                    }
                    rows.add(new Row(start, r.get(image), split(r.get(labels))));
                }
            }
        }
        return new Rows(rows, problems);
    }

    /** The labels of one field: separated by {@code ;}, trimmed, empty pieces (a trailing {@code ;}) dropped. */
    static List<String> split(String field) {
        List<String> labels = new ArrayList<>();
        for (String piece : field.split(String.valueOf(LABEL_SEPARATOR), -1)) {
            String l = piece.strip();
            if (!l.isEmpty()) {
                labels.add(l);
            }
        }
        return labels;
    }

    private static String message(RuntimeException e) {
        Throwable t = e.getCause() != null ? e.getCause() : e;
        return String.valueOf(t.getMessage());
    }
}
