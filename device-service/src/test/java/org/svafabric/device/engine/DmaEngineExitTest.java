package org.svafabric.device.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** An Invalid Request while the process exits is the exit overtaking the job: ABORTED, not FAULTED. */
class DmaEngineExitTest {

    /** A path whose every write gets Invalid Request for its page group. */
    private static final DmaPath INVALID = new DmaPath() {
        @Override
        public byte[] read(Job job, long addr, int length) {
            return new byte[length];
        }

        @Override
        public void write(Job job, long addr, byte[] data) {
            throw DmaFault.invalidResponse(addr, "PRG Response Invalid Request");
        }
    };

    private static Job memset() {
        return new Job("j-1", "dev", JobSpec.of("memset", 5, null, 0x10000L, 4096L, 1, null, 1 << 20), 0);
    }

    @Test
    void anInvalidResponseForALiveAddressSpaceFaultsTheJob() {
        Job job = memset();
        new DmaEngine(4096, System::nanoTime, pasid -> true).run(job, INVALID);
        assertThat(job.status()).isEqualTo(JobStatus.FAULTED);
    }

    @Test
    void anInvalidResponseForAnExitingAddressSpaceAbortsTheJob() {
        Job job = memset();
        new DmaEngine(4096, System::nanoTime, pasid -> pasid != 5).run(job, INVALID);
        assertThat(job.status()).isEqualTo(JobStatus.ABORTED);
        assertThat(job.error()).contains("PASID 5 is exiting");
    }

    @Test
    void otherFaultsStayFaultsWhateverTheAddressSpace() {
        Job job = memset();
        new DmaEngine(4096, System::nanoTime, pasid -> false).run(job, new DmaPath() {
            @Override
            public byte[] read(Job j, long addr, int length) {
                return new byte[length];
            }

            @Override
            public void write(Job j, long addr, byte[] data) {
                throw new DmaFault(addr, "F_TRANSLATION", "F_TRANSLATION");
            }
        });
        assertThat(job.status()).isEqualTo(JobStatus.FAULTED);
    }
}
