package org.svafabric.gateway.security;

import java.util.List;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.svafabric.api.web.FabricProperties;
import org.svafabric.api.web.HealthDetailsFilter;

@Configuration
@EnableConfigurationProperties(SecurityProperties.class)
class SecurityConfig implements WebMvcConfigurer {

    @Bean
    TokenRegistry tokenRegistry(SecurityProperties props) {
        return new TokenRegistry(props);
    }

    @Bean
    BearerTokenFilter bearerTokens(TokenRegistry tokens, FabricProperties fabric) {
        return new BearerTokenFilter(tokens, fabric.serviceToken());
    }

    @Bean
    FilterRegistrationBean<BearerTokenFilter> bearerTokenFilter(BearerTokenFilter filter) {
        FilterRegistrationBean<BearerTokenFilter> reg = new FilterRegistrationBean<>(filter);
        reg.setOrder(-100);
        return reg;
    }

    /** An admin token may read health details too (fabric-api's filter already admits the service credential). */
    @Bean
    HealthDetailsFilter.HealthAuthorizer adminReadsHealthDetails(BearerTokenFilter filter) {
        return request -> filter.caller(request).map(Caller::isAdmin).orElse(false);
    }

    /** Controllers declare a {@link Caller} parameter to get the authenticated caller. */
    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new HandlerMethodArgumentResolver() {
            @Override
            public boolean supportsParameter(MethodParameter parameter) {
                return parameter.getParameterType() == Caller.class;
            }

            @Override
            public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mav, NativeWebRequest request,
                                          WebDataBinderFactory binderFactory) {
                Object c = request.getAttribute(BearerTokenFilter.CALLER, RequestAttributes.SCOPE_REQUEST);
                if (c == null) {
                    throw new IllegalStateException("no authenticated caller on " + request.getDescription(false));
                }
                return c;
            }
        });
    }
}
