package org.svafabric.gateway.vfio;

import java.util.LinkedHashSet;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
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
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.device.DeviceRequests;
import org.svafabric.api.device.DeviceViews;
import org.svafabric.api.json.Addr;
import org.svafabric.gateway.jobs.JobSubmission;
import org.svafabric.gateway.security.Caller;
import org.svafabric.gateway.web.Answers;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;


/** The VFIO-like endpoint of userspace drivers: one endpoint per ioctl. */
@RestController
@RequestMapping("/api/v1/vfio")
@Tag(name = "VFIO", description = "Containers, groups, TYPE1v2 MAP/UNMAP_DMA and the series' VFIO_IOMMU_BIND/UNBIND (BIND_PROCESS)")
public class VfioController {
    private final VfioService vfio;
    private final JobSubmission jobs;

    public VfioController(VfioService vfio, JobSubmission jobs) {
        this.vfio = vfio;
        this.jobs = jobs;
    }

    public record OpenRequest(@NotNull @Positive Long pid) {
    }

    public record IommuRequest(@NotNull @Size(max = 16) String type) {
    }

    public record MapRequest(@NotNull Addr vaddr, @NotNull Addr iova, @NotNull @Positive Long size,
                             @NotNull @Size(min = 1, max = 2) List<@NotNull String> flags) {
    }

    public record UnmapRequest(@NotNull Addr iova, @NotNull @Positive Long size) {
    }

    public record BindRequest(@Positive Long pid) {
    }

    @PostMapping("/containers")
    @Operation(summary = "open /dev/vfio/vfio, by a process of the caller's uid")
    @Answers(status = 201, problems = {400, 404})
    public ResponseEntity<VfioViews.Opened> open(Caller caller, @Valid @RequestBody OpenRequest body) {
        VfioContainer c = vfio.open(caller, body.pid());
        return ResponseEntity.status(HttpStatus.CREATED).body(new VfioViews.Opened(c.getId(), c.getPid()));
    }

    @GetMapping("/containers/{c}")
    @Operation(summary = "A container: its groups, devices, IOMMU type, DMA mappings and binds")
    @Answers(status = 200, problems = {404})
    public VfioViews.Container get(Caller caller, @Parameter(description = "VFIO container id", example = "1") @PathVariable long c) {
        return vfio.describe(caller, c);
    }

    @GetMapping("/groups")
    @Operation(summary = "IOMMU groups and their devices")
    @Answers(status = 200)
    public List<VfioViews.Group> groups(Caller caller) {
        return vfio.groupList();
    }

    @PutMapping("/containers/{c}/groups/{group}")
    @Operation(summary = "VFIO_GROUP_SET_CONTAINER")
    @Answers(status = 204, problems = {404, 409})
    public ResponseEntity<Void> setContainer(Caller caller, @Parameter(description = "VFIO container id", example = "1") @PathVariable long c, @Parameter(description = "IOMMU group number (the lowest StreamID in it)", example = "256") @PathVariable int group) {
        vfio.setContainer(caller, c, group);
        return ResponseEntity.noContent().build();
    }

    @PutMapping("/containers/{c}/iommu")
    @Operation(summary = "VFIO_SET_IOMMU (TYPE1v2)")
    @Answers(status = 204, problems = {400, 404, 409})
    public ResponseEntity<Void> setIommu(Caller caller, @Parameter(description = "VFIO container id", example = "1") @PathVariable long c, @Valid @RequestBody IommuRequest body) {
        vfio.setIommu(caller, c, body.type());
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/containers/{c}/dma-map")
    @Operation(summary = "VFIO_IOMMU_MAP_DMA: pins the pages, maps IOVA -> PA")
    @Answers(status = 204, problems = {400, 404, 409})
    public ResponseEntity<Void> map(Caller caller, @Parameter(description = "VFIO container id", example = "1") @PathVariable long c, @Valid @RequestBody MapRequest body) {
        vfio.map(caller, c, body.vaddr().value(), body.iova().value(), body.size(), new LinkedHashSet<>(body.flags()));
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/containers/{c}/dma-unmap")
    @Operation(summary = "VFIO_IOMMU_UNMAP_DMA: unmaps, invalidates, unpins; returns the bytes unmapped")
    @Answers(status = 200, problems = {400, 404})
    public VfioViews.Unmapped unmap(Caller caller, @Parameter(description = "VFIO container id", example = "1") @PathVariable long c, @Valid @RequestBody UnmapRequest body) {
        return new VfioViews.Unmapped(vfio.unmap(caller, c, body.iova().value(), body.size()));
    }

    @PostMapping("/containers/{c}/bind")
    @Operation(summary = "VFIO_IOMMU_BIND with BIND_PROCESS: {} binds the container's process, {pid} another (needs ptrace rights)")
    @Answers(status = 200, problems = {400, 404})
    public VfioViews.Bound bind(Caller caller, @Parameter(description = "VFIO container id", example = "1") @PathVariable long c, @Valid @RequestBody(required = false) BindRequest body) {
        return new VfioViews.Bound(vfio.bind(caller, c, body == null ? null : body.pid()));
    }

    @PostMapping("/containers/{c}/unbind")
    @Operation(summary = "VFIO_IOMMU_UNBIND")
    @Answers(status = 204, problems = {404})
    public ResponseEntity<Void> unbind(Caller caller, @Parameter(description = "VFIO container id", example = "1") @PathVariable long c, @Valid @RequestBody(required = false) BindRequest body) {
        vfio.unbind(caller, c, body == null ? null : body.pid());
        return ResponseEntity.noContent().build();
    }

    @DeleteMapping("/containers/{c}")
    @Operation(summary = "close: unbind, unmap, unpin, detach")
    @Answers(status = 204, problems = {404})
    public ResponseEntity<Void> close(Caller caller, @Parameter(description = "VFIO container id", example = "1") @PathVariable long c) {
        vfio.close(caller, c);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/devices/{dev}/jobs")
    @Operation(summary = "The userspace driver programs its device: only devices in the caller's containers")
    @Answers(status = 202, problems = {400, 403, 404, 409})
    public ResponseEntity<DeviceViews.Job> job(Caller caller, @Parameter(description = "Device id: a PCI BDF or a platform device name", example = "0000:01:00.0") @PathVariable String dev, @Parameter(description = "Hold the answer until the job is final (200 with its completion record)") @RequestParam(defaultValue = "false") boolean wait,
                                               @RequestBody DeviceRequests.Job body) {
        vfio.requireDeviceInCallersContainer(caller, dev, body.pasid());
        return jobs.submit(caller, dev, wait, body, jobs.ownerOf(body));
    }
}
