package org.svafabric.gateway.web;

import java.util.Map;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;

/**
 * The public API's OpenAPI document: bearer authentication, and on every operation the RFC 9457
 * problem answers it can give, with their errno.
 */
@Configuration
public class OpenApiConfig {
    private static final String PROBLEM = "Problem";

    private static Schema<?> problemSchema() {
        return new ObjectSchema()
                .addProperty("type", new StringSchema().example("https://sva-fabric.dev/problems/pasid-exhausted"))
                .addProperty("title", new StringSchema())
                .addProperty("status", new IntegerSchema())
                .addProperty("detail", new StringSchema())
                .addProperty("instance", new StringSchema())
                .addProperty("errno", new StringSchema().example("ENOSPC")
                        ._enum(java.util.List.of("EPERM", "ENOENT", "ESRCH", "EIO", "E2BIG", "EAGAIN", "ENOMEM", "EACCES",
                                "EFAULT", "EBUSY", "EEXIST", "ENODEV", "EINVAL", "ENOSPC", "ERANGE", "ETIMEDOUT")));
    }

    @Bean
    OpenAPI fabricOpenApi() {
        return new OpenAPI()
                .info(new Info().title("sva-fabric").version("v1")
                        .description("Shared Virtual Addressing simulator: processes, the SVA bind API of the Linux series, "
                                + "DMA jobs, a VFIO-like endpoint and the event log. Every error is application/problem+json with the kernel errno."))
                .components(new Components()
                        .addSecuritySchemes("bearer", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")))
                .addSecurityItem(new SecurityRequirement().addList("bearer"));
    }

    @Bean
    OpenApiCustomizer problemResponses() {
        Map<String, String> errors = Map.of(
                "400", "Invalid argument (EINVAL), bad address (EFAULT), out of range (ERANGE)",
                "401", "No or unknown bearer token",
                "403", "Not permitted for this token (EPERM)",
                "404", "No such process, PASID, device, container or job (ESRCH, ENODEV, ENOENT) — also for other uids' objects",
                "409", "Busy, exists, exhausted (EBUSY, EEXIST, ENOSPC, ENOMEM)",
                "503", "A service of the fabric did not answer (EIO)");
        Content content = new Content().addMediaType("application/problem+json",
                new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM)));
        return api -> {
            api.getComponents().addSchemas(PROBLEM, problemSchema());
            api.getPaths().values().forEach(item -> item.readOperations().forEach(op ->
                    errors.forEach((code, text) -> {
                        if (op.getResponses() != null && !op.getResponses().containsKey(code)) {
                            op.getResponses().addApiResponse(code, new ApiResponse().description(text).content(content));
                        }
                    })));
        };
    }
}
