package org.svafabric.gateway.web;

import java.util.ArrayList;
import java.util.List;

import org.springframework.http.ResponseEntity;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.util.UriComponentsBuilder;
import org.svafabric.api.error.ErrnoException;

/**
 * Lists are JSON arrays; paging is in the query ({@code ?page=&size=}, page 0 first) and the
 * headers ({@code X-Total-Count}, and {@code Link} to the next page), so that a plain
 * {@code curl | jq '.[]'} works on every list.
 */
public final class Paging {
    public static final int DEFAULT_SIZE = 100;
    public static final int MAX_SIZE = 1000;

    private Paging() {
    }

    public static void check(Integer page, Integer size) {
        if ((page != null && page < 0) || (size != null && (size < 1 || size > MAX_SIZE))) {
            throw ErrnoException.invalid("page must be >= 0 and size 1.." + MAX_SIZE);
        }
    }

    /**
     * Pages of a list that reads oldest first (an event log): without {@code page}, the last
     * {@code size} items, so that the newest are always shown, newest last.
     */
    public static <T> ResponseEntity<List<T>> lastPages(List<T> all, Integer page, Integer size, String path) {
        check(page, size);
        int s = size == null ? DEFAULT_SIZE : size;
        int from;
        if (page == null) {
            from = Math.max(0, all.size() - s);
        } else {
            from = (int) Math.min((long) page * s, all.size());
        }
        int to = Math.min(all.size(), from + s);
        ResponseEntity.BodyBuilder b = ResponseEntity.ok().header("X-Total-Count", String.valueOf(all.size()));
        List<String> links = new ArrayList<>();
        int lastPage = all.isEmpty() ? 0 : (all.size() - 1) / s;
        if (page != null && to < all.size()) {
            links.add(link(path, page + 1, s, "next"));
        }
        if (page != null && page > 0) {
            links.add(link(path, Math.min(page - 1, lastPage), s, "prev"));
        }
        links.add(link(path, 0, s, "first"));
        links.add(link(path, lastPage, s, "last"));
        b.header("Link", String.join(", ", links));
        return b.body(List.copyOf(all.subList(from, to)));
    }

    /** A link to another page of the same list: the request's own filters are kept, only page and size change. */
    static String link(String path, int page, int size, String rel) {
        UriComponentsBuilder u = UriComponentsBuilder.fromPath(path);
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes sra
                && sra.getRequest().getQueryString() != null) {
            u.query(sra.getRequest().getQueryString());
        }
        return "<" + u.replaceQueryParam("page", page).replaceQueryParam("size", size).build().toUriString() + ">; rel=\"" + rel + "\"";
    }
}
