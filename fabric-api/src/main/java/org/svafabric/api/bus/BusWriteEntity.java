package org.svafabric.api.bus;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;

/**
 * A bus write request as an HTTP body that writes its headers and the caller's data straight to the connection
 * ({@link BusWire#writeWrites}): the body is never assembled in memory. Repeatable, since the data stays where it is.
 */
final class BusWriteEntity extends AbstractHttpEntity {
    /** Writes the body; called once per send. */
    @FunctionalInterface
    interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    private final long length;
    private final Body body;

    BusWriteEntity(long length, Body body) {
        super(ContentType.APPLICATION_OCTET_STREAM, null);
        this.length = length;
        this.body = body;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        body.writeTo(out);
    }

    @Override
    public long getContentLength() {
        return length;
    }

    /** Only for a client that asks for the body as a stream (none on the bus path): assembled then. */
    @Override
    public InputStream getContent() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream((int) Math.min(length, Integer.MAX_VALUE - 8));
        body.writeTo(b);
        return new ByteArrayInputStream(b.toByteArray());
    }

    @Override
    public boolean isRepeatable() {
        return true;
    }

    @Override
    public boolean isStreaming() {
        return false;
    }

    @Override
    public void close() {
    }
}
