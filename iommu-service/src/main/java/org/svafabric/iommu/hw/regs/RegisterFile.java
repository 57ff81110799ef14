package org.svafabric.iommu.hw.regs;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.svafabric.iommu.hw.layout.SmmuReg;
import org.svafabric.iommu.hw.layout.Gbpa;
import org.svafabric.iommu.hw.layout.Cr2;
import org.svafabric.iommu.hw.layout.Cr0;

/**
 * The SMMU's register page as software sees it: read and write by offset (or by {@link SmmuReg}), with the
 * architecture's access rules applied in one place.
 * <ul>
 * <li>ID registers are read-only; writes to read-only registers are ignored.</li>
 * <li>CR0 updates complete at once: CR0ACK follows CR0 on every write (software polls CR0ACK, as
 *     {@code arm_smmu_write_reg_sync} does). IRQ_CTRLACK follows IRQ_CTRL the same way.</li>
 * <li>CR1, CR2, STRTAB_BASE and STRTAB_BASE_CFG are read-only while SMMUEN is 1; a write then is ignored,
 *     the only behaviour SMMUv3.2 and later permit (IHI 0070 §6.3.12 "Accessing SMMU_CR2").</li>
 * <li>GBPA takes the written value with UPDATE cleared, the update having completed.</li>
 * </ul>
 * Registers owned elsewhere (queue PROD/CONS, GERROR/GERRORN) get hooks: {@link #onRead} supplies the value,
 * {@link #onWrite} receives it after the access rules passed. Thread-safe.
 */
public final class RegisterFile {

    /** Hears every CR0 write that changed bits, after CR0ACK was updated. */
    @FunctionalInterface
    public interface Cr0Listener {
        void changed(long oldValue, long newValue);
    }

    private final AtomicLongArray values = new AtomicLongArray(SmmuReg.values().length);
    private final Map<SmmuReg, LongSupplier> readHooks = new EnumMap<>(SmmuReg.class);
    private final Map<SmmuReg, LongConsumer> writeHooks = new EnumMap<>(SmmuReg.class);
    private final List<Cr0Listener> cr0Listeners = new CopyOnWriteArrayList<>();
    private final Object cr0Lock = new Object();

    public RegisterFile(IdRegisters id) {
        set(SmmuReg.IDR0, id.idr0() & 0xffffffffL);
        set(SmmuReg.IDR1, id.idr1() & 0xffffffffL);
        set(SmmuReg.IDR3, id.idr3() & 0xffffffffL);
        set(SmmuReg.IDR5, id.idr5() & 0xffffffffL);
        // Reset: incoming transactions abort until software programs the SMMU (GBPA.ABORT's reset value is
        // IMPLEMENTATION DEFINED; aborting is the safe choice, and Linux programs it either way).
        set(SmmuReg.GBPA, Gbpa.ABORT.mask());
    }

    /** Supplies the value of {@code reg} from its owner (e.g. GERROR from the global-error block). */
    public synchronized void onRead(SmmuReg reg, LongSupplier supplier) {
        readHooks.put(reg, supplier);
    }

    /** Hands software's writes of {@code reg} to its owner (e.g. CMDQ_PROD to the command queue). */
    public synchronized void onWrite(SmmuReg reg, LongConsumer consumer) {
        writeHooks.put(reg, consumer);
    }

    public void onCr0Change(Cr0Listener listener) {
        cr0Listeners.add(listener);
    }

    public long read(SmmuReg reg) {
        LongSupplier hook;
        synchronized (this) {
            hook = readHooks.get(reg);
        }
        long v = hook != null ? hook.getAsLong() : values.get(reg.ordinal());
        return reg.width() == 32 ? v & 0xffffffffL : v;
    }

    public int read32(SmmuReg reg) {
        return (int) read(reg);
    }

    /**
     * A 32-bit read at {@code offset}: a 32-bit register, or the low or high word of a 64-bit one; an
     * unimplemented or reserved offset reads as zero.
     */
    public int read32(int offset) {
        SmmuReg reg = SmmuReg.at(offset);
        if (reg != null) {
            return (int) read(reg);
        }
        SmmuReg wide = SmmuReg.at(offset - 4);
        if (wide != null && wide.width() == 64) {
            return (int) (read(wide) >>> 32);
        }
        return 0;
    }

    /** A 64-bit read of a 64-bit register; other offsets read as zero. */
    public long read64(int offset) {
        SmmuReg reg = SmmuReg.at(offset);
        return reg != null && reg.width() == 64 ? read(reg) : 0;
    }

    /** A 32-bit write: a 32-bit register, or one word of a 64-bit one; other offsets ignore it. */
    public void write32(int offset, int value) {
        long v = value & 0xffffffffL;
        SmmuReg reg = SmmuReg.at(offset);
        if (reg != null) {
            write(reg, reg.width() == 32 ? v : (values.get(reg.ordinal()) & 0xffffffff00000000L) | v);
            return;
        }
        SmmuReg wide = SmmuReg.at(offset - 4);
        if (wide != null && wide.width() == 64) {
            write(wide, (v << 32) | (values.get(wide.ordinal()) & 0xffffffffL));
        }
    }

    /** A 64-bit write of a 64-bit register; other offsets ignore it. */
    public void write64(int offset, long value) {
        SmmuReg reg = SmmuReg.at(offset);
        if (reg != null && reg.width() == 64) {
            write(reg, value);
        }
    }

    /** Software's write of {@code reg}, after the access rules. */
    public void write(SmmuReg reg, long value) {
        if (reg.access() == SmmuReg.Access.RO) {
            return;
        }
        if (reg.width() == 32) {
            value &= 0xffffffffL;
        }
        switch (reg) {
            case CR0:
                writeCr0(value);
                return;
            case CR1:
            case CR2:
            case STRTAB_BASE:
            case STRTAB_BASE_CFG:
                if (smmuEnabledOrUpdating()) {
                    return;
                }
                set(reg, reg == SmmuReg.CR2 ? value & Cr2.IMPLEMENTED : value);
                return;
            case GBPA:
                set(reg, Gbpa.UPDATE.with(value, false));
                return;
            case IRQ_CTRL:
                set(SmmuReg.IRQ_CTRL, value);
                set(SmmuReg.IRQ_CTRLACK, value);
                break;
            default:
                set(reg, value);
                break;
        }
        LongConsumer hook;
        synchronized (this) {
            hook = writeHooks.get(reg);
        }
        if (hook != null) {
            hook.accept(value);
        }
    }

    private void writeCr0(long value) {
        long old;
        long now = value & Cr0.IMPLEMENTED;
        synchronized (cr0Lock) {
            old = values.get(SmmuReg.CR0.ordinal());
            set(SmmuReg.CR0, now);
            set(SmmuReg.CR0ACK, now);
            if (old != now) {
                for (Cr0Listener l : cr0Listeners) {
                    l.changed(old, now);
                }
            }
        }
    }

    private boolean smmuEnabledOrUpdating() {
        return Cr0.SMMUEN.isSet(values.get(SmmuReg.CR0.ordinal()))
                || Cr0.SMMUEN.isSet(values.get(SmmuReg.CR0ACK.ordinal()));
    }

    /** The model's own value of a register, bypassing access rules and hooks (for the SMMU side). */
    public long value(SmmuReg reg) {
        return values.get(reg.ordinal());
    }

    private void set(SmmuReg reg, long value) {
        values.set(reg.ordinal(), value);
    }

    /** Every register by name, as software would read it now (for inspection and the service's views). */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (SmmuReg r : SmmuReg.values()) {
            m.put(r.name(), read(r));
        }
        return m;
    }
}
