package org.svafabric.mm.api;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.mm.MmMemoryApi;
import org.svafabric.mm.process.CpuAccess;
import org.svafabric.mm.process.Machine;
import org.svafabric.mm.process.ProcessTable;

/** The process's memory as its CPU loads and stores it (faulting pages in), in raw bytes. */
@RestController
public class MemoryController implements MmMemoryApi {
    private final ProcessTable table;
    private final CpuAccess cpu;
    private final long maxLength;

    public MemoryController(ProcessTable table, CpuAccess cpu, Machine machine) {
        this.table = table;
        this.cpu = cpu;
        this.maxLength = machine.maxAccessBytes();
    }

    @Override
    public ResponseEntity<Void> write(long pid, String addr, byte[] body) {
        long va = Args.parseAddr("addr", addr);
        byte[] data = Args.bounded(body, maxLength);
        cpu.write(table.running(pid).mm(), va, data);
        return ResponseEntity.noContent().build();
    }

    @Override
    public ResponseEntity<byte[]> read(long pid, String addr, long length) {
        long va = Args.parseAddr("addr", addr);
        byte[] data = cpu.read(table.running(pid).mm(), va, length);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).body(data);
    }
}
