package dev.ragtune.app.web;

import dev.ragtune.app.api.ErrorBody;
import dev.ragtune.app.api.Wire;
import io.swagger.v3.core.converter.AnnotatedType;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.core.converter.ResolvedSchema;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.BinarySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The OpenAPI 3 description of the API, generated from the {@link Endpoint} table the server registers and from the
 * wire records themselves (swagger-core reads them through the same Jackson mapper that writes them).
 */
final class OpenApiDocument {
    private OpenApiDocument() {}

    static String json(List<Endpoint> endpoints, String version, boolean auth) {
        ModelConverters converters = new ModelConverters();
        converters.addConverter(new ModelResolver(Wire.json()));
        Components components = new Components();
        OpenAPI api = new OpenAPI()
                .info(new Info().title("ragtune").version(version)
                        .description("Ask your documents: retrieval, re-ranking and generation with cited sources. "
                                + "Every error answers {error, message}."))
                .components(components)
                .paths(new Paths());
        components.addSecuritySchemes("bearer", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                .description(auth ? "this server was started with --token" : "not required by this server"));
        Schema<?> error = ref(converters, components, ErrorBody.class);
        for (Endpoint e : endpoints) {
            Operation op = new Operation().summary(e.summary())
                    .operationId(e.method().name().toLowerCase(Locale.ROOT) + camel(e.path()));
            if (e.path().startsWith("/api/")) op.addSecurityItem(new SecurityRequirement().addList("bearer"));
            for (Endpoint.Param p : e.params()) {
                op.addParametersItem(new Parameter().name(p.name()).in(p.inPath() ? "path" : "query")
                        .required(p.required() || p.inPath()).description(p.description())
                        .schema(p.type() == Integer.class ? new Schema<Integer>().type("integer")
                                : new StringSchema()));
            }
            if (e.request() != null) {
                op.requestBody(new RequestBody().required(true).content(new Content().addMediaType("application/json",
                        new MediaType().schema(ref(converters, components, e.request())))));
            } else if ("multipart/form-data".equals(e.requestType())) {
                Schema<?> form = new ObjectSchema().addProperty("file",
                        new ArraySchema().items(new BinarySchema()).description("one or more files (PDF, HTML, Markdown, text, JSONL)"));
                op.requestBody(new RequestBody().required(true).content(new Content()
                        .addMediaType("multipart/form-data", new MediaType().schema(form))));
            }
            ApiResponses responses = new ApiResponses();
            Schema<?> body = e.response() == null ? new BinarySchema() : ref(converters, components, e.response());
            if (e.list()) body = new ArraySchema().items(body);
            responses.addApiResponse(String.valueOf(e.status()), new ApiResponse().description("success")
                    .content(new Content().addMediaType(e.responseType(), new MediaType().schema(body))));
            for (int status : e.errors()) {
                responses.addApiResponse(String.valueOf(status), new ApiResponse().description(describe(status))
                        .content(new Content().addMediaType("application/json", new MediaType().schema(error))));
            }
            op.responses(responses);
            PathItem item = api.getPaths().computeIfAbsent(e.path(), k -> new PathItem());
            item.operation(PathItem.HttpMethod.valueOf(e.method().name()), op);
        }
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(api);
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new IllegalStateException("cannot write the OpenAPI document", ex);
        }
    }

    /** A reference to the record's schema, adding it and every record it holds to the components. */
    private static Schema<?> ref(ModelConverters converters, Components components, Class<?> type) {
        ResolvedSchema resolved = converters.resolveAsResolvedSchema(new AnnotatedType(type).resolveAsRef(false));
        for (Map.Entry<String, Schema> s : resolved.referencedSchemas.entrySet()) {
            components.addSchemas(s.getKey(), s.getValue());
        }
        String name = resolved.schema.getName() != null ? resolved.schema.getName() : type.getSimpleName();
        components.addSchemas(name, resolved.schema);
        return new Schema<>().$ref("#/components/schemas/" + name);
    }

    private static String camel(String path) {
        StringBuilder b = new StringBuilder();
        for (String part : path.split("[/{}]+")) {
            if (part.isEmpty() || part.equals("api")) continue;
            b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1).replace(".json", "Json"));
        }
        return b.toString();
    }

    private static String describe(int status) {
        return switch (status) {
            case 400 -> "bad input (the message names the field)";
            case 401 -> "missing or wrong bearer token";
            case 403 -> "cross-origin change or a Host that is not this server";
            case 404 -> "no such document or job";
            case 413 -> "upload larger than the limit";
            case 503 -> "every worker busy for too long";
            default -> "error";
        };
    }
}
