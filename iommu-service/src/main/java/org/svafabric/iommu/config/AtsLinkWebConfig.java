package org.svafabric.iommu.config;

import org.springframework.context.annotation.Configuration;
import org.springframework.http.converter.HttpMessageConverters;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.svafabric.api.wire.AtsLinkConverter;

/**
 * Lets {@code POST /iommu/v1/ats/translate} read and answer the ATS link's binary form when the device asks for it
 * (Content-Type / Accept {@link org.svafabric.api.wire.AtsLinkCodec#MEDIA_TYPE}). It goes last in the list, so a
 * caller that accepts anything (curl, Postman, tests) still gets JSON.
 */
@Configuration(proxyBeanMethods = false)
public class AtsLinkWebConfig implements WebMvcConfigurer {
    @Override
    public void configureMessageConverters(HttpMessageConverters.ServerBuilder builder) {
        builder.configureMessageConvertersList(list -> list.add(new AtsLinkConverter()));
    }
}
