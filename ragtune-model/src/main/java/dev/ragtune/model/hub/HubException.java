package dev.ragtune.model.hub;

import java.io.IOException;

/** A pull from the hub failed; the message says why and what to do. Subclasses name the kind of failure. */
public class HubException extends IOException {
    private static final long serialVersionUID = 1L;

    public HubException(String message) {
        super(message);
    }

    public HubException(String message, Throwable cause) {
        super(message, cause);
    }
}
