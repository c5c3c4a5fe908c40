package dev.ragtune.model.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;

/** One-line reasons for JSON files that cannot be read, for messages that name the file themselves. */
public final class JsonFiles {
    private JsonFiles() {}

    /**
     * Why reading a JSON file failed, on one line: Jackson's own message without its location lines (the file is
     * named by the caller), or the I/O error's message.
     */
    public static String reason(IOException e) {
        String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }
}
