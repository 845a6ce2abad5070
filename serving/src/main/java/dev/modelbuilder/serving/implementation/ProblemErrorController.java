package dev.modelbuilder.serving.implementation;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.boot.webmvc.error.ErrorAttributes;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.web.context.request.ServletWebRequest;

/**
 * The application's error page ({@code server.error.path}, {@code /error}) as problem details: a path that no endpoint
 * serves (404), a method or media type it does not take (405, 415), the container's multipart limits (413), and
 * failures outside the endpoints. Replaces Spring Boot's whitelabel page and its JSON.
 */
@RestController
public class ProblemErrorController implements ErrorController {
    private final Problems problems;
    private final ErrorAttributes errorAttributes;

    /**
     * @param problems writes the answers
     * @param errorAttributes where Spring Boot keeps the exception a handler threw, or null
     */
    public ProblemErrorController(Problems problems, ErrorAttributes errorAttributes) {
        this.problems = problems;
        this.errorAttributes = errorAttributes;
    }

    /**
     * @param request the request forwarded by the container
     * @return the problem
     */
    @RequestMapping("${server.error.path:/error}")
    public ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        Object statusAttribute = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = statusAttribute instanceof Integer i ? i : 500;
        Object uriAttribute = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String path = uriAttribute instanceof String s ? s : null;
        Throwable failure = errorAttributes == null ? null : errorAttributes.getError(new ServletWebRequest(request));
        if (failure == null && request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable t) {
            failure = t;
        }
        if (request.getAttribute(RequestDeadlineValve.EXPIRED_ATTRIBUTE) instanceof Throwable expired) {
            return problems.of(expired, path);
        }
        // a missing endpoint, method or media type says what is served instead of Spring's own detail
        if (failure != null && status != 404 && status != 405 && status != 415) {
            return problems.of(failure, path);
        }
        return Problems.answer(status, Problems.code(status), detail(status, request), path);
    }

    private static String detail(int status, HttpServletRequest request) {
        return switch (status) {
            case 404 -> "nothing is served here: the endpoints are POST /predict, POST /predict/batch, GET /model, "
                    + "GET /health and GET /health/live";
            case 405 -> "this endpoint does not take the method " + request.getMethod();
            case 415 -> "this content type is not accepted: send an image as the body (image/* or "
                    + "application/octet-stream) or as the multipart field image";
            case 413 -> "the request is larger than the limit (modelbuilder.server.max-request-size)";
            default -> status >= 500 ? "the request failed inside the server: its log has the details"
                    : "the request was refused";
        };
    }
}
