package dev.modelbuilder.cli;

import dev.modelbuilder.core.ProgressEvent;
import dev.modelbuilder.core.ProgressListener;
import dev.modelbuilder.core.model.TrainingStep;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows progress events: progress bars on a terminal, plain throttled lines otherwise (logs, pipes, CI). With
 * {@code --json} it writes to standard error so that standard output stays machine-readable.
 */
final class ProgressRenderer implements ProgressListener, AutoCloseable {
    private static final Duration PLAIN_INTERVAL = Duration.ofSeconds(2);

    private final PrintWriter out;
    private final boolean terminal;
    private final Map<String, ProgressBar> bars = new HashMap<>();
    private final Map<String, Long> lastPlainLine = new HashMap<>();

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
        } else if (event instanceof ProgressEvent.MetricLogged m) {
            line(String.format(Locale.ROOT, "  epoch %d: %s = %.4f", m.step(), m.name(), m.value()));
        } else if (event instanceof ProgressEvent.LogLine l) {
            line("  " + l.line());
        } else if (event instanceof ProgressEvent.OperationStatusChanged o) {
            line("  " + o.operation() + ": " + o.status());
        }
    }

    private void progress(ProgressEvent.StepProgress p) {
        String key = p.step() + "/" + p.unit();
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

    private void closeBars(TrainingStep step) {
        bars.entrySet().removeIf(e -> {
            if (e.getKey().startsWith(step + "/")) {
                e.getValue().close();
                return true;
            }
            return false;
        });
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
        bars.values().forEach(ProgressBar::close);
        bars.clear();
    }
}
