package org.svafabric.api.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.mock.http.MockHttpInputMessage;
import org.svafabric.api.json.Addr;

import tools.jackson.databind.json.JsonMapper;

/** What a caller reads when a body cannot be bound: the field and what was expected, never a Java type. */
class RequestErrorsTest {
    enum Colour { RED, GREEN }

    record Mmap(Long length, String prot, Boolean populate, Addr addr, List<Colour> colours) {
    }

    private static final JsonMapper STRICT;

    static {
        JsonMapper.Builder b = JsonMapper.builder();
        new StrictJson().customize(b);
        STRICT = b.build();
    }

    private static String detailOf(String json) {
        Throwable t = catchThrowable(() -> STRICT.readValue(json, Mmap.class));
        assertThat(t).as("refused: " + json).isNotNull();
        return RequestErrors.unreadableBody(new HttpMessageNotReadableException("unreadable", t, new MockHttpInputMessage(new byte[0])));
    }

    @Test
    void eachMistakeIsSaidInTheApisTerms() {
        assertThat(detailOf("{\"length\":4096,\"protection\":\"r\"}"))
                .isEqualTo("unknown field 'protection' (known fields: addr, colours, length, populate, prot)");
        assertThat(detailOf("{\"length\":\"big\"}")).isEqualTo("field 'length': 'big' is not an integer");
        assertThat(detailOf("{\"prot\":7}")).isEqualTo("field 'prot': '7' is not a string");
        assertThat(detailOf("{\"colours\":[\"RED\",\"BLUE\"]}")).isEqualTo("field 'colours[1]': 'BLUE' is not one of [RED, GREEN]");
        assertThat(detailOf("{\"addr\":\"0xZZ\"}")).contains("addr").contains("not an address");
        assertThat(detailOf("[1]")).isEqualTo("the request body is not a JSON object");
        assertThat(detailOf("{\"length\":")).startsWith("the request body is not valid JSON");
        assertThat(detailOf("{} {}")).isEqualTo("the request body has content after its JSON value");
        for (String json : List.of("{\"length\":4096,\"protection\":\"r\"}", "{\"length\":\"big\"}", "{\"prot\":7}", "[1]",
                "{\"colours\":[\"BLUE\"]}", "{\"addr\":true}")) {
            assertThat(detailOf(json)).doesNotContain("org.svafabric", "java.", "tools.jackson", "$", "Exception", "class ");
        }
    }
}
