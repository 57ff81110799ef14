package org.svafabric.gateway.web;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What an operation of the public API answers, for its OpenAPI description: the success status (200, 201,
 * 202, 204) and the problem statuses it can really give besides 401 (no token) and 503 (a service of the
 * fabric not answering), which every operation can.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface Answers {
    int status() default 200;

    int[] problems() default {};
}
