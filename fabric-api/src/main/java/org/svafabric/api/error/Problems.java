package org.svafabric.api.error;

import java.net.URI;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/** Builds the fabric's problem documents: {@code type}, {@code title}, {@code status}, {@code detail}, {@code errno}. */
public final class Problems {
    public static final String TYPE_BASE = "https://sva-fabric.dev/problems/";

    private Problems() {
    }

    public static ProblemDetail of(HttpStatusCode status, String slug, String title, String detail, Errno errno) {
        ProblemDetail pd = ProblemDetail.forStatusAndDetail(status, detail);
        pd.setType(URI.create(TYPE_BASE + slug));
        pd.setTitle(title);
        if (errno != null) {
            pd.setProperty("errno", errno.name());
        }
        return pd;
    }

    public static ProblemDetail of(ErrnoException e) {
        ProblemDetail pd = of(e.status(), e.slug(), titleOf(e.slug()), e.getMessage(), e.errno());
        e.addProperties(pd);
        return pd;
    }

    /** The slug of a problem type URI ({@code .../problems/pasid-exhausted} -> {@code pasid-exhausted}). */
    public static String slugOf(String type) {
        return type == null ? "" : type.substring(type.lastIndexOf('/') + 1);
    }

    /** "pasid-exhausted" -> "Pasid exhausted". */
    public static String titleOf(String slug) {
        String s = slug.replace('-', ' ');
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
