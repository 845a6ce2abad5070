package dev.modelbuilder.core.dataset;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Reads the rows of one labels-file format: which image, which labels. A reader only tokenizes; every rule about
 * what a row may say (relative paths inside the file's folder, existing readable images, label names, one label per
 * image unless multi-label, minimum counts) is {@link LabelsFileDataset}'s, so that every format obeys the same
 * rules and reports its problems in the same one error.
 *
 * <p>Core has no JSON or CSV parser (it depends on the JDK and slf4j-api only), so the readers live where those
 * parsers are: the {@code pipeline} module registers its JSONL and CSV readers as services
 * ({@code META-INF/services/dev.modelbuilder.core.dataset.LabelsFileReader}), found with {@link java.util.ServiceLoader}
 * by file extension. Another module may register a reader for another format the same way.
 */
public interface LabelsFileReader {

    /** @return the format's name as errors say it, e.g. {@code JSONL} */
    String format();

    /** @return the file name extensions this reader reads, lower case with the dot, e.g. {@code [".jsonl"]} */
    List<String> extensions();

    /**
     * Reads every row. A row that cannot be read is reported in {@link Rows#problems()}, never thrown, so that one
     * error can list every problem of the file.
     *
     * @param file the labels file
     * @return the rows that could be read and the problems of the others
     * @throws dev.modelbuilder.core.exception.FileAccessException when the file itself cannot be read
     */
    Rows read(Path file);

    /**
     * One row as written: nothing checked yet but its syntax.
     *
     * @param line the 1-based line (CSV: the record's first line) the row starts on
     * @param image the image reference as written (a path relative to the labels file, or whatever the row holds)
     * @param labels the labels as written, in order (copied; may be empty)
     */
    record Row(long line, String image, List<String> labels) {
        /** Copies the labels. */
        public Row {
            Objects.requireNonNull(image, "image");
            labels = List.copyOf(labels);
        }
    }

    /**
     * A row that could not be read.
     *
     * @param line the 1-based line
     * @param detail what is wrong and how to fix it, e.g. {@code "'label' is missing: give a string or a list of strings"}
     */
    record Problem(long line, String detail) {
        /** Checks the detail. */
        public Problem {
            Objects.requireNonNull(detail, "detail");
        }
    }

    /**
     * What a reader found.
     *
     * @param rows the rows read, in file order (copied)
     * @param problems the rows that could not be read, in file order (copied)
     */
    record Rows(List<Row> rows, List<Problem> problems) {
        /** Copies the lists. */
        public Rows {
            rows = List.copyOf(rows);
            problems = List.copyOf(problems);
        }
    }
}
