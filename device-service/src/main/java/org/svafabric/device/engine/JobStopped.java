package org.svafabric.device.engine;

/**
 * A DMA path gave up on an access because its job was asked to stop (mm_exit stopping the PASID) while the access
 * waited to be translated: the job ends aborted, as at a segment boundary, not faulted.
 */
public final class JobStopped extends RuntimeException {
    public JobStopped() {
        super("the job was asked to stop while an access waited for page requests", null, false, false);
    }
}
