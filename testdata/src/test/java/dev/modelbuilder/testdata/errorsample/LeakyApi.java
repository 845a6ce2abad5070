package dev.modelbuilder.testdata.errorsample;

import java.io.IOException;

/** A public API that breaks the error rule twice, for {@code ApiErrorRulesTest}. */
public final class LeakyApi {
    private LeakyApi() {
    }

    /**
     * @return nothing
     * @throws IOException always
     */
    public static String read() throws IOException {
        throw new IOException("leaks");
    }

    /**
     * @param index an index
     * @throws IllegalStateException documented, not declared
     */
    public static void state(int index) {
        if (index < 0) {
            throw new IllegalStateException("leaks");
        }
    }

    /**
     * @param index an index
     * @throws IndexOutOfBoundsException a programming error, allowed
     */
    public static void programmingError(int index) {
        if (index < 0) {
            throw new IndexOutOfBoundsException(index);
        }
    }

    /** @throws IllegalStateException not public: not API */
    static void hidden() {
        throw new IllegalStateException("not API");
    }
}
