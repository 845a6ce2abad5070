package dev.modelbuilder.cli;

import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.model.WorkStep;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows progress events: progress bars on a terminal, plain throttled lines otherwise (logs, pipes, CI). With
 * {@code --json} it writes to standard error so that standard output stays machine-readable.
 *
 * <p>One line per epoch: the metrics a run logs for an epoch are gathered into one line, printed when the next
 * other event arrives, unless that event is the run's own summary of the same epoch (a log line starting with
 * {@code epoch N/}), which says it already. Epoch counts are not printed as progress lines for the same reason.
 */
final class ProgressRenderer implements ProgressListener, AutoCloseable {
    private static final Duration PLAIN_INTERVAL = Duration.ofSeconds(2);

    private final PrintWriter out;
    private final boolean terminal;
    private final Map<String, ProgressBar> bars = new HashMap<>();
    private final Map<String, Long> lastPlainLine = new HashMap<>();
    private final Map<String, Double> epochMetrics = new TreeMap<>();
    private long metricsEpoch = -1;
    private volatile boolean muted;

    ProgressRenderer(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** @return whether standard output is an interactive terminal */
    static boolean isTerminal() {
        return System.console() != null && !"dumb".equals(System.getenv("TERM"));
    }

    @Override
    public synchronized void onEvent(ProgressEvent event) {
        if (muted) {
            return;
        }
        if (event instanceof ProgressEvent.MetricLogged m) {
            if (m.step() != metricsEpoch) {
                flushMetrics();
                metricsEpoch = m.step();
            }
            epochMetrics.put(m.name(), m.value());
            return;
        }
        if (event instanceof ProgressEvent.LogLine l && l.line().startsWith("epoch " + metricsEpoch + "/")) {
            epochMetrics.clear();
        }
        flushMetrics();
        if (event instanceof ProgressEvent.StepStarted s) {
            line("> " + s.step().displayName());
        } else if (event instanceof ProgressEvent.StepProgress p) {
            progress(p);
        } else if (event instanceof ProgressEvent.StepCompleted c) {
            closeBars(c.step());
            line("  done: " + c.step().displayName() + " (" + seconds(c.took()) + ")");
        } else if (event instanceof ProgressEvent.StepFailed f) {
            closeBars(f.step());
            line("  FAILED: " + f.step().displayName() + ": " + f.message());
        } else if (event instanceof ProgressEvent.RunStatusChanged r) {
            line("  run " + r.runId() + ": " + (r.previous() == null ? "" : r.previous() + " -> ") + r.current());
        } else if (event instanceof ProgressEvent.LogLine l) {
            line("  " + l.line());
        } else if (event instanceof ProgressEvent.OperationStatusChanged o) {
            line("  " + o.operation() + ": " + o.status());
        }
    }

    private void flushMetrics() {
        if (!epochMetrics.isEmpty()) {
            StringBuilder b = new StringBuilder("  epoch " + metricsEpoch + ":");
            epochMetrics.forEach((k, v) -> b.append(b.charAt(b.length() - 1) == ':' ? " " : ", ")
                    .append(String.format(Locale.ROOT, "%s %.4f", k, v)));
            line(b.toString());
            epochMetrics.clear();
        }
    }

    private void progress(ProgressEvent.StepProgress p) {
        String key = p.step() + "/" + p.unit();
        if (!terminal && "epochs".equals(p.unit())) {
            return;
        }
        if (terminal && p.total() > 0) {
            ProgressBar bar = bars.computeIfAbsent(key, k -> new ProgressBarBuilder()
                    .setTaskName(p.step().displayName()).setInitialMax(p.total()).setUnit(" " + p.unit(), 1)
                    .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(System.err))
                    .setUpdateIntervalMillis(200).build());
            bar.maxHint(p.total());
            bar.stepTo(p.done());
            if (p.done() >= p.total()) {
                bar.close();
                bars.remove(key);
            }
            return;
        }
        long now = System.nanoTime();
        Long last = lastPlainLine.get(key);
        boolean finished = p.total() > 0 && p.done() >= p.total();
        if (finished || last == null || now - last >= PLAIN_INTERVAL.toNanos()) {
            lastPlainLine.put(key, now);
            line("  " + p.step().displayName() + ": " + p.done() + (p.total() > 0 ? "/" + p.total() : "") + " "
                    + p.unit() + (p.total() > 0 ? String.format(Locale.ROOT, " (%.0f%%)", 100 * p.fraction()) : ""));
        }
    }

    private void closeBars(WorkStep step) {
        bars.entrySet().removeIf(e -> {
            if (e.getKey().startsWith(step + "/")) {
                e.getValue().close();
                return true;
            }
            return false;
        });
    }

    /** Shows nothing more: the command says the rest itself (an interrupted training says it in one line). */
    synchronized void mute() {
        epochMetrics.clear();
        bars.values().forEach(ProgressBar::close);
        bars.clear();
        muted = true;
    }

    private void line(String text) {
        out.println(text);
        out.flush();
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    @Override
    public synchronized void close() {
        flushMetrics();
        bars.values().forEach(ProgressBar::close);
        bars.clear();
    }
}
