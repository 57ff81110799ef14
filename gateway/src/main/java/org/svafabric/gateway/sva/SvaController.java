package org.svafabric.gateway.sva;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.iommu.BondView;
import org.svafabric.api.iommu.IommuApi;
import org.svafabric.api.iommu.IommuRequests;
import org.svafabric.api.iommu.IommuViews;
import org.svafabric.gateway.process.ProcessOwnership;
import org.svafabric.gateway.security.Caller;
import org.svafabric.gateway.web.Answers;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * The SVA bind API of the v1 series, one endpoint per kernel function, forwarded to the iommu
 * core in iommu-service. A bond names a process, so binding and unbinding need the caller to own
 * that process (a foreign process answers ESRCH, as if it did not exist).
 */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "SVA bind API", description = "iommu_sva_device_init / shutdown / register_mm_exit_handler / bind / unbind / find")
public class SvaController {
    private final IommuApi iommu;
    private final ProcessOwnership ownership;
    private final PasidOwnership pasids;

    public SvaController(ServiceClients clients, ProcessOwnership ownership, PasidOwnership pasids) {
        this.iommu = clients.iommu();
        this.ownership = ownership;
        this.pasids = pasids;
    }

    public record InitRequest(@Size(max = 4) List<@NotNull String> features, @PositiveOrZero Integer maxPasid) {
    }

    public record MmExitHandler(@NotNull @Size(max = 32) String policy) {
    }

    public record BindRequest(@NotNull @Positive Long pid, @Size(max = 8) List<@NotNull String> flags, @Size(max = 256) String drvdata) {
    }

    @PostMapping("/devices/{dev}/sva")
    @Operation(summary = "iommu_sva_device_init(dev, features, max_pasid)")
    @Answers(status = 200, problems = {400, 404, 409})
    public IommuViews.SvaInitialised init(Caller caller, @Parameter(description = "Device id: a PCI BDF or a platform device name", example = "0000:01:00.0") @PathVariable String dev, @Valid @RequestBody InitRequest body) {
        return iommu.svaInit(dev, new IommuRequests.SvaInit(body.features() == null ? List.of() : body.features(),
                body.maxPasid() == null ? 0 : body.maxPasid()));
    }

    @DeleteMapping("/devices/{dev}/sva")
    @Operation(summary = "iommu_sva_device_shutdown(dev): unbinds every bond, then resets")
    @Answers(status = 204, problems = {404})
    public ResponseEntity<Void> shutdown(Caller caller, @Parameter(description = "Device id: a PCI BDF or a platform device name", example = "0000:01:00.0") @PathVariable String dev) {
        iommu.svaShutdown(dev);
        return ResponseEntity.noContent().build();
    }

    @PutMapping("/devices/{dev}/sva/mm-exit-handler")
    @Operation(summary = "iommu_register_mm_exit_handler(dev, handler)")
    @Answers(status = 204, problems = {400, 404})
    public ResponseEntity<Void> mmExitHandler(Caller caller, @Parameter(description = "Device id: a PCI BDF or a platform device name", example = "0000:01:00.0") @PathVariable String dev, @Valid @RequestBody MmExitHandler body) {
        iommu.registerMmExitHandler(dev, new IommuRequests.MmExitHandler(body.policy()));
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/devices/{dev}/sva/bonds")
    @Operation(summary = "iommu_sva_bind_device(dev, mm, &pasid, flags, drvdata)")
    @Answers(status = 201, problems = {400, 404, 409})
    public ResponseEntity<IommuViews.Bond> bind(Caller caller, @Parameter(description = "Device id: a PCI BDF or a platform device name", example = "0000:01:00.0") @PathVariable String dev, @Valid @RequestBody BindRequest body) {
        ownership.requireOwned(caller, body.pid());
        IommuViews.Bond bond = iommu.bind(dev, new IommuRequests.Bind(body.pid(), body.flags() == null ? List.of() : body.flags(),
                body.drvdata())).getBody();
        return ResponseEntity.status(HttpStatus.CREATED).body(bond);
    }

    @GetMapping("/devices/{dev}/sva/bonds")
    @Operation(summary = "The bonds of a device (the caller's processes only, unless admin)")
    @Answers(status = 200, problems = {404})
    public List<BondView> bonds(Caller caller, @Parameter(description = "Device id: a PCI BDF or a platform device name", example = "0000:01:00.0") @PathVariable String dev) {
        List<BondView> all = iommu.bonds(dev);
        if (caller.isAdmin() || all == null) {
            return all == null ? List.of() : all;
        }
        return all.stream().filter(b -> pasids.visible(caller, b.pid())).toList();
    }

    @DeleteMapping("/devices/{dev}/sva/bonds/{pasid}")
    @Operation(summary = "iommu_sva_unbind_device(dev, pasid)")
    @Answers(status = 204, problems = {404})
    public ResponseEntity<Void> unbind(Caller caller, @Parameter(description = "Device id: a PCI BDF or a platform device name", example = "0000:01:00.0") @PathVariable String dev, @Parameter(description = "PASID (Process Address Space ID)", example = "1") @PathVariable int pasid) {
        pasids.requireHolderOwned(caller, pasid);
        iommu.unbind(dev, pasid);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/sva/pasids/{pasid}")
    @Operation(summary = "iommu_sva_find(pasid)")
    @Answers(status = 200, problems = {404})
    public IommuViews.Pasid find(Caller caller, @Parameter(description = "PASID (Process Address Space ID)", example = "1") @PathVariable int pasid) {
        return pasids.requireOwned(caller, pasid);
    }
}
