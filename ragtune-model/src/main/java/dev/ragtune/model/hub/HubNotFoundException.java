package dev.ragtune.model.hub;

/** The hub has no such repo, revision or file (404). */
public final class HubNotFoundException extends HubException {
    private static final long serialVersionUID = 1L;

    public HubNotFoundException(String message) {
        super(message);
    }

    public HubNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
