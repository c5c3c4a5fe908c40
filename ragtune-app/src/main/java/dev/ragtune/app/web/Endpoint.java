package dev.ragtune.app.web;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.List;
import java.util.Objects;

/**
 * One route of the API: what the server registers and what the OpenAPI document describes, from the same value, so
 * the description cannot drift from the code.
 *
 * @param request      the JSON body's record, or null
 * @param requestType  the body's media type when not JSON ({@code multipart/form-data}), or null
 * @param response     the success body's record (an element type when {@code list}), or null for a file
 * @param responseType the success body's media type ({@code application/json}, {@code text/event-stream}, …)
 * @param status       the success status
 * @param params       path and query parameters
 * @param errors       the error statuses it can answer, each with the {@code {error, message}} body
 */
record Endpoint(HandlerType method, String path, String summary, Class<?> request, String requestType,
                Class<?> response, boolean list, String responseType, int status, List<Param> params,
                List<Integer> errors, Handler handler) {
    /** A path ({@code {id}}) or query parameter. */
    record Param(String name, boolean inPath, Class<?> type, boolean required, String description) {}

    Endpoint {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(handler, "handler");
        params = List.copyOf(params);
        errors = List.copyOf(errors);
    }

}
