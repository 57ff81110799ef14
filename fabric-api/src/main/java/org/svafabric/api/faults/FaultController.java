package org.svafabric.api.faults;

import java.util.List;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.error.ErrnoException;

/** /internal/v1/faults: the gateway arms, lists and clears the faults that live in this service. */
@RestController
public class FaultController implements FaultApi {
    private final FaultInjector faults;

    public FaultController(FaultInjector faults) {
        this.faults = faults;
    }

    @Override
    public List<ArmedFault> list() {
        return faults.list();
    }

    @Override
    public List<ArmedFault> arm(List<FaultSpec> specs) {
        if (specs == null) {
            throw ErrnoException.invalid("a JSON array of faults is required");
        }
        faults.arm(specs);
        return faults.list();
    }

    @Override
    public ResponseEntity<Void> clear() {
        faults.clear();
        return ResponseEntity.noContent().build();
    }
}
