package dev.ragtune.model.hub;

/** The hub refused access (401/403): the repo is gated or private, or the token is missing or wrong. */
public final class HubAccessDeniedException extends HubException {
    private static final long serialVersionUID = 1L;

    public HubAccessDeniedException(String message) {
        super(message);
    }

    public HubAccessDeniedException(String message, Throwable cause) {
        super(message, cause);
    }
}
