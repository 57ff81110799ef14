package org.svafabric.api.faults;

import java.util.List;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.error.ErrnoException;

/** /internal/v1/faults: the gateway arms, lists and clears the faults that live in this service. */
@RestController
public class FaultController {
    private final FaultInjector faults;

    public FaultController(FaultInjector faults) {
        this.faults = faults;
    }

    @GetMapping("/internal/v1/faults")
    public List<ArmedFault> list() {
        return faults.list();
    }

    @PutMapping("/internal/v1/faults")
    public List<ArmedFault> arm(@RequestBody List<FaultSpec> specs) {
        if (specs == null) {
            throw ErrnoException.invalid("a JSON array of faults is required");
        }
        faults.arm(specs);
        return faults.list();
    }

    @DeleteMapping("/internal/v1/faults")
    public ResponseEntity<Void> clear() {
        faults.clear();
        return ResponseEntity.noContent().build();
    }
}
