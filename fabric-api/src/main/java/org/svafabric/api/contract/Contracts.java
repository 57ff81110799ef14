package org.svafabric.api.contract;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The exchanges an {@code @HttpExchange} interface declares, as "METHOD /path" lines, so that a service's test
 * can hold the handler mappings Spring MVC actually registered to the fabric-api contract, both ways: every
 * declared exchange is served, and the service serves nothing under its prefix that the contract does not declare.
 */
public final class Contracts {
    private Contracts() {
    }

    /** "POST /mm/v1/processes/{pid}/mmap" for every exchange method of {@code api} and its super-interfaces. */
    public static Set<String> exchanges(Class<?>... apis) {
        Set<String> out = new TreeSet<>();
        for (Class<?> api : apis) {
            List<Method> methods = new ArrayList<>();
            ReflectionUtils.doWithMethods(api, methods::add);
            for (Method m : methods) {
                HttpExchange x = AnnotatedElementUtils.findMergedAnnotation(m, HttpExchange.class);
                if (x != null) {
                    out.add(x.method() + " " + x.url());
                }
            }
        }
        return out;
    }

    /** What Spring MVC really maps, in the same "METHOD /path" form, for a test to compare with {@link #exchanges}. */
    public static Set<String> served(RequestMappingHandlerMapping mappings) {
        Set<String> out = new TreeSet<>();
        mappings.getHandlerMethods().keySet().forEach(info -> info.getPatternValues().forEach(p ->
                info.getMethodsCondition().getMethods().forEach(m -> out.add(m + " " + p))));
        return out;
    }
}
