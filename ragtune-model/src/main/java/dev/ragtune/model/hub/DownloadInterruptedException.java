package dev.ragtune.model.hub;

/** A transfer broke off; the partial file is kept and the next pull resumes it. */
public final class DownloadInterruptedException extends HubException {
    private static final long serialVersionUID = 1L;

    public DownloadInterruptedException(String message) {
        super(message);
    }

    public DownloadInterruptedException(String message, Throwable cause) {
        super(message, cause);
    }
}
