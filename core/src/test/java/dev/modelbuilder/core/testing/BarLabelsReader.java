package dev.modelbuilder.core.testing;

import dev.modelbuilder.core.dataset.LabelsFileReader;
import dev.modelbuilder.core.exception.FileAccessException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A labels-file format for core's tests, registered as a service like pipeline's JSONL and CSV readers: one row per
 * line, {@code image|label;label}; a line without {@code |} is a row that cannot be read.
 */
public final class BarLabelsReader implements LabelsFileReader {
    @Override
    public String format() {
        return "BAR";
    }

    @Override
    public List<String> extensions() {
        return List.of(".bar");
    }

    @Override
    public Rows read(Path file) {
        List<Row> rows = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new FileAccessException(file, "cannot read " + file + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int bar = line.indexOf('|');
            if (bar < 0) {
                problems.add(new Problem(i + 1, "no '|'"));
                continue;
            }
            String labels = line.substring(bar + 1);
            rows.add(new Row(i + 1, line.substring(0, bar),
                    labels.isEmpty() ? List.of() : Arrays.asList(labels.split(";", -1))));
        }
        return new Rows(rows, problems);
    }
}
