package dev.modelbuilder.core.dataset;

import dev.modelbuilder.core.exception.ValidationException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** A dataset failed its checks. Lists every problem found, not just the first. */
public class DatasetValidationException extends ValidationException {
    private static final long serialVersionUID = 1L;
    private final transient List<DatasetProblem> problems;

    /**
     * @param root the dataset folder
     * @param problems every problem found, at least one
     */
    public DatasetValidationException(Path root, List<DatasetProblem> problems) {
        super(message(root, problems), problems.stream()
                .map(p -> new Violation("dataset file", p.path().toString(), p.detail())).toList());
        this.problems = List.copyOf(problems);
    }

    /** @return every problem, in the order found (sorted by path within each kind) */
    public List<DatasetProblem> problems() {
        return problems;
    }

    private static String message(Path root, List<DatasetProblem> problems) {
        return "dataset " + root + " has " + problems.size() + (problems.size() == 1 ? " problem" : " problems")
                + ":\n" + problems.stream().map(p -> "  - " + p.describe()).collect(Collectors.joining("\n"));
    }
}
