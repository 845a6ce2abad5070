package dev.modelbuilder.scoring.evaluation.report;

import static dev.modelbuilder.scoring.evaluation.report.Html.escape;
import static dev.modelbuilder.scoring.evaluation.report.Html.px;

import dev.modelbuilder.scoring.evaluation.ConfusionMatrix;
import dev.modelbuilder.scoring.evaluation.LabelMetrics;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** The report's charts as inline SVG, sized for 2 to a few hundred labels. */
final class Charts {
    private static final double CHAR_WIDTH = 0.6; // of the font size, for a sans-serif font
    private static final int MAX_LABEL_CHARS = 24;
    static final String PRECISION_COLOUR = "#2f6fd0";
    static final String RECALL_COLOUR = "#e8833a";

    private Charts() {
    }

    /**
     * The confusion matrix as a heat map: rows true labels, columns predicted labels, each cell's colour its share of
     * its row (diagonal blue, mistakes orange-red), its count written in it.
     */
    /**
     * The labels a heat map of at most {@code max} labels shows: all of them when they fit, else those with the most
     * confusions (off-diagonal counts, as true and as predicted label), in class-index order.
     */
    static List<Integer> mostConfused(ConfusionMatrix matrix, int max) {
        int n = matrix.labels().size();
        if (n <= max) {
            return java.util.stream.IntStream.range(0, n).boxed().toList();
        }
        long[] confusions = new long[n];
        for (long[] cell : matrix.nonZeroCells()) {
            if (cell[0] != cell[1]) {
                confusions[(int) cell[0]] += cell[2];
                confusions[(int) cell[1]] += cell[2];
            }
        }
        return java.util.stream.IntStream.range(0, n).boxed()
                .sorted(java.util.Comparator.<Integer>comparingLong(i -> confusions[i]).reversed()
                        .thenComparing(i -> i))
                .limit(max).sorted().toList();
    }

    /** The heat map of the given labels' rows and columns; a cell's share is of its whole row. */
    static String heatMap(ConfusionMatrix matrix, List<Integer> shown) {
        List<String> labels = shown.stream().map(matrix.labels()::get).toList();
        int n = labels.size();
        double cell = Math.max(18, Math.min(56, 640.0 / n));
        double labelFont = Math.max(9, Math.min(13, cell * 0.6));
        double countFont = Math.max(8, Math.min(15, cell * 0.4));
        int longest = labels.stream().mapToInt(l -> Html.shorten(l, MAX_LABEL_CHARS).length()).max().orElse(1);
        double labelSpace = longest * labelFont * CHAR_WIDTH + 12;
        boolean upright = n > 12; // many columns: vertical labels, which take no width beyond their column
        double left = labelSpace + 24;
        double top = labelSpace * (upright ? 1 : 0.72) + 28;
        double width = left + n * cell + (upright ? 8 : labelSpace * 0.72 + 8);
        double height = top + n * cell + 8;
        long[][] all = matrix.counts();
        long[][] counts = new long[n][n];
        long[] rowTotals = new long[n];
        for (int t = 0; t < n; t++) {
            for (long c : all[shown.get(t)]) {
                rowTotals[t] += c;
            }
            for (int p = 0; p < n; p++) {
                counts[t][p] = all[shown.get(t)][shown.get(p)];
            }
        }
        StringBuilder s = new StringBuilder();
        s.append("<svg class=\"heatmap\" role=\"img\" aria-label=\"confusion matrix\" width=\"").append(px(width))
                .append("\" height=\"").append(px(height)).append("\" viewBox=\"0 0 ").append(px(width)).append(' ')
                .append(px(height)).append("\">");
        s.append(text(left + n * cell / 2, 12, 12, "middle", "axis-title", "predicted label"));
        s.append("<text class=\"axis-title\" font-size=\"12\" text-anchor=\"middle\" transform=\"translate(12,")
                .append(px(top + n * cell / 2)).append(") rotate(-90)\">true label</text>");
        for (int i = 0; i < n; i++) {
            String shortLabel = escape(Html.shorten(labels.get(i), MAX_LABEL_CHARS));
            String full = escape(labels.get(i));
            double y = top + i * cell + cell / 2;
            s.append("<text class=\"row-label\" font-size=\"").append(px(labelFont)).append("\" x=\"")
                    .append(px(left - 6)).append("\" y=\"").append(px(y)).append("\" text-anchor=\"end\" "
                            + "dominant-baseline=\"central\"><title>").append(full).append("</title>")
                    .append(shortLabel).append("</text>");
            double x = left + i * cell + cell / 2;
            s.append("<text class=\"col-label\" font-size=\"").append(px(labelFont)).append("\" transform=\"translate(")
                    .append(px(x + labelFont * 0.35)).append(',').append(px(top - 6)).append(") rotate(")
                    .append(upright ? "-90" : "-45").append(")\">")
                    .append("<title>").append(full).append("</title>").append(shortLabel).append("</text>");
        }
        for (int t = 0; t < n; t++) {
            long rowTotal = rowTotals[t];
            for (int p = 0; p < n; p++) {
                long c = counts[t][p];
                double share = rowTotal == 0 ? 0 : (double) c / rowTotal;
                double x = left + p * cell;
                double y = top + t * cell;
                s.append("<g class=\"cell\" data-true=\"").append(shown.get(t)).append("\" data-predicted=\"")
                        .append(shown.get(p))
                        .append("\" data-count=\"").append(c).append("\"><rect x=\"").append(px(x)).append("\" y=\"")
                        .append(px(y)).append("\" width=\"").append(px(cell)).append("\" height=\"").append(px(cell))
                        .append("\" fill=\"").append(cellColour(share, shown.get(t).equals(shown.get(p)), c))
                        .append("\" stroke=\"#ffffff\" stroke-width=\"1\"/><title>")
                        .append(escape(labels.get(t))).append(" \u2192 ").append(escape(labels.get(p))).append(": ")
                        .append(c).append(rowTotal == 0 ? "" : String.format(Locale.ROOT, " (%.1f%% of %s)",
                                100 * share, escape(labels.get(t)))).append("</title>");
                if (c > 0 || n <= 12) {
                    s.append("<text x=\"").append(px(x + cell / 2)).append("\" y=\"").append(px(y + cell / 2))
                            .append("\" font-size=\"").append(px(countFont)).append("\" text-anchor=\"middle\" "
                                    + "dominant-baseline=\"central\" fill=\"")
                            .append(c == 0 ? "#b8bec7" : share > 0.55 ? "#ffffff" : "#1d2430").append("\">")
                            .append(c).append("</text>");
                }
                s.append("</g>");
            }
        }
        s.append("<rect x=\"").append(px(left)).append("\" y=\"").append(px(top)).append("\" width=\"")
                .append(px(n * cell)).append("\" height=\"").append(px(n * cell))
                .append("\" fill=\"none\" stroke=\"#c5cbd3\"/>");
        return s.append("</svg>").toString();
    }

    private static String cellColour(double share, boolean diagonal, long count) {
        if (count == 0) {
            return "#f6f7f9";
        }
        double t = 0.12 + 0.88 * share;
        int[] from = {255, 255, 255};
        int[] to = diagonal ? new int[] {31, 95, 191} : new int[] {207, 63, 22};
        return String.format(Locale.ROOT, "#%02x%02x%02x", mix(from[0], to[0], t), mix(from[1], to[1], t),
                mix(from[2], to[2], t));
    }

    private static int mix(int a, int b, double t) {
        return (int) Math.round(a + (b - a) * t);
    }

    /** Precision and recall of every label as pairs of horizontal bars on a 0-1 scale. */
    static String labelBars(List<LabelMetrics> perLabel) {
        double font = 12;
        int longest = perLabel.stream().mapToInt(m -> Html.shorten(m.label(), MAX_LABEL_CHARS).length()).max()
                .orElse(1);
        double left = longest * font * CHAR_WIDTH + 14;
        double barWidth = 360;
        double row = 32;
        double top = 30;
        double width = left + barWidth + 60;
        double height = top + perLabel.size() * row + 22;
        StringBuilder s = new StringBuilder();
        s.append("<svg class=\"bars\" role=\"img\" aria-label=\"precision and recall per label\" width=\"")
                .append(px(width)).append("\" height=\"").append(px(height)).append("\" viewBox=\"0 0 ")
                .append(px(width)).append(' ').append(px(height)).append("\">");
        s.append(legend(left, 12, new String[] {"precision", "recall"},
                new String[] {PRECISION_COLOUR, RECALL_COLOUR}, new boolean[] {false, false}));
        for (int g = 0; g <= 4; g++) {
            double x = left + barWidth * g / 4;
            s.append("<line x1=\"").append(px(x)).append("\" y1=\"").append(px(top - 4)).append("\" x2=\"")
                    .append(px(x)).append("\" y2=\"").append(px(height - 18)).append("\" stroke=\"#e3e6ea\"/>");
            s.append(text(x, height - 4, 10, "middle", "tick", String.format(Locale.ROOT, "%.2f", g / 4.0)));
        }
        for (int i = 0; i < perLabel.size(); i++) {
            LabelMetrics m = perLabel.get(i);
            double y = top + i * row;
            s.append("<g class=\"label-bars\" data-label=\"").append(escape(m.label())).append("\">");
            s.append("<text font-size=\"12\" x=\"").append(px(left - 8)).append("\" y=\"").append(px(y + row / 2 - 2))
                    .append("\" text-anchor=\"end\" dominant-baseline=\"central\"><title>").append(escape(m.label()))
                    .append("</title>").append(escape(Html.shorten(m.label(), MAX_LABEL_CHARS))).append("</text>");
            s.append(bar(left, y + 3, barWidth, m.precision(), PRECISION_COLOUR, "precision"));
            s.append(bar(left, y + 16, barWidth, m.recall(), RECALL_COLOUR, "recall"));
            s.append("</g>");
        }
        return s.append("</svg>").toString();
    }

    private static String bar(double left, double y, double width, double value, String colour, String name) {
        double w = Math.max(0, Math.min(1, value)) * width;
        return "<rect class=\"" + name + "\" x=\"" + px(left) + "\" y=\"" + px(y) + "\" width=\"" + px(w)
                + "\" height=\"11\" rx=\"2\" fill=\"" + colour + "\"><title>" + name + " " + Html.number(value)
                + "</title></rect>" + text(left + w + 5, y + 9.5, 10, "start", "value", Html.number(value));
    }

    /** Loss or accuracy per epoch: training solid, validation dashed. */
    static String curves(TrainingCurves curves, String title, ToDoubleFunction<EpochMetrics> train,
            ToDoubleFunction<EpochMetrics> validation, boolean unitScale) {
        double width = 440;
        double height = 250;
        double left = 48;
        double right = 16;
        double top = 34;
        double bottom = 36;
        List<EpochMetrics> epochs = curves.epochs();
        double max = unitScale ? 1 : 0;
        if (!unitScale) {
            for (EpochMetrics e : epochs) {
                max = Math.max(max, finite(train.applyAsDouble(e)));
                max = Math.max(max, finite(validation.applyAsDouble(e)));
            }
            max = max <= 0 ? 1 : max * 1.1;
        }
        int first = epochs.isEmpty() ? 1 : epochs.get(0).epoch();
        int last = epochs.isEmpty() ? 1 : epochs.get(epochs.size() - 1).epoch();
        double plotW = width - left - right;
        double plotH = height - top - bottom;
        StringBuilder s = new StringBuilder();
        s.append("<svg class=\"curve\" role=\"img\" aria-label=\"").append(escape(title)).append("\" width=\"")
                .append(px(width)).append("\" height=\"").append(px(height)).append("\" viewBox=\"0 0 ")
                .append(px(width)).append(' ').append(px(height)).append("\">");
        s.append(text(left, 14, 13, "start", "chart-title", title));
        s.append(legend(width - 190, 14, new String[] {"training", "validation"},
                new String[] {PRECISION_COLOUR, RECALL_COLOUR}, new boolean[] {false, true}));
        for (int g = 0; g <= 4; g++) {
            double v = max * g / 4;
            double y = top + plotH - plotH * g / 4;
            s.append("<line x1=\"").append(px(left)).append("\" y1=\"").append(px(y)).append("\" x2=\"")
                    .append(px(left + plotW)).append("\" y2=\"").append(px(y)).append("\" stroke=\"#e3e6ea\"/>");
            s.append(text(left - 6, y + 3, 10, "end", "tick", String.format(Locale.ROOT, "%.2f", v)));
        }
        int step = Math.max(1, (int) Math.ceil((last - first + 1) / 10.0));
        for (int e = first; e <= last; e += step) {
            s.append(text(xOf(e, first, last, left, plotW), top + plotH + 16, 10, "middle", "tick",
                    Integer.toString(e)));
        }
        s.append(text(left + plotW / 2, height - 4, 11, "middle", "axis-title", "epoch"));
        s.append(series(epochs, train, first, last, left, top, plotW, plotH, max, PRECISION_COLOUR, false));
        s.append(series(epochs, validation, first, last, left, top, plotW, plotH, max, RECALL_COLOUR, true));
        return s.append("</svg>").toString();
    }

    private static String series(List<EpochMetrics> epochs, ToDoubleFunction<EpochMetrics> f, int first, int last,
            double left, double top, double plotW, double plotH, double max, String colour, boolean dashed) {
        StringBuilder points = new StringBuilder();
        StringBuilder marks = new StringBuilder();
        for (EpochMetrics e : epochs) {
            double v = f.applyAsDouble(e);
            if (!Double.isFinite(v)) {
                continue;
            }
            double x = xOf(e.epoch(), first, last, left, plotW);
            double y = top + plotH - plotH * Math.min(1, Math.max(0, v / max));
            points.append(px(x)).append(',').append(px(y)).append(' ');
            marks.append("<circle cx=\"").append(px(x)).append("\" cy=\"").append(px(y)).append("\" r=\"2.5\" fill=\"")
                    .append(colour).append("\"><title>epoch ").append(e.epoch()).append(": ").append(Html.number(v))
                    .append("</title></circle>");
        }
        return "<polyline fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"2\""
                + (dashed ? " stroke-dasharray=\"6 4\"" : "") + " points=\"" + points.toString().trim() + "\"/>"
                + marks;
    }

    private static double xOf(int epoch, int first, int last, double left, double plotW) {
        return last == first ? left + plotW / 2 : left + plotW * (epoch - first) / (last - first);
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0;
    }

    private static String legend(double x, double y, String[] names, String[] colours, boolean[] dashed) {
        StringBuilder s = new StringBuilder();
        double at = x;
        for (int i = 0; i < names.length; i++) {
            s.append("<line x1=\"").append(px(at)).append("\" y1=\"").append(px(y - 4)).append("\" x2=\"")
                    .append(px(at + 18)).append("\" y2=\"").append(px(y - 4)).append("\" stroke=\"").append(colours[i])
                    .append("\" stroke-width=\"").append(dashed[i] ? "2\" stroke-dasharray=\"6 4" : "6").append("\"/>");
            s.append(text(at + 24, y, 11, "start", "legend", names[i]));
            at += 24 + names[i].length() * 11 * CHAR_WIDTH + 16;
        }
        return s.toString();
    }

    private static String text(double x, double y, double size, String anchor, String cls, String content) {
        return "<text class=\"" + cls + "\" x=\"" + px(x) + "\" y=\"" + px(y) + "\" font-size=\"" + px(size)
                + "\" text-anchor=\"" + anchor + "\">" + escape(content) + "</text>";
    }
}
