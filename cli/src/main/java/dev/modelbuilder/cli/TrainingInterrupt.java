package dev.modelbuilder.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ctrl-C (SIGINT) and SIGTERM while {@code train} runs. The first signal does not end the process: it calls the
 * command's stop action (which asks the run to stop at its next step) and the command then finishes the run's
 * artifacts and says what happened. A second signal exits at once. A signal before a stop action is set (nothing to
 * save yet) exits at once too. Closing restores the previous handlers.
 *
 * <p>Why not a shutdown hook: once the JVM shuts down, libraries' own hooks run concurrently (ONNX Runtime releases
 * its environment), so the best checkpoint could no longer be exported and verified. The handlers are installed
 * through {@code sun.misc.Signal} (module {@code jdk.unsupported}, exported to everyone) by reflection, so that the
 * build's warnings-as-errors compile does not see the internal API. Where a signal cannot be handled (the shell
 * started the process with SIGINT ignored, or the JVM runs with {@code -Xrs}) its default stays.
 */
final class TrainingInterrupt implements AutoCloseable {
    /** Exit code of a process stopped by SIGINT, as shells report it. */
    static final int SIGINT_EXIT = 130;
    /** Exit code of a process stopped by SIGTERM. */
    static final int SIGTERM_EXIT = 143;

    private final AtomicInteger signals = new AtomicInteger();
    private final Map<Object, Object> previous = new LinkedHashMap<>();
    private volatile int exitCode;
    private volatile Runnable stopAction;

    TrainingInterrupt() {
        install("INT", SIGINT_EXIT);
        install("TERM", SIGTERM_EXIT);
    }

    /** @param action what the first signal does from now on (it must return quickly) */
    void onInterrupt(Runnable action) {
        this.stopAction = action;
    }

    /** @return whether a signal arrived */
    boolean fired() {
        return signals.get() > 0;
    }

    /** @return the exit code for the first signal received (130 for SIGINT, 143 for SIGTERM) */
    int exitCode() {
        return exitCode;
    }

    private void received(int code) {
        int count = signals.incrementAndGet();
        if (count == 1) {
            exitCode = code;
        }
        Runnable action = stopAction;
        if (count > 1 || action == null) {
            System.exit(code);
        }
        action.run();
    }

    private void install(String name, int code) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Object signal = signalClass.getConstructor(String.class).newInstance(name);
            Object handler = Proxy.newProxyInstance(TrainingInterrupt.class.getClassLoader(),
                    new Class<?>[] {handlerClass}, (proxy, method, args) -> {
                        if (method.getName().equals("handle")) {
                            received(code);
                            return null;
                        }
                        return switch (method.getName()) {
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == args[0];
                            default -> "modelbuilder train's SIG" + name + " handler";
                        };
                    });
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            previous.put(signal, handle.invoke(null, signal, handler));
        } catch (InvocationTargetException e) {
            // the signal is ignored by the parent or reserved by the JVM: its default stays
        } catch (ReflectiveOperationException | RuntimeException e) {
            // no sun.misc.Signal on this runtime: Ctrl-C ends the process as before
        }
    }

    @Override
    public void close() {
        previous.forEach((signal, handler) -> {
            try {
                Class<?> signalClass = Class.forName("sun.misc.Signal");
                Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
                signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // restoring is best effort: the command is over
            }
        });
        previous.clear();
    }
}
