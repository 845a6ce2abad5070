package dev.modelbuilder.serving.implementation;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;

/**
 * Tomcat's error report as problem details: what the container answers itself, before any servlet runs (a request
 * line or header it cannot parse, a header over the size limit, a URL it refuses), is JSON like every other error
 * instead of Tomcat's HTML page. Replaces the host's {@link ErrorReportValve}.
 */
public class ProblemReportValve extends ErrorReportValve {
    /** Tomcat creates it by its class name, so it has a public no-argument constructor. */
    public ProblemReportValve() {
        setShowReport(false);
        setShowServerInfo(false);
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        String message = throwable == null ? "" : String.valueOf(throwable.getMessage());
        String error = Problems.code(status);
        String detail = status >= 500 ? "the request failed inside the server: its log has the details"
                : "the request cannot be read: check its request line, its URL and its headers";
        if (status == 400 && message.toLowerCase(java.util.Locale.ROOT).contains("header")
                && message.toLowerCase(java.util.Locale.ROOT).contains("large")) {
            status = 431;
            error = "header_too_large";
            detail = "the request's headers are larger than the limit (modelbuilder.server.max-header-size)";
        }
        HttpStatus known = HttpStatus.resolve(status);
        String body = "{\"type\":\"about:blank\",\"title\":\"" + (known == null ? "Error" : known.getReasonPhrase())
                + "\",\"status\":" + status + ",\"detail\":\"" + detail + "\",\"error\":\"" + error + "\"}";
        try {
            response.setStatus(status);
            response.setContentType(Problems.PROBLEM_JSON.toString());
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(body);
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone, or the response cannot be written any more: nothing to answer
        }
    }
}
