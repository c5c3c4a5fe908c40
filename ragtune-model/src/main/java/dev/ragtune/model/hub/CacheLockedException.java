package dev.ragtune.model.hub;

/** Another pull of the same repo holds the cache lock. */
public final class CacheLockedException extends HubException {
    private static final long serialVersionUID = 1L;

    public CacheLockedException(String message) {
        super(message);
    }

    public CacheLockedException(String message, Throwable cause) {
        super(message, cause);
    }
}
