package dev.modelbuilder.serving.implementation;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Answers every failure of the prediction endpoints as problem details (see {@link Problems}). */
@RestControllerAdvice(assignableTypes = PredictionController.class)
public class ProblemAdvice {
    private final Problems problems;

    /** @param problems writes the answers */
    public ProblemAdvice(Problems problems) {
        this.problems = problems;
    }

    /**
     * @param failure what the endpoint threw
     * @param request the request
     * @return the problem
     */
    @ExceptionHandler(Exception.class)
    public ResponseEntity<ProblemDetail> failure(Exception failure, HttpServletRequest request) {
        // a body cut off by the deadline may surface as one that cannot be parsed: the deadline is the reason
        Throwable reason = request.getAttribute(RequestDeadlineValve.EXPIRED_ATTRIBUTE) instanceof Throwable expired
                ? expired : failure;
        return problems.of(reason, request.getRequestURI());
    }
}
