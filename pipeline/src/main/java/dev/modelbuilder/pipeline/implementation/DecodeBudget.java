package dev.modelbuilder.pipeline.implementation;

import dev.modelbuilder.core.support.Setting;

import dev.modelbuilder.core.exception.ImageTooLargeException;
import dev.modelbuilder.core.exception.ScoringException;

import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * How much memory image decodes may hold at once, shared by every decode of the process: a decode reserves what it
 * will allocate (its pixels, its reader's buffers, native decoders' buffers) before allocating any of it, waits a
 * bounded time when other decodes hold the budget, and is refused with an {@link ImageTooLargeException} when its
 * image cannot fit at all or the budget stays taken. Parallel decompression bombs therefore queue or fail one by
 * one instead of exhausting the heap together.
 *
 * <p>Why process-wide mutable state: the heap it protects is process-wide. The decoded pixels of a large image (a
 * sixteenth of the budget or more) stay counted until their array is garbage (a {@link Cleaner} gives their share
 * back), because callers keep the decoded image while they resize it; a decode waiting for the budget asks for a
 * garbage collection now and then, so that large images nobody holds any more are counted out. What a decode
 * allocates only while decoding, and the pixels of smaller images, are given back when the decode ends: an
 * application may keep thousands of small decoded images (a training set), which are its data, not decodes in
 * flight.
 *
 * <p>Settings (a system property wins over the environment variable; read once, at the first decode):
 * <ul>
 *   <li>{@value #BUDGET_PROPERTY} / {@value #BUDGET_ENV}: the budget, as a share of the maximum heap ({@code 50%},
 *       the default) or a size ({@code 512m}, {@code 2g}, bytes);</li>
 *   <li>{@value #WAIT_PROPERTY} / {@value #WAIT_ENV}: how long a decode waits for the budget, in seconds (default
 *       60; 0 refuses at once);</li>
 *   <li>{@value #MAX_PIXELS_PROPERTY} / {@value #MAX_PIXELS_ENV}: the pixel cap (default 178,956,970, Pillow's
 *       decompression-bomb error threshold).</li>
 * </ul>
 * Thread-safe.
 */
public final class DecodeBudget {
    /** System property of the budget. */
    public static final String BUDGET_PROPERTY = "modelbuilder.decode.budget";
    /** Environment variable of the budget. */
    public static final String BUDGET_ENV = "MODELBUILDER_DECODE_BUDGET";
    /** System property of the wait, in seconds. */
    public static final String WAIT_PROPERTY = "modelbuilder.decode.wait";
    /** Environment variable of the wait, in seconds. */
    public static final String WAIT_ENV = "MODELBUILDER_DECODE_WAIT";
    /** System property of the pixel cap. */
    public static final String MAX_PIXELS_PROPERTY = "modelbuilder.decode.max-pixels";
    /** Environment variable of the pixel cap. */
    public static final String MAX_PIXELS_ENV = "MODELBUILDER_DECODE_MAX_PIXELS";
    /** Pillow refuses images over twice its warning threshold of 89,478,485 pixels; so does the decoder. */
    public static final long DEFAULT_MAX_PIXELS = 2L * 89_478_485L;
    /** The default budget: half the maximum heap. */
    public static final String DEFAULT_BUDGET = "50%";
    /** The default wait. */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(60);

    private static final Cleaner CLEANER = Cleaner.create();
    private static final long MIB = 1L << 20;
    /** Decoded pixels of at least this share of the budget stay counted until they are garbage. */
    private static final int KEPT_SHARE = 16;
    /** Garbage collections asked for while waiting, at most one in this many nanoseconds. */
    private static final long GC_INTERVAL_NANOS = 250_000_000L;
    private static final Object GLOBAL_LOCK = new Object();
    private static DecodeBudget global; // guarded by GLOBAL_LOCK; built once from the settings

    private final long capacity;
    private final Duration maxWait;
    private final long maxPixels;
    private final String origin;
    private long used; // guarded by this
    private long lastGc; // guarded by this

    private DecodeBudget(long capacity, Duration maxWait, long maxPixels, String origin) {
        this.capacity = capacity;
        this.maxWait = maxWait;
        this.maxPixels = maxPixels;
        this.origin = origin;
    }

    /**
     * A budget of its own (tests, or a caller that wants one apart from the process's).
     *
     * @param capacityBytes how many bytes decodes may hold at once, at least 1
     * @param maxWait how long a decode waits for the budget
     * @param maxPixels the pixel cap, at least 1
     * @return the budget
     */
    public static DecodeBudget of(long capacityBytes, Duration maxWait, long maxPixels) {
        if (capacityBytes < 1 || maxPixels < 1 || maxWait.isNegative()) {
            throw new IllegalArgumentException("decode budget " + capacityBytes + " bytes, wait " + maxWait
                    + ", pixel cap " + maxPixels + ": all must be positive");
        }
        return new DecodeBudget(capacityBytes, maxWait, maxPixels, "set by the caller");
    }

    /**
     * @return the process's budget, built at the first call from the system properties and environment variables
     *     above
     * @throws ScoringException if a setting cannot be read; the message names it and its syntax
     */
    public static DecodeBudget global() {
        synchronized (GLOBAL_LOCK) {
            if (global == null) {
                global = fromSettings(System.getProperties(), System.getenv(), Runtime.getRuntime().maxMemory());
            }
            return global;
        }
    }

    /** Reads the settings; the property wins over the environment variable. */
    static DecodeBudget fromSettings(Properties properties, Map<String, String> env, long maxHeap) {
        String budgetSetting = setting(properties, env, BUDGET_PROPERTY, BUDGET_ENV);
        String budget = budgetSetting == null ? DEFAULT_BUDGET : budgetSetting;
        long capacity = parseSize(budget, maxHeap, budgetSetting == null ? "the default" : BUDGET_PROPERTY + " / "
                + BUDGET_ENV);
        String wait = setting(properties, env, WAIT_PROPERTY, WAIT_ENV);
        Duration maxWait = wait == null ? DEFAULT_WAIT : Duration.ofMillis(parsePositive(wait, WAIT_PROPERTY + " / "
                + WAIT_ENV, "a number of seconds, e.g. 60", true, 1000));
        String pixels = setting(properties, env, MAX_PIXELS_PROPERTY, MAX_PIXELS_ENV);
        long maxPixels = pixels == null ? DEFAULT_MAX_PIXELS : parsePositive(pixels, MAX_PIXELS_PROPERTY + " / "
                + MAX_PIXELS_ENV, "a number of pixels, e.g. 50000000", false, 1);
        String origin = budget.endsWith("%")
                ? budget + " of the " + maxHeap / MIB + " MiB maximum heap" + (budgetSetting == null
                        ? ", the default" : ", from " + BUDGET_PROPERTY + " / " + BUDGET_ENV)
                : "from " + BUDGET_PROPERTY + " / " + BUDGET_ENV;
        return new DecodeBudget(capacity, maxWait, maxPixels, origin);
    }

    /** One of the settings above, read as every setting of the SDK is ({@link Setting}). */
    private static String setting(Properties properties, Map<String, String> env, String property, String variable) {
        return Setting.of(property, variable, property).valueFrom(properties::getProperty, env).orElse(null);
    }

    /** {@code 50%} of the heap, or {@code 512m}, {@code 2g}, {@code 64k}, or plain bytes. */
    static long parseSize(String value, long maxHeap, String where) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.endsWith("%")) {
                double share = Double.parseDouble(v.substring(0, v.length() - 1));
                if (share > 0 && share <= 100) {
                    return Math.max(1, (long) (maxHeap * (share / 100)));
                }
            } else {
                long unit = v.endsWith("k") ? 1L << 10 : v.endsWith("m") ? 1L << 20 : v.endsWith("g") ? 1L << 30 : 1;
                String digits = unit == 1 ? v : v.substring(0, v.length() - 1);
                long n = Long.parseLong(digits.trim());
                if (n > 0 && n <= Long.MAX_VALUE / unit) {
                    return n * unit;
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ScoringException("the decode budget '" + value + "' (" + where + ") is not valid: give a share of "
                + "the maximum heap such as 50%, or a size such as 512m or 2g");
    }

    private static long parsePositive(String value, String where, String example, boolean zeroAllowed, long scale) {
        try {
            long n = Long.parseLong(value.trim());
            if (n > 0 || (zeroAllowed && n == 0)) {
                return Math.multiplyExact(n, scale);
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // reported below
        }
        throw new ScoringException("'" + value + "' (" + where + ") is not valid: give " + example);
    }

    /** @return how many bytes decodes may hold at once */
    public long capacity() {
        return capacity;
    }

    /** @return the pixel cap: larger images are refused before anything is allocated for them */
    public long maxPixels() {
        return maxPixels;
    }

    /** @return the bytes held now by decodes and by decoded images that are still referenced */
    public synchronized long used() {
        return used;
    }

    /**
     * Reserves memory for one decode, waiting up to the budget's wait when other decodes hold it.
     *
     * @param bytes what the decode will allocate at its peak (pixels, buffers, native memory)
     * @param what the image, for messages: format, source and size
     * @return the reservation; close it when the decode ends (it keeps what {@link Reservation#keep} hands over)
     * @throws ImageTooLargeException if the decode can never fit, or the budget stayed taken for the whole wait
     */
    public Reservation reserve(long bytes, String what) {
        Objects.requireNonNull(what, "what");
        if (bytes > capacity) {
            throw new ImageTooLargeException(what + " needs " + mib(bytes) + " to decode, more than the whole "
                    + "decode budget of " + mib(capacity) + " (" + origin + "); raise the maximum heap (-Xmx) or the "
                    + "budget (-D" + BUDGET_PROPERTY + "=70% or " + BUDGET_ENV + "), or scale the image down");
        }
        long start = System.nanoTime();
        long deadline = start + maxWait.toNanos();
        synchronized (this) {
            while (used + bytes > capacity) {
                long now = System.nanoTime();
                long left = deadline - now;
                if (left <= 0) {
                    throw new ImageTooLargeException(what + " needs " + mib(bytes) + " to decode, but the decode "
                            + "budget of " + mib(capacity) + " (" + origin + ") stayed taken by other images ("
                            + mib(used) + " in use) for " + maxWait.toSeconds() + " s; try again later, or raise the "
                            + "maximum heap (-Xmx), the budget (-D" + BUDGET_PROPERTY + " or " + BUDGET_ENV
                            + ") or the wait (-D" + WAIT_PROPERTY + " or " + WAIT_ENV + ")");
                }
                if (now - lastGc > GC_INTERVAL_NANOS) {
                    // decoded images nobody references any more are counted out only once they are collected
                    lastGc = now;
                    System.gc();
                }
                try {
                    wait(Math.max(1, Math.min(left, GC_INTERVAL_NANOS) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ScoringException("interrupted while " + what + " waited for the decode budget", e);
                }
            }
            used += bytes;
        }
        return new Reservation(bytes);
    }

    private synchronized void release(long bytes) {
        used -= bytes;
        notifyAll();
    }

    private static String mib(long bytes) {
        return bytes >= 10 * MIB ? bytes / MIB + " MiB" : String.format(Locale.ROOT, "%.1f MiB", bytes / (double) MIB);
    }

    /** Memory one decode holds from the budget. Not thread-safe: one decode uses it. */
    public final class Reservation implements AutoCloseable {
        private long held;

        private Reservation(long held) {
            this.held = held;
        }

        /**
         * Keeps {@code pixels.length} bytes of this reservation counted until the array is garbage (the decoded
         * image outlives the decode) when they are a sixteenth of the budget or more; the rest goes back at
         * {@link #close()}.
         *
         * @param pixels the decoded pixels handed to the caller
         * @return {@code pixels}
         */
        public byte[] keep(byte[] pixels) {
            if (pixels.length < capacity / KEPT_SHARE) {
                return pixels;
            }
            long share = Math.min(held, pixels.length);
            held -= share;
            CLEANER.register(pixels, new Release(DecodeBudget.this, share));
            return pixels;
        }

        /** Gives back what was not kept. Idempotent. */
        @Override
        public void close() {
            if (held > 0) {
                release(held);
                held = 0;
            }
        }
    }

    /** The cleaning action: references the budget and a count, never the array it watches. */
    private record Release(DecodeBudget budget, long bytes) implements Runnable {
        @Override
        public void run() {
            budget.release(bytes);
        }
    }
}
