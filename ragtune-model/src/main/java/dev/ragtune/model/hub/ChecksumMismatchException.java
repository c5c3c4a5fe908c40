package dev.ragtune.model.hub;

/** A downloaded file does not match the checksum the hub gave; the bad file was deleted. */
public final class ChecksumMismatchException extends HubException {
    private static final long serialVersionUID = 1L;

    public ChecksumMismatchException(String message) {
        super(message);
    }

    public ChecksumMismatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
