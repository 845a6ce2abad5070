package dev.modelbuilder.core.testing;

import dev.modelbuilder.core.support.AtomicFiles;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;

/** Writes that fail the way a full disk makes them fail, for tests of what a failed write leaves behind. */
public final class DiskFull {
    private DiskFull() {
    }

    /**
     * @param limit the bytes each file may take before writing fails
     * @return atomic writes whose streams fail like a full disk after {@code limit} bytes
     */
    public static AtomicFiles after(long limit) {
        return new AtomicFiles(file -> failingAfter(Files.newOutputStream(file), limit));
    }

    /**
     * @param out the real stream
     * @param limit the bytes it may take
     * @return a stream that fails with "No space left on device" once more than {@code limit} bytes were written
     */
    public static OutputStream failingAfter(OutputStream out, long limit) {
        return new FilterOutputStream(out) {
            private long written;

            @Override
            public void write(int b) throws IOException {
                if (++written > limit) {
                    throw new IOException("No space left on device");
                }
                super.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                for (int i = 0; i < len; i++) {
                    write(b[off + i]);
                }
            }
        };
    }
}
