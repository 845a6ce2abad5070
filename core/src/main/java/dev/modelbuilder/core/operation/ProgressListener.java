package dev.modelbuilder.core.operation;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives progress of long work: steps, status changes, metrics, log lines, upload and download progress.
 * Called on the SDK's threads; keep it quick. An exception thrown by a listener is logged and otherwise ignored,
 * so a faulty listener never breaks training.
 *
 * <pre>{@code
 * ProgressListener print = event -> {
 *     if (event instanceof ProgressEvent.MetricLogged m) {
 *         System.out.println(m.name() + " = " + m.value());
 *     }
 * };
 * }</pre>
 */
@FunctionalInterface
public interface ProgressListener {

    /** @param event what happened */
    void onEvent(ProgressEvent event);

    /** @return a listener that ignores everything */
    static ProgressListener none() {
        return event -> { };
    }

    /**
     * @param next another listener
     * @return a listener that tells this one, then {@code next}
     */
    default ProgressListener andThen(ProgressListener next) {
        return event -> {
            emit(this, event);
            emit(next, event);
        };
    }

    /**
     * Tells a listener about an event, logging (not throwing) whatever the listener throws.
     *
     * @param listener the listener, or {@code null}
     * @param event the event
     */
    static void emit(ProgressListener listener, ProgressEvent event) {
        if (listener == null) {
            return;
        }
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            Logger log = LoggerFactory.getLogger(ProgressListener.class);
            log.warn("a progress listener failed on {}; ignoring it", event.getClass().getSimpleName(), e);
        }
    }
}
