package org.svafabric.gateway.web;

import java.util.List;
import java.util.Map;

import org.springdoc.core.customizers.OperationCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.svafabric.gateway.security.Caller;

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
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;

/**
 * The public API's OpenAPI document: bearer authentication; on every operation its real success status and
 * the RFC 9457 problem answers it can give ({@link Answers}), with their errno. The authenticated
 * {@link Caller} is resolved from the bearer token, not a parameter, so it is hidden.
 */
@Configuration
public class OpenApiConfig {
    private static final String PROBLEM = "Problem";

    static {
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(Caller.class);
    }

    /** What each problem status means in this API. */
    static final Map<Integer, String> PROBLEMS = Map.of(
            400, "Invalid argument (EINVAL), bad address (EFAULT), out of range (ERANGE)",
            401, "No or unknown bearer token",
            403, "Not permitted for this token (EPERM)",
            404, "No such process, PASID, device, container, group or job (ESRCH, ENODEV, ENOENT) — also for other uids' objects",
            409, "Busy, exists, exhausted (EBUSY, EEXIST, ENOSPC, ENOMEM)",
            413, "The body is larger than one access may be (E2BIG)",
            503, "A service of the fabric did not answer (EIO); Retry-After says when to try again");

    private static final Map<Integer, String> SUCCESS = Map.of(
            200, "OK", 201, "Created", 202, "Accepted: the work goes on after the answer", 204, "Done, no body");

    private static Schema<?> problemSchema() {
        return new ObjectSchema()
                .addProperty("type", new StringSchema().example("https://sva-fabric.dev/problems/pasid-exhausted"))
                .addProperty("title", new StringSchema().example("Pasid exhausted"))
                .addProperty("status", new IntegerSchema().example(409))
                .addProperty("detail", new StringSchema().example("no PASID left in 1..15 for device 0000:01:00.0"))
                .addProperty("instance", new StringSchema())
                .addProperty("errno", new StringSchema().example("ENOSPC")
                        ._enum(List.of("EPERM", "ENOENT", "ESRCH", "EIO", "E2BIG", "EAGAIN", "ENOMEM", "EACCES",
                                "EFAULT", "EBUSY", "EEXIST", "ENODEV", "EINVAL", "ENOSPC", "ERANGE", "ETIMEDOUT")));
    }

    @Bean
    OpenAPI fabricOpenApi() {
        return new OpenAPI()
                .info(new Info().title("sva-fabric").version("v1")
                        .description("Shared Virtual Addressing simulator: processes, the SVA bind API of the Linux series, "
                                + "DMA jobs, a VFIO-like endpoint and the event log. Every error is application/problem+json with the kernel errno."))
                .components(new Components()
                        .addSchemas(PROBLEM, problemSchema())
                        .addSecuritySchemes("bearer", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")))
                .addSecurityItem(new SecurityRequirement().addList("bearer"));
    }

    @Bean
    OperationCustomizer answers() {
        Content problem = new Content().addMediaType("application/problem+json",
                new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM)));
        return (operation, handler) -> {
            Answers a = handler.getMethodAnnotation(Answers.class);
            int status = a == null ? 200 : a.status();
            ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
            ApiResponse ok = responses.remove("200");
            if (ok == null) {
                ok = new ApiResponse();
            }
            ok.description(SUCCESS.getOrDefault(status, "OK"));
            if (status == 204) {
                ok.setContent(null);
            } else if (ok.getContent() != null) {
                // A success is never a problem: problem+json in a mapping's produces is for its error answers.
                ok.getContent().remove("application/problem+json");
            }
            ApiResponses out = new ApiResponses();
            out.addApiResponse(Integer.toString(status), ok);
            java.util.TreeSet<Integer> codes = new java.util.TreeSet<>(List.of(401, 503));
            if (a != null) {
                for (int p : a.problems()) {
                    codes.add(p);
                }
            }
            for (int code : codes) {
                out.addApiResponse(Integer.toString(code), new ApiResponse().description(PROBLEMS.get(code)).content(problem));
            }
            operation.setResponses(out);
            return operation;
        };
    }
}
