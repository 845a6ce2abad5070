package dev.modelbuilder.testdata;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The multipart upload every client of the serving contract sends (the starter, {@code modelbuilder serve}, the
 * generated Web API): each file as a part named {@code image}, with its file name, in one
 * {@code multipart/form-data} POST.
 */
public final class ImageUploads {
    private static final String BOUNDARY = "----modelbuilder-test-boundary";

    private ImageUploads() {
    }

    /**
     * @param uri where to POST ({@code /predict} or {@code /predict/batch})
     * @param files file name and bytes of each part, in order
     * @return the request, with a 60 s timeout
     */
    public static HttpRequest multipart(URI uri, List<Map.Entry<String, byte[]>> files) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> file : files) {
            body.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\""
                    + file.getKey() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            body.writeBytes(file.getValue());
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
    }

    /**
     * @param uri where to POST
     * @param files the files, each a part under its own name
     * @return the request, with a 60 s timeout
     */
    public static HttpRequest multipart(URI uri, Path... files) {
        List<Map.Entry<String, byte[]>> parts = new ArrayList<>();
        for (Path f : files) {
            try {
                parts.add(Map.entry(f.getFileName().toString(), Files.readAllBytes(f)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f, e);
            }
        }
        return multipart(uri, parts);
    }
}
