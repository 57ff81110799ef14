package org.svafabric.mm.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.svafabric.api.bus.BusWire;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.error.Problems;
import org.svafabric.api.web.ServletProblems;
import org.svafabric.mm.bus.PhysicalMemoryBus;

/**
 * The memory bus's data path, POST {@link BusWire#READ_PATH} and {@link BusWire#WRITE_PATH}, as a plain servlet
 * beside Spring MVC's: the bus is the fabric's busiest hop and MVC's dispatch, message conversion and body
 * buffering were most of its cost (docs/PERFORMANCE.md, issue 10). The servlet filters (service credential, boot
 * id) apply as to every path, and {@link BusTimers} records the same {@code http.server.requests} timers as the
 * observation does on every other path; answers and problems are those of the
 * MVC endpoints they replace. A read streams the frames to the answer (Content-Length known once the batch is
 * checked); a write copies its data into the frames as it arrives, after every header was checked
 * ({@link BusWire#stageWrites}, {@link PhysicalMemoryBus#writeStaged}).
 */
final class BusServlet extends HttpServlet {
    private static final Logger log = LoggerFactory.getLogger(BusServlet.class);

    private final transient PhysicalMemoryBus bus;
    private final long maxBody;

    BusServlet(PhysicalMemoryBus bus, long maxBody) {
        this.bus = bus;
        this.maxBody = maxBody;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getServletPath();
        try {
            if (!"POST".equals(req.getMethod())) {
                resp.setHeader("Allow", "POST");
                refuse(req, resp, HttpStatus.METHOD_NOT_ALLOWED, "Method '" + req.getMethod() + "' is not supported.");
            } else if (!octetStream(req.getContentType())) {
                resp.setHeader("Accept", MediaType.APPLICATION_OCTET_STREAM_VALUE);
                refuse(req, resp, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Type '" + req.getContentType() + "' is not supported.");
            } else if (BusWire.READ_PATH.equals(path)) {
                read(req, resp);
            } else {
                write(req, resp);
            }
        } catch (ErrnoException e) {
            answer(req, resp, e);
        } catch (IllegalArgumentException badFraming) {
            answer(req, resp, ErrnoException.invalid(badFraming.getMessage()));
        } catch (RuntimeException e) {
            log.error("unexpected failure on {}", path, e);
            answer(req, resp, new ErrnoException(Errno.EIO, "internal-error", HttpStatus.INTERNAL_SERVER_ERROR,
                    "the service failed unexpectedly; its log has the cause"));
        }
    }

    private void read(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        byte[] headers = body(req);
        PhysicalMemoryBus.CheckedRead r = bus.checkRead(BusWire.decodeReads(headers));
        resp.setStatus(HttpServletResponse.SC_OK);
        resp.setContentType(MediaType.APPLICATION_OCTET_STREAM_VALUE);
        resp.setContentLengthLong(r.length());
        r.writeTo(resp.getOutputStream());
    }

    private void write(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        long length = req.getContentLengthLong();
        if (length < 0) {
            // No Content-Length (chunked): the last segment cannot be told from the others, so the body is read whole.
            byte[] body = body(req);
            bus.writeSegments(body, BusWire.decodeWrites(body));
        } else {
            Args.boundedLength(length, maxBody);
            InputStream in = req.getInputStream();
            bus.writeStaged(BusWire.stageWrites(in, length), in);
        }
        resp.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    /** The whole request body, at most {@code maxBody} bytes (E2BIG beyond, before reading it when its length says so). */
    private byte[] body(HttpServletRequest req) throws IOException {
        long length = req.getContentLengthLong();
        InputStream in = req.getInputStream();
        if (length < 0) {
            return Args.bounded(in.readNBytes((int) Math.min(maxBody + 1, Integer.MAX_VALUE - 8)), maxBody);
        }
        Args.boundedLength(length, maxBody);
        byte[] b = in.readNBytes((int) length);
        if (b.length != length) {
            throw new IllegalArgumentException("the body ended after " + b.length + " of the " + length + " bytes its length announced");
        }
        return b;
    }

    /** What Spring MVC answers for a request no handler takes (ProblemAdvice: type bad-request, EINVAL). */
    private void refuse(HttpServletRequest req, HttpServletResponse resp, HttpStatus status, String detail) throws IOException {
        discardBody(req);
        ServletProblems.write(req, resp, Problems.of(status, "bad-request", status.getReasonPhrase(), detail, Errno.EINVAL));
    }

    private void answer(HttpServletRequest req, HttpServletResponse resp, ErrnoException e) throws IOException {
        if (resp.isCommitted()) {
            throw new IOException("failed after the answer started: " + e.getMessage(), e);
        }
        discardBody(req);
        ServletProblems.write(req, resp, e);
    }

    /**
     * Reads what is left of a refused request's body, so that the connection stays usable and the caller, which
     * sends its whole body before it reads, gets the problem rather than a broken pipe. A body above the bound is
     * left to the container (which closes the connection).
     */
    private void discardBody(HttpServletRequest req) throws IOException {
        long length = req.getContentLengthLong();
        if (length >= 0 && length <= maxBody) {
            req.getInputStream().transferTo(OutputStream.nullOutputStream());
        }
    }

    private static boolean octetStream(String contentType) {
        if (contentType == null) {
            return true; // as Spring MVC: a body without a type is octet-stream
        }
        try {
            return MediaType.APPLICATION_OCTET_STREAM.includes(MediaType.parseMediaType(contentType));
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }
}
