package dev.ragtune.app.openai;

import com.fasterxml.jackson.annotation.JsonInclude;

/** OpenAI's error shape: {@code {"error":{"message","type","param","code"}}}; param and code may be null. */
record ErrorBody(Detail error) {
    record Detail(String message, String type, @JsonInclude(JsonInclude.Include.ALWAYS) String param,
                  @JsonInclude(JsonInclude.Include.ALWAYS) String code) {}
}
