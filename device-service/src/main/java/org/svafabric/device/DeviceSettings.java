package org.svafabric.device;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the simulated devices behave where firmware says nothing.
 *
 * @param segmentBytes       bytes per engine segment: one translation batch and one bulk RAM access
 * @param maxJobBytes        the longest job accepted
 * @param queueDepth         job slots of a device whose description has no engine section
 * @param engines            engines of such a device
 * @param prgResponseTimeout how long a function waits for a PRG Response before giving up on the group
 * @param stopTimeout        how long mm_exit waits for running jobs and outstanding page requests
 * @param waitTimeout        how long {@code ?wait=true} waits for a job
 * @param jobsRetained       finished jobs kept for inspection
 * @param stallTimeout       read timeout of an untranslated transaction (a stall holds it until CMD_RESUME)
 * @param lookaheadSegments  segments an engine with ATS translates ahead of the one it moves (0: none); fewer when
 *                           the ATC could not hold them next to the current one
 * @param priGroupPages      the most page requests a function puts in one page-request group (0: its whole
 *                           allocation); smaller groups keep several in flight inside the allocation, answered in
 *                           parallel by the IOPF workers, where one full-allocation group waits alone
 * @param shard              which device-service shard this is ({@code device.shard}, env FABRIC_DEVICE_SHARD; 0)
 * @param shards             how many shards share the topology ({@code device.shards}, env FABRIC_DEVICE_SHARDS; 1):
 *                           this one serves the devices {@link org.svafabric.api.topology.DeviceShards#ownerOf} gives it
 */
@ConfigurationProperties("device")
public record DeviceSettings(Integer segmentBytes, Long maxJobBytes, Integer queueDepth, Integer engines,
                             Duration prgResponseTimeout, Duration stopTimeout, Duration waitTimeout, Integer jobsRetained,
                             Duration stallTimeout, Integer lookaheadSegments, Integer priGroupPages, Integer shard,
                             Integer shards) {

    public DeviceSettings {
        segmentBytes = segmentBytes == null ? 256 * 1024 : segmentBytes;
        maxJobBytes = maxJobBytes == null ? 1L << 30 : maxJobBytes;
        queueDepth = queueDepth == null ? 32 : queueDepth;
        engines = engines == null ? 1 : engines;
        prgResponseTimeout = prgResponseTimeout == null ? Duration.ofSeconds(30) : prgResponseTimeout;
        stopTimeout = stopTimeout == null ? Duration.ofSeconds(30) : stopTimeout;
        waitTimeout = waitTimeout == null ? Duration.ofSeconds(120) : waitTimeout;
        jobsRetained = jobsRetained == null ? 10_000 : jobsRetained;
        stallTimeout = stallTimeout == null ? Duration.ofSeconds(60) : stallTimeout;
        lookaheadSegments = lookaheadSegments == null ? 4 : lookaheadSegments;
        if (lookaheadSegments < 0) {
            throw new IllegalArgumentException("device.lookahead-segments must be >= 0");
        }
        priGroupPages = priGroupPages == null ? 0 : priGroupPages;
        if (priGroupPages < 0) {
            throw new IllegalArgumentException("device.pri-group-pages must be >= 0 (0: the whole allocation)");
        }
        shard = shard == null ? 0 : shard;
        shards = shards == null ? 1 : shards;
        if (shards < 1 || shard < 0 || shard >= shards) {
            throw new IllegalArgumentException("device.shard must be in 0..device.shards-1 and device.shards >= 1, not shard "
                    + shard + " of " + shards);
        }
    }

    /** Which part of the topology this instance serves. */
    public DeviceShard deviceShard() {
        return new DeviceShard(shard, shards);
    }

    public static DeviceSettings defaults() {
        return new DeviceSettings(null, null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
