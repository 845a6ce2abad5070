package dev.modelbuilder.local.implementation.transfer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A run's computed features on disk ({@code features-KEY.bin} in the run's folder), so that training the head again
 * (another penalty, a resumed run) does not run the backbone again. The key covers the backbone's SHA-256, the cut,
 * the preprocessing, the views and every image's path, size and modification time: any change computes anew.
 */
final class FeatureCache {
    private static final int MAGIC = 0x4D424654; // "MBFT"
    private final Path file;

    private FeatureCache(Path file) {
        this.file = file;
    }

    static FeatureCache in(Path dir, String backboneSha, String cut, String preprocessing, int views,
            List<Path> files) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update((backboneSha + "|" + cut + "|" + preprocessing + "|" + views).getBytes(StandardCharsets.UTF_8));
            for (Path f : files) {
                md.update(("|" + f.toAbsolutePath() + ":" + Files.size(f) + ":" + Files.getLastModifiedTime(f)
                        .toMillis()).getBytes(StandardCharsets.UTF_8));
            }
            String key = HexFormat.of().formatHex(md.digest()).substring(0, 16);
            return new FeatureCache(dir.resolve("features-" + key + ".bin"));
        } catch (IOException e) {
            return new FeatureCache(dir.resolve("features-unkeyed.bin.tmp")); // never matches: computed anew
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    Path file() {
        return file;
    }

    Optional<float[][]> load(int rows) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (in.readInt() != MAGIC || in.readInt() != rows) {
                return Optional.empty();
            }
            int dim = in.readInt();
            float[][] out = new float[rows][dim];
            for (float[] row : out) {
                for (int j = 0; j < dim; j++) {
                    row[j] = in.readFloat();
                }
            }
            return Optional.of(out);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    void save(float[][] rows) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp),
                1 << 16))) {
            out.writeInt(MAGIC);
            out.writeInt(rows.length);
            out.writeInt(rows.length == 0 ? 0 : rows[0].length);
            for (float[] row : rows) {
                for (float v : row) {
                    out.writeFloat(v);
                }
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
