package dev.ragtune.app.api;

/**
 * Every failure of the API: a stable code and one line for a person.
 *
 * @param error   {@code bad_request}, {@code unauthorized}, {@code forbidden}, {@code not_found},
 *                {@code payload_too_large}, {@code busy} or {@code internal}
 * @param message what went wrong and what to do, naming the field or file
 */
public record ErrorBody(String error, String message) {}
