package dev.ragtune.model.hub;

/** {@link ModelLocator} could find neither a folder nor a cached snapshot for what the user named. */
public final class ModelNotFoundException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ModelNotFoundException(String message) {
        super(message);
    }
}
