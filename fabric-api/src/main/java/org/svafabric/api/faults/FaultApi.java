package org.svafabric.api.faults;

import java.util.List;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.service.annotation.DeleteExchange;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.PutExchange;

/** The faults armed in one service ({@link FaultController} serves it), as the gateway arms, lists and clears them. */
public interface FaultApi {

    @GetExchange("/internal/v1/faults")
    List<ArmedFault> list();

    /** Arms {@code specs} (added to what is armed); answers what is armed now. */
    @PutExchange("/internal/v1/faults")
    List<ArmedFault> arm(@RequestBody List<FaultSpec> specs);

    @DeleteExchange("/internal/v1/faults")
    ResponseEntity<Void> clear();
}
