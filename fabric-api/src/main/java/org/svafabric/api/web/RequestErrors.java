package org.svafabric.api.web;

import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

import org.springframework.beans.TypeMismatchException;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.svafabric.api.wire.AtsLinkCodec;

import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.exc.ValueInstantiationException;

/**
 * Says in the API's terms what is wrong with a request: the JSON field (by its path, such as
 * {@code flags[1]}) and what was expected, never a Java type, a class name or a parser location.
 */
public final class RequestErrors {
    private RequestErrors() {
    }

    /** The detail for a body that could not be read. */
    public static String unreadableBody(HttpMessageNotReadableException e) {
        AtsLinkCodec.Malformed binary = find(e, AtsLinkCodec.Malformed.class);
        if (binary != null) {
            return binary.getMessage();
        }
        JacksonException j = find(e, JacksonException.class);
        if (j == null) {
            String m = e.getMessage();
            return m != null && m.startsWith("Required request body is missing") ? "a JSON request body is required"
                    : "the request body is not valid JSON";
        }
        String field = path(j.getPath());
        if (j instanceof UnrecognizedPropertyException u) {
            return "unknown field '" + field + "'" + known(u.getKnownPropertyIds());
        }
        if (j instanceof ValueInstantiationException) {
            Throwable cause = j.getCause();
            String why = cause != null && cause.getMessage() != null ? cause.getMessage() : "invalid value";
            return field.isEmpty() ? why : "field '" + field + "': " + why;
        }
        if (j instanceof InvalidFormatException f) {
            Class<?> target = f.getTargetType();
            String got = String.valueOf(f.getValue());
            if (target != null && target.isEnum()) {
                return at(field) + "'" + got + "' is not one of " + enumValues(target);
            }
            return at(field) + "'" + got + "' is not " + kind(target);
        }
        if (j instanceof MismatchedInputException m) {
            if (m.getMessage() != null && m.getMessage().startsWith("No content to map")) {
                return "a JSON request body is required";
            }
            if (m.getMessage() != null && m.getMessage().startsWith("Trailing token")) {
                return "the request body has content after its JSON value";
            }
            Class<?> target = m.getTargetType();
            if (target != null && target.isEnum()) {
                return at(field) + "expected one of " + enumValues(target);
            }
            return field.isEmpty() ? "the request body is not " + kind(target) : at(field) + "expected " + kind(target);
        }
        if (j instanceof StreamReadException) {
            return "the request body is not valid JSON" + line(j);
        }
        Throwable cause = j.getCause();
        if (cause instanceof IllegalArgumentException iae && iae.getMessage() != null) {
            return field.isEmpty() ? iae.getMessage() : "field '" + field + "': " + iae.getMessage();
        }
        return field.isEmpty() ? "the request body could not be read" : "field '" + field + "' could not be read";
    }

    /** The detail for a path variable or query parameter of the wrong type. */
    public static String typeMismatch(TypeMismatchException e) {
        String name = e.getPropertyName() == null ? "a parameter" : "'" + e.getPropertyName() + "'";
        Class<?> target = e.getRequiredType();
        String got = String.valueOf(e.getValue());
        if (target != null && target.isEnum()) {
            return name + ": '" + got + "' is not one of " + enumValues(target);
        }
        return name + ": '" + got + "' is not " + kind(target);
    }

    private static String at(String field) {
        return field.isEmpty() ? "" : "field '" + field + "': ";
    }

    private static String line(JacksonException j) {
        return j.getLocation() == null || j.getLocation().getLineNr() < 1 ? ""
                : " (line " + j.getLocation().getLineNr() + ", column " + j.getLocation().getColumnNr() + ")";
    }

    static String path(List<JacksonException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JacksonException.Reference r : refs) {
            if (r.getPropertyName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(r.getPropertyName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String known(Collection<Object> ids) {
        if (ids == null || ids.isEmpty()) {
            return "";
        }
        return " (known fields: " + ids.stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")) + ")";
    }

    private static String enumValues(Class<?> e) {
        Object[] constants = e.getEnumConstants();
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < constants.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(((Enum<?>) constants[i]).name());
        }
        return sb.append(']').toString();
    }

    /** A Java type, said as JSON would say it. */
    static String kind(Class<?> t) {
        if (t == null) {
            return "a valid value";
        }
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class || t == short.class || t == Short.class
                || t == byte.class || t == Byte.class || t == java.math.BigInteger.class) {
            return "an integer";
        }
        if (t == double.class || t == Double.class || t == float.class || t == Float.class || t == java.math.BigDecimal.class) {
            return "a number";
        }
        if (t == boolean.class || t == Boolean.class) {
            return "true or false";
        }
        if (t == String.class || t == CharSequence.class) {
            return "a string";
        }
        if (t.isArray() || Collection.class.isAssignableFrom(t)) {
            return "a JSON array";
        }
        if (java.time.temporal.Temporal.class.isAssignableFrom(t)) {
            return "an ISO-8601 time such as 2026-11-25T20:00:00Z";
        }
        if (java.time.Duration.class == t) {
            return "a duration such as PT5S";
        }
        if (t.getSimpleName().equals("Addr")) {
            return "an address (a hex string such as \"0x7f3a00000000\" or an integer)";
        }
        return "a JSON object";
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }
}
