package org.svafabric.api.device;

import java.util.List;

import org.svafabric.api.faults.ArmedFault;
import org.svafabric.api.json.Addr;
import org.svafabric.api.timing.ModelTime;
import org.svafabric.api.topology.DeviceDescription;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** What device-service answers. */
public final class DeviceViews {
    private DeviceViews() {
    }

    /** GET /device/v1/fabric: the devices and the faults armed in this device-service. */
    public record FabricPart(List<Device> devices, List<ArmedFault> faults) {
    }

    /**
     * One device: what firmware says ({@code description}), what it can do, the state of its
     * PCIe capabilities ({@code pcie}, absent for platform devices) and its counters.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Device(String id, String type, int sid, Capabilities capabilities, DeviceDescription description,
                         Pcie pcie, Metrics metrics) {
    }

    /** A device's counters since the service started. */
    public record Metrics(JobCounts jobs, long bytes, long pageRequests, long groups, long outstandingPageRequests,
                          long maxOutstandingPageRequests, PrgResponses prgResponses, long atcHits, long atcMisses,
                          long atcInvalidations, long stalls, long jobLatencyMeanMicros) {
    }

    /** Jobs submitted, refused, and finished by final status. */
    public record JobCounts(long submitted, long refused, @JsonProperty("COMPLETED") long completed,
                            @JsonProperty("FAULTED") long faulted, @JsonProperty("ABORTED") long aborted) {
    }

    /** PRG Responses received by code, those that never came (timeouts), and those for no outstanding group. */
    public record PrgResponses(@JsonProperty("SUCCESS") long success, @JsonProperty("INVALID") long invalid,
                               @JsonProperty("FAILURE") long failure, long timeouts, long unexpected) {
    }

    /** {@code pasidBits} 0: no PASID; {@code stall}: a platform device with dma-can-stall. */
    public record Capabilities(int pasidBits, boolean pri, boolean ats, boolean stall) {
    }

    /**
     * The PCIe capability registers as software sees them: the three Enable bits, the
     * Outstanding Page Request Allocation, and PRI Status.Response Failure.
     */
    public record Pcie(boolean pasidEnabled, boolean priEnabled, boolean atsEnabled, long outstandingPageRequests,
                       boolean priFailed) {
    }

    /** The ATC entries an ATS Invalidation Request dropped. */
    public record AtcInvalidated(int invalidated) {
    }

    /**
     * A job and, once it finished, its completion record.
     *
     * @param uid       who submitted it (the gateway's caller); absent when nobody said
     * @param status    QUEUED, RUNNING, COMPLETED, FAULTED or ABORTED
     * @param length    the job's length in bytes, as submitted
     * @param bytes     how far the engine got: bytes of the job done so far (equals length once COMPLETED)
     * @param faultAddr the address the job faulted at (FAULTED)
     * @param result    sum64: the sum as a hex string; compare: "equal" or the first differing offset as a hex string
     * @param model     the job's model time: its critical path on hardware priced by the timing table, and the work
     *                  by event kind (so far, while it runs)
     * @param prgRoundTripMicros wall-clock round trips of its page-request groups as the device measured them,
     *                  send to PRG Response (at most 1024, the first ones)
     * @param unrecoverableFaults the unrecoverable faults the IOMMU reported to the driver's fault handler for this
     *                  job (iommu_register_device_fault_handler), in the order they came; absent when none
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Job(String jobId, String device, Integer pasid, Long uid, String op, String status, long length, long bytes,
                      Faults faults, Long latencyMicros, String error, Addr faultAddr, String result, ModelTime model,
                      List<Long> prgRoundTripMicros, List<UnrecoverableFault> unrecoverableFaults) {
        public Job(String jobId, String device, Integer pasid, Long uid, String op, String status, long length, long bytes,
                   Faults faults, Long latencyMicros, String error, Addr faultAddr, String result, ModelTime model,
                   List<Long> prgRoundTripMicros) {
            this(jobId, device, pasid, uid, op, status, length, bytes, faults, latencyMicros, error, faultAddr, result, model,
                    prgRoundTripMicros, null);
        }

        public Job(String jobId, String device, Integer pasid, Long uid, String op, String status, long length, long bytes,
                   Faults faults, Long latencyMicros, String error, Addr faultAddr, String result) {
            this(jobId, device, pasid, uid, op, status, length, bytes, faults, latencyMicros, error, faultAddr, result, null, null);
        }
    }

    /** An unrecoverable fault as the driver's fault handler saw it: see {@link DeviceRequests.DeviceFault}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record UnrecoverableFault(String reason, String event, Integer pasid, Addr addr, List<String> perm) {
    }

    /** The faults a job took: page requests and groups (PRI), stalls, and Invalid Request responses. */
    public record Faults(long pageRequests, long groups, long stalls, long invalid) {
    }

    /**
     * One page of a shard's jobs. {@code submittedMillis}: each item's submission time (wall clock, ms), in item
     * order, so that the gateway can merge the pages of several device-service shards in submission order; absent
     * from an answer that does not give it.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record JobPage(List<Job> items, int page, int size, long total, List<Long> submittedMillis) {
        public JobPage(List<Job> items, int page, int size, long total) {
            this(items, page, size, total, null);
        }
    }

    /** mm_exit's return value: 0, or non-zero when the handler did not stop DMA ("possible PASID leak"). */
    public record MmExitAck(int ret) {
    }

    /** {@code GET /device/v1/timing}: the IOPF workers and each cost's nanoseconds (TimingTable's names). */
    public record Timing(int iopfWorkers, java.util.Map<String, Long> costs) {
    }
}
