package dev.ragtune.model.hub;

/** The hub endpoint cannot be reached (offline, unknown host, connection refused or timed out). */
public final class HubUnreachableException extends HubException {
    private static final long serialVersionUID = 1L;

    public HubUnreachableException(String message) {
        super(message);
    }

    public HubUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
