package org.svafabric.api.wire;

import java.io.IOException;

import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.AbstractHttpMessageConverter;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.converter.HttpMessageNotWritableException;
import org.svafabric.api.device.IommuCalls;

/**
 * Reads and writes the ATS link's two records as {@link AtsLinkCodec#MEDIA_TYPE}, for iommu-service's MVC and the
 * device's client alike. It handles only that media type and only those records: JSON stays the default of the
 * endpoint when it is registered after the JSON converter. A body the codec refuses is an
 * {@link HttpMessageNotReadableException}, which the services answer 400 problem+json, errno EINVAL.
 */
public final class AtsLinkConverter extends AbstractHttpMessageConverter<Object> {
    public static final MediaType ATS = MediaType.parseMediaType(AtsLinkCodec.MEDIA_TYPE);

    public AtsLinkConverter() {
        super(ATS);
    }

    @Override
    protected boolean supports(Class<?> clazz) {
        return clazz == IommuCalls.AtsTranslate.class || clazz == IommuCalls.AtsTranslation.class;
    }

    @Override
    protected Object readInternal(Class<?> clazz, HttpInputMessage in) throws IOException {
        byte[] body = in.getBody().readAllBytes();
        try {
            return clazz == IommuCalls.AtsTranslate.class ? AtsLinkCodec.decodeTranslate(body) : AtsLinkCodec.decodeTranslation(body);
        } catch (AtsLinkCodec.Malformed e) {
            throw new HttpMessageNotReadableException(e.getMessage(), e, in);
        }
    }

    @Override
    protected void writeInternal(Object value, HttpOutputMessage out) throws IOException {
        byte[] body;
        try {
            body = value instanceof IommuCalls.AtsTranslate t ? AtsLinkCodec.encode(t) : AtsLinkCodec.encode((IommuCalls.AtsTranslation) value);
        } catch (IllegalArgumentException e) {
            throw new HttpMessageNotWritableException(e.getMessage(), e);
        }
        // Known before the first byte: a Content-Length instead of chunking.
        out.getHeaders().setContentLength(body.length);
        out.getBody().write(body);
    }
}
