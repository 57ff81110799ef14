package org.svafabric.api.web;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.Context;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.Problems;

/**
 * Tomcat's answer to a request it refuses before any servlet sees it (an encoded slash or a control character in
 * the path, a header too large) as the fabric's problem+json, with the errno, instead of Tomcat's HTML page. Spring
 * MVC's and the servlets' own problems are written before this valve runs, and it leaves them alone.
 */
public final class ProblemErrorReportValve extends ErrorReportValve {

    /** Puts this valve where Tomcat's ErrorReportValve (Spring Boot's, without server info) would be. */
    static void install(Context context) {
        if (!(context.getParent() instanceof StandardHost host)) {
            return;
        }
        for (Valve v : host.getPipeline().getValves()) {
            if (v instanceof ErrorReportValve && !(v instanceof ProblemErrorReportValve)) {
                host.getPipeline().removeValve(v);
            }
        }
        host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
        host.getPipeline().addValve(new ProblemErrorReportValve());
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        // As Tomcat's: nothing for a success, for an answer already written, or for an error already reported.
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        HttpStatus known = HttpStatus.resolve(status);
        String title = known == null ? "Error" : known.getReasonPhrase();
        String message = response.getMessage() == null ? "" : response.getMessage();
        String why = message.isBlank() ? (status == 400 ? ": a malformed request line or headers too large" : "") : ": " + message;
        String detail = status >= 500 ? "the server failed before the service read the request" + why
                : "the server refused the request before the service read it" + why
                        + (message.contains("URI") ? " (an encoded '/' or '\\', or a control character, in the path?)" : "");
        byte[] body = ServletProblems.document(request, Problems.of(HttpStatusCode.valueOf(status), "bad-request", title, detail,
                status == 413 || status == 414 || status == 431 ? Errno.E2BIG : status >= 500 ? Errno.EIO : Errno.EINVAL));
        try {
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(new String(body, StandardCharsets.UTF_8));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The connection is gone or the answer began meanwhile: nothing left to tell the caller.
        }
    }
}
