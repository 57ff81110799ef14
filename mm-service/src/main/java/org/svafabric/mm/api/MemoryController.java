package org.svafabric.mm.api;

import java.io.IOException;
import java.io.InputStream;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.mm.process.CpuAccess;
import org.svafabric.mm.process.Machine;
import org.svafabric.mm.process.ProcessTable;

/** The process's memory as its CPU loads and stores it (faulting pages in), in raw bytes. */
@RestController
@RequestMapping("/mm/v1/processes/{pid}/memory")
public class MemoryController {
    private final ProcessTable table;
    private final CpuAccess cpu;
    private final long maxLength;

    public MemoryController(ProcessTable table, CpuAccess cpu, Machine machine) {
        this.table = table;
        this.cpu = cpu;
        this.maxLength = machine.maxAccessBytes();
    }

    @PutMapping(consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    public ResponseEntity<Void> write(@PathVariable long pid, @RequestParam String addr, InputStream body) throws IOException {
        long va = Args.parseAddr("addr", addr);
        byte[] data = Args.body(body, maxLength);
        cpu.write(table.running(pid).mm(), va, data);
        return ResponseEntity.noContent().build();
    }

    @GetMapping
    public ResponseEntity<byte[]> read(@PathVariable long pid, @RequestParam String addr, @RequestParam long length) {
        long va = Args.parseAddr("addr", addr);
        byte[] data = cpu.read(table.running(pid).mm(), va, length);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).body(data);
    }
}
