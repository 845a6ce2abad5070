package dev.modelbuilder.core.dataset;

import dev.modelbuilder.core.dataset.DatasetProblem.Kind;
import dev.modelbuilder.core.dataset.ClassificationTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A validated dataset described by a labels file: each row names an image, by a path relative to the file's own
 * folder, and its labels. Two formats are read (by the {@code pipeline} module's {@link LabelsFileReader}s):
 * <ul>
 *   <li>{@code .jsonl}, Azure ML's form: one JSON object per line with {@code image_url} (the path) and {@code label}
 *       (a string, or a list of strings for a multi-label dataset); other fields such as {@code image_details} are
 *       ignored;</li>
 *   <li>{@code .csv} (RFC 4180): a header {@code image,labels}, then one record per image, its labels separated by
 *       {@code ;} ({@code shirt;bag}; empty for none).</li>
 * </ul>
 *
 * <pre>{@code
 * LabelsFileDataset data = LabelsFileDataset.scan(Path.of("shop/labels.csv"), ClassificationTask.MULTI_LABEL,
 *         DatasetRules.defaults());
 * }</pre>
 *
 * <p>Image paths must stay inside the labels file's folder, so that a labels file from elsewhere cannot make the SDK
 * read, or upload to Azure, any other file: absolute paths, {@code ..} that leaves the folder, links to files outside
 * it and URLs ({@code azureml://}, {@code https://}: images already in Azure ML, which this SDK does not read) are
 * refused. The scan reads every image, like the folder scan, and reports every problem in one
 * {@link DatasetValidationException}, in file order: rows that cannot be read, unsafe paths, missing, unreadable or
 * corrupt images, an image listed twice, invalid labels, a row without a label or with several in a single-label
 * dataset (which names the multi-label option), a label with too few images, too few labels. In a multi-label
 * dataset an image may have no label at all (a negative example for every label).
 */
public final class LabelsFileDataset extends ImageDataset {
    private static final Pattern URL = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*", Pattern.DOTALL);
    private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*", Pattern.DOTALL);
    private static final String MULTI_LABEL_OPTION = "train a multi-label model (train --multi-label, "
            + "TrainingSpecBuilder.withMultiLabel())";

    private final Path file;
    private final String format;

    private LabelsFileDataset(Path file, String format, Path root, List<String> labels, List<LabeledImage> images,
            List<DatasetProblem> unusable) {
        super(root, labels, images, List.of(), unusable);
        this.file = file;
        this.format = format;
    }

    /**
     * Reads and validates a labels file.
     *
     * @param file the labels file ({@code .jsonl} or {@code .csv})
     * @param task single-label (one label per row) or multi-label (any number, none included)
     * @param rules the minimums to enforce
     * @return the dataset
     * @throws DatasetValidationException listing every problem found
     */
    public static LabelsFileDataset scan(Path file, ClassificationTask task, DatasetRules rules) {
        return scan(file, readerFor(requireFile(file)), task, Objects.requireNonNull(rules, "rules"), false);
    }

    /**
     * Reads a labels file with a given reader (for a format no registered reader knows, or to read a file whatever
     * its extension).
     *
     * @param file the labels file
     * @param reader the reader of its format
     * @param task single-label or multi-label
     * @param rules the minimums to enforce
     * @return the dataset
     * @throws DatasetValidationException listing every problem found
     */
    public static LabelsFileDataset scan(Path file, LabelsFileReader reader, ClassificationTask task,
            DatasetRules rules) {
        return scan(file, Objects.requireNonNull(reader, "reader"), task, Objects.requireNonNull(rules, "rules"),
                false);
    }

    /**
     * Reads a held-out labels file as the evaluation does (see {@link ImageDataset#scanSkippingUnusable}).
     *
     * @param file the labels file
     * @param task single-label or multi-label
     * @return the dataset
     * @throws DatasetValidationException listing every problem that is not an unusable image
     */
    public static LabelsFileDataset scanSkippingUnusable(Path file, ClassificationTask task) {
        return scan(file, readerFor(requireFile(file)), task, DatasetRules.defaults(), true);
    }

    private static LabelsFileDataset scan(Path file, LabelsFileReader reader, ClassificationTask task,
            DatasetRules rules, boolean skipUnusable) {
        Objects.requireNonNull(task, "task");
        Path source = requireFile(file);
        LabelsFileReader.Rows rows;
        try {
            rows = reader.read(source);
        } catch (RuntimeException e) {
            throw new DatasetValidationException(source, List.of(new DatasetProblem(Kind.NOT_A_LABELS_FILE, source,
                    "cannot be read as " + reader.format() + ": " + e.getMessage())));
        }
        Path root = source.getParent();
        Path realRoot;
        try {
            realRoot = root.toRealPath();
        } catch (IOException e) {
            throw new DatasetValidationException(source, List.of(new DatasetProblem(Kind.UNREADABLE_FILE, root,
                    "cannot be resolved: " + e.getMessage())));
        }
        // every problem with its line, so that the error lists them in file order whatever found them
        TreeMap<Long, List<DatasetProblem>> byLine = new TreeMap<>();
        for (LabelsFileReader.Problem p : rows.problems()) {
            add(byLine, p.line(), new DatasetProblem(Kind.INVALID_ROW, source, "line " + p.line() + ": " + p.detail()));
        }
        List<Candidate> candidates = new ArrayList<>();
        Map<String, Long> firstLine = new HashMap<>();
        for (LabelsFileReader.Row row : rows.rows()) {
            String at = "line " + row.line() + ": ";
            List<DatasetProblem> rowProblems = new ArrayList<>();
            List<String> labels = labels(row, at, source, task, rowProblems);
            Path image = resolve(row.image(), root, at, source, rowProblems);
            if (image != null) {
                String relative = root.relativize(image).toString().replace(image.getFileSystem().getSeparator(), "/");
                Long first = firstLine.putIfAbsent(relative, row.line());
                if (first != null) {
                    rowProblems.add(new DatasetProblem(Kind.DUPLICATE_IMAGE, source, at + "'"
                            + LabelNames.escape(row.image()) + "' is listed again (first on line " + first
                            + "): give each image once, with all its labels"));
                } else {
                    candidates.add(new Candidate(row.line(), image, relative, labels));
                }
            }
            rowProblems.forEach(p -> add(byLine, row.line(), p));
        }
        // read and probe every image (in parallel, as the folder scan does)
        List<Checked> checked = candidates.parallelStream().map(c -> check(c, realRoot, source)).toList();
        List<LabeledImage> images = new ArrayList<>();
        List<DatasetProblem> unusable = new ArrayList<>();
        for (Checked c : checked) {
            if (c.problem == null) {
                images.add(c.image);
            } else if (skipUnusable && c.problem.kind() != Kind.UNSAFE_PATH) {
                unusable.add(c.problem);
            } else {
                add(byLine, c.candidate.line, c.problem);
            }
        }
        List<DatasetProblem> all = new ArrayList<>();
        byLine.values().forEach(all::addAll);
        Map<String, Integer> counts = new TreeMap<>();
        candidates.forEach(c -> c.labels.forEach(l -> counts.merge(l, 0, Integer::sum)));
        images.forEach(i -> i.labels().forEach(l -> counts.merge(l, 1, Integer::sum)));
        if (!skipUnusable && all.isEmpty()) {
            // counts mean something only once every row is right
            counts.forEach((label, n) -> {
                if (n < rules.minImagesPerLabel()) {
                    all.add(new DatasetProblem(Kind.TOO_FEW_IMAGES, source, "label '" + LabelNames.escape(label)
                            + "' has " + n + (n == 1 ? " image" : " images") + ": at least "
                            + rules.minImagesPerLabel() + " are needed"));
                }
            });
            if (counts.size() < rules.minLabels()) {
                all.add(new DatasetProblem(Kind.TOO_FEW_LABELS, source, "has " + counts.size()
                        + (counts.size() == 1 ? " label" : " labels") + ": at least " + rules.minLabels()
                        + " are needed"));
            }
        }
        if (!all.isEmpty()) {
            throw new DatasetValidationException(source, all);
        }
        return new LabelsFileDataset(source, reader.format(), root, List.copyOf(counts.keySet()), images, unusable);
    }

    private static Path requireFile(Path file) {
        Path source = Objects.requireNonNull(file, "file").toAbsolutePath().normalize();
        if (!Files.isRegularFile(source)) {
            throw new DatasetValidationException(source, List.of(new DatasetProblem(Kind.NOT_A_LABELS_FILE, source,
                    Files.exists(source) ? "is not a regular file: give a labels file (.jsonl, .csv) or a folder"
                            : "does not exist: give a labels file (.jsonl, .csv) or a folder with one sub-folder per"
                            + " label")));
        }
        return source;
    }

    private static void add(TreeMap<Long, List<DatasetProblem>> byLine, long line, DatasetProblem p) {
        byLine.computeIfAbsent(line, k -> new ArrayList<>()).add(p);
    }

    /** The row's labels, distinct, in order; problems for invalid ones and for a count the task does not allow. */
    private static List<String> labels(LabelsFileReader.Row row, String at, Path source, ClassificationTask task,
            List<DatasetProblem> problems) {
        LinkedHashSet<String> labels = new LinkedHashSet<>();
        for (String label : row.labels()) {
            String l = label == null ? "" : label.strip();
            String bad = l.isEmpty() ? "is empty" : LabelNames.problem(l);
            if (bad != null) {
                problems.add(new DatasetProblem(Kind.INVALID_LABEL, source, at + "label '" + LabelNames.escape(l)
                        + "' " + bad + ": fix the label"));
            } else {
                labels.add(l);
            }
        }
        if (!task.isMultiLabel() && labels.isEmpty() && row.labels().isEmpty()) {
            problems.add(new DatasetProblem(Kind.MISSING_LABEL, source, at + "'" + LabelNames.escape(row.image())
                    + "' has no label: give it one, or " + MULTI_LABEL_OPTION + ", where an image may have none"));
        } else if (!task.isMultiLabel() && labels.size() > 1) {
            problems.add(new DatasetProblem(Kind.SEVERAL_LABELS, source, at + "'" + LabelNames.escape(row.image())
                    + "' has " + labels.size() + " labels " + labels.stream().map(LabelNames::escape).toList()
                    + ": a single-label dataset has one label per image; " + MULTI_LABEL_OPTION));
        }
        return List.copyOf(labels);
    }

    /** The image's path inside {@code root}, or null (with a problem) for a path the SDK does not read. */
    private static Path resolve(String image, Path root, String at, Path source, List<DatasetProblem> problems) {
        String shown = "'" + LabelNames.escape(image) + "'";
        String refused = null;
        if (image.isBlank()) {
            problems.add(new DatasetProblem(Kind.INVALID_ROW, source, at + "the image path is empty"));
            return null;
        }
        if (URL.matcher(image).matches()) {
            String scheme = image.substring(0, image.indexOf(':')).toLowerCase(Locale.ROOT);
            refused = shown + " is a URL (" + scheme + "://): this SDK reads (and uploads to Azure) image files itself,"
                    + " so on the local backend, as on Azure, give paths relative to the labels file's folder "
                    + root + (scheme.equals("azureml") ? " (azureml:// URLs name images already in an Azure ML "
                    + "datastore; download them next to the labels file)" : " (download the images next to the "
                    + "labels file)");
        } else if (image.startsWith("/") || image.startsWith("\\") || DRIVE.matcher(image).matches()) {
            refused = shown + " is an absolute path: give a path relative to the labels file's folder " + root
                    + " (a labels file may only name images inside its own folder)";
        } else if (image.indexOf('\\') >= 0) {
            refused = shown + " holds a backslash: separate folders with '/'";
        } else if (LabelNames.problem(image) != null) {
            refused = shown + " " + LabelNames.problem(image);
        }
        if (refused != null) {
            problems.add(new DatasetProblem(Kind.UNSAFE_PATH, source, at + refused));
            return null;
        }
        Path resolved;
        try {
            resolved = root.resolve(image).normalize();
        } catch (InvalidPathException e) {
            problems.add(new DatasetProblem(Kind.UNSAFE_PATH, source, at + shown + " is not a valid path: "
                    + e.getReason()));
            return null;
        }
        if (!resolved.startsWith(root) || resolved.equals(root)) {
            problems.add(new DatasetProblem(Kind.UNSAFE_PATH, source, at + shown + " leaves the labels file's folder "
                    + root + " ('..'): a labels file may only name images inside its own folder"));
            return null;
        }
        return resolved;
    }

    private record Candidate(long line, Path file, String relative, List<String> labels) {
    }

    private record Checked(Candidate candidate, LabeledImage image, DatasetProblem problem) {
    }

    private static Checked check(Candidate c, Path realRoot, Path source) {
        String where = "(line " + c.line + " of " + source.getFileName() + ") ";
        try {
            if (!Files.exists(c.file, LinkOption.NOFOLLOW_LINKS)) {
                return new Checked(c, null, new DatasetProblem(Kind.MISSING_FILE, c.file, where + "does not exist: put the image there or fix the path"));
            }
            // a link inside the folder may point anywhere: follow it only to a file inside the folder
            Path real = c.file.toRealPath();
            if (!real.startsWith(realRoot)) {
                return new Checked(c, null, new DatasetProblem(Kind.UNSAFE_PATH, c.file, where + "is a link to " + real + ", outside the labels file's folder: "
                        + "copy the image into the folder"));
            }
            if (!Files.isRegularFile(real)) {
                return new Checked(c, null, new DatasetProblem(Kind.NOT_AN_IMAGE, c.file, where + "is not a regular file"));
            }
            long size = Files.size(real);
            if (size > ImageFolderDataset.MAX_IMAGE_BYTES) {
                return new Checked(c, null, new DatasetProblem(Kind.NOT_AN_IMAGE, c.file, where + "is " + size / (1024 * 1024)
                        + " MiB: images over " + ImageFolderDataset.MAX_IMAGE_BYTES / (1024 * 1024)
                        + " MiB are not accepted"));
            }
            ImageInfo info = ImageProbe.probe(Files.readAllBytes(real));
            return new Checked(c, new LabeledImage(c.file, c.labels, c.relative, info, size), null);
        } catch (IOException e) {
            return new Checked(c, null, new DatasetProblem(Kind.UNREADABLE_FILE, c.file, where + "cannot be read: "
                    + e.getMessage()));
        } catch (ImageProbe.ProbeFailure e) {
            return new Checked(c, null, new DatasetProblem(e.recognised() ? Kind.CORRUPT_IMAGE : Kind.NOT_AN_IMAGE,
                    c.file, where + e.getMessage()));
        }
    }

    /**
     * The registered reader for a file's extension.
     *
     * @param file a labels file
     * @return its reader
     * @throws DatasetValidationException when no registered reader reads that extension
     */
    static LabelsFileReader readerFor(Path file) {
        Path source = file.toAbsolutePath().normalize();
        String name = source.getFileName() == null ? "" : source.getFileName().toString().toLowerCase(Locale.ROOT);
        List<LabelsFileReader> readers = readers();
        for (LabelsFileReader r : readers) {
            for (String ext : r.extensions()) {
                if (name.endsWith(ext)) {
                    return r;
                }
            }
        }
        String detail;
        if (name.endsWith(".jsonl") || name.endsWith(".csv")) {
            detail = "no reader of " + (name.endsWith(".csv") ? "CSV" : "JSONL") + " labels files is on the class "
                    + "path: add the modelbuilder-pipeline module (every provider and the command-line tool bring it)";
        } else {
            List<String> known = readers.stream().flatMap(r -> r.extensions().stream()).sorted().toList();
            detail = "is not a labels file this SDK reads: give a .jsonl file (Azure ML's image_url and label), a"
                    + " .csv file (header image,labels; labels separated by ';') or a folder with one sub-folder per"
                    + " label" + (known.isEmpty() ? "" : " (readers found for " + String.join(", ", known) + ")");
        }
        throw new DatasetValidationException(source, List.of(new DatasetProblem(Kind.NOT_A_LABELS_FILE, source,
                detail)));
    }

    private static List<LabelsFileReader> readers() {
        List<LabelsFileReader> found = new ArrayList<>();
        // the SDK's own class loader first (the readers ship beside core), then the application's
        ServiceLoader.load(LabelsFileReader.class, LabelsFileReader.class.getClassLoader()).forEach(found::add);
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null && context != LabelsFileReader.class.getClassLoader()) {
            ServiceLoader.load(LabelsFileReader.class, context).forEach(r -> {
                if (found.stream().noneMatch(f -> f.getClass().equals(r.getClass()))) {
                    found.add(r);
                }
            });
        }
        found.sort(Comparator.comparing(r -> r.getClass().getName()));
        return found;
    }

    /** @return the labels file, absolute */
    @Override
    public Path source() {
        return file;
    }

    /** @return the format it was read as, e.g. {@code JSONL} or {@code CSV} */
    public String format() {
        return format;
    }

    @Override
    public String toString() {
        return "LabelsFileDataset[" + file + ", " + format + ", " + labels().size() + " labels, " + size()
                + " images]";
    }
}
