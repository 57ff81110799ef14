package org.svafabric.api.mm;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.PutExchange;

/** A process's memory as its CPU loads and stores it (faulting pages in), in raw bytes. {@code addr}: hex or decimal. */
public interface MmMemoryApi {

    @PutExchange(url = "/mm/v1/processes/{pid}/memory", contentType = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<Void> write(@PathVariable("pid") long pid, @RequestParam("addr") String addr, @RequestBody byte[] data);

    @GetExchange(url = "/mm/v1/processes/{pid}/memory", accept = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<byte[]> read(@PathVariable("pid") long pid, @RequestParam("addr") String addr, @RequestParam("length") long length);
}
