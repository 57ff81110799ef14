package org.svafabric.iommu.hw.queue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.svafabric.api.bits.Field;
import org.svafabric.iommu.hw.layout.Gerror;

/**
 * SMMU_GERROR and SMMU_GERRORN: global errors are raised by toggling a GERROR bit and acknowledged by
 * software writing GERRORN so that the bit equals GERROR again; an error is active while the two differ
 * (IHI 0070 §7.5; Linux {@code arm_smmu_gerror_handler}: {@code active = gerror ^ gerrorn}). The queue side
 * raises CMDQ_ERR (command queue stops), EVTQ_ABT_ERR, PRIQ_ABT_ERR and MSI_CMDQ_ABT_ERR; the lead wires the
 * register file's GERROR/GERRORN to {@link #gerror()} and {@link #writeGerrorn(int)}. Thread-safe.
 */
public final class GlobalErrors {
    /** Called after software acknowledged an error, outside the lock. */
    @FunctionalInterface
    public interface AckListener {
        void acknowledged(Field error);
    }

    private final Irq gerrorIrq;
    private final List<AckListener> listeners = new CopyOnWriteArrayList<>();
    private int gerror;
    private int gerrorn;

    public GlobalErrors(Irq gerrorIrq) {
        this.gerrorIrq = gerrorIrq;
    }

    public void onAcknowledge(AckListener listener) {
        listeners.add(listener);
    }

    /**
     * Raises {@code error} unless it is already active (a second occurrence of an active error toggles
     * nothing, or it would read as acknowledged). Returns whether it was raised.
     */
    public boolean raise(Field error) {
        synchronized (this) {
            if (isActive(error)) {
                return false;
            }
            gerror ^= (int) error.mask();
        }
        gerrorIrq.raise();
        return true;
    }

    public synchronized boolean isActive(Field error) {
        return ((gerror ^ gerrorn) & (int) error.mask()) != 0;
    }

    public synchronized int gerror() {
        return gerror;
    }

    public synchronized int gerrorn() {
        return gerrorn;
    }

    /** Software's write of GERRORN; listeners hear of every error this write deactivated. */
    public void writeGerrorn(int value) {
        int deactivated;
        synchronized (this) {
            int activeBefore = gerror ^ gerrorn;
            gerrorn = value;
            deactivated = activeBefore & ~(gerror ^ gerrorn);
        }
        for (Field f : List.of(Gerror.CMDQ_ERR, Gerror.EVTQ_ABT_ERR, Gerror.PRIQ_ABT_ERR, Gerror.MSI_CMDQ_ABT_ERR)) {
            if ((deactivated & (int) f.mask()) != 0) {
                listeners.forEach(l -> l.acknowledged(f));
            }
        }
    }
}
