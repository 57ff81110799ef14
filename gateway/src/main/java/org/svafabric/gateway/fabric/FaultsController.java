package org.svafabric.gateway.fabric;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.gateway.security.Caller;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

@RestController
@RequestMapping("/api/v1/fabric/faults")
@Tag(name = "Fabric", description = "Topology, SMMU features, services' health")
public class FaultsController {
    private final FabricFaults faults;

    public FaultsController(FabricFaults faults) {
        this.faults = faults;
    }

    @GetMapping
    @Operation(summary = "The armed faults and the kinds there are (admin)")
    public FabricFaults.View get(Caller caller) {
        return faults.view(caller);
    }

    @PutMapping
    @Operation(summary = "Arm faults, replacing every armed one: {\"faults\":[{\"kind\":\"prg-response-drop\",\"device\":\"0000:01:00.0\",\"count\":1}]} (admin)")
    public FabricFaults.View put(Caller caller, @RequestBody FabricFaults.Request body) {
        return faults.arm(caller, body);
    }

    @DeleteMapping
    @Operation(summary = "Clear every fault: the fabric works normally again (admin)")
    public ResponseEntity<Void> delete(Caller caller) {
        faults.clear(caller);
        return ResponseEntity.noContent().build();
    }
}
