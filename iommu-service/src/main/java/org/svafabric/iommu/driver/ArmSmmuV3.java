package org.svafabric.iommu.driver;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.svafabric.api.bus.MemoryBus;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.topology.DeviceDescription;
import org.svafabric.api.wire.PrgResponseCode;
import org.svafabric.iommu.core.port.Device;
import org.svafabric.iommu.core.port.IommuDriverOps;
import org.svafabric.iommu.core.port.SvaSupport;
import org.svafabric.iommu.hw.cmd.CmdCfgiSteRange;
import org.svafabric.iommu.hw.cmd.CmdPriResp;
import org.svafabric.iommu.hw.cmd.CmdResume;
import org.svafabric.iommu.hw.cmd.Command;
import org.svafabric.iommu.hw.layout.Cd;
import org.svafabric.iommu.hw.layout.Cr0;
import org.svafabric.iommu.hw.layout.Cr1;
import org.svafabric.iommu.hw.layout.Cr2;
import org.svafabric.iommu.hw.layout.Gerror;
import org.svafabric.iommu.hw.layout.IrqCtrl;
import org.svafabric.iommu.hw.layout.QueueRegisters;
import org.svafabric.iommu.hw.layout.SmmuReg;
import org.svafabric.iommu.hw.layout.StallModel;
import org.svafabric.iommu.hw.stall.ResumeAction;

/**
 * The arm-smmu-v3 driver: probes the SMMU through its ID registers, builds the stream table, queues and CD
 * tables in RAM, and from then on drives it only through registers, memory and the command queue, as Linux's
 * {@code arm-smmu-v3.c} with the 2018 SVA series does. It implements the IOMMU core's {@link IommuDriverOps}
 * (shared CDs, invalidations, page responses) and classical private domains.
 *
 * <p>Locks, outermost first: the ASID lock ({@link AsidSpace}: the ASID space and every CD write that names a
 * private ASID, so a seized ASID is never installed twice), a domain's monitor (its masters and page table), a
 * master's monitor (its enable flags). Command-queue waits happen under the ASID lock, as under Linux's
 * {@code arm_smmu_asid_lock} mutex; no lock is held across a call to device-service. Private domains are
 * {@link PrivateDomains}; this class keeps probe, interrupts, masters and the SVA operations.
 */
public final class ArmSmmuV3 implements IommuDriverOps, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ArmSmmuV3.class);
    /** Linux {@code CTXDESC_LINEAR_CDMAX}: log2 of the CDs in a linear table, ilog2(SZ_64K / 64). */
    static final int CTXDESC_LINEAR_CDMAX = 10;
    /** Linux CR1: inner-shareable, write-back cacheable tables and queues. */
    private static final int CR1_WB_ISH = (int) (Cr1.TABLE_SH.with(0, Cr1.SH_ISH) | Cr1.TABLE_OC.with(0, Cr1.CACHE_WB)
            | Cr1.TABLE_IC.with(0, Cr1.CACHE_WB) | Cr1.QUEUE_SH.with(0, Cr1.SH_ISH) | Cr1.QUEUE_OC.with(0, Cr1.CACHE_WB)
            | Cr1.QUEUE_IC.with(0, Cr1.CACHE_WB));

    private final MemoryBus bus;
    private final Mmio regs;
    private final DriverSettings settings;
    private final DriverEvents events;
    private final DriverListener trace;
    private final EndpointControl endpoints;
    private final FaultSink faults;

    private final Map<Integer, Master> bySid = new ConcurrentHashMap<>();
    private final Map<String, Master> byId = new ConcurrentHashMap<>();

    private volatile SmmuFeatures features;
    private SvaGate gate;
    private AsidSpace asids;
    private PrivateDomains domains;
    /** Private-domain ids; shared by the driver instances of several SMMUs, whose domains the VFIO layer names alike. */
    private java.util.concurrent.atomic.AtomicLong domainIds = new java.util.concurrent.atomic.AtomicLong(1);
    private InvalidationLog invalidations;
    private Cmdq cmdq;
    private StrtabCfg strtab;
    private TlbInvalidator tlbi;
    private EventQueueHandler evtq;
    private PriQueueHandler priq;
    private boolean btmActive;
    private boolean e2hActive;
    private volatile IrqThread evtqIrq;
    private volatile IrqThread priqIrq;
    private volatile IrqThread gerrorIrq;

    public ArmSmmuV3(MemoryBus bus, Mmio regs, DriverSettings settings, EndpointControl endpoints, FaultSink faults,
                     DriverEvents events, DriverListener trace) {
        this.bus = bus;
        this.regs = regs;
        this.settings = settings;
        this.endpoints = endpoints;
        this.faults = faults;
        this.events = events;
        this.trace = trace;
    }

    /** Before the probe: take private-domain ids from {@code ids}, one namespace with other driver instances. */
    public synchronized void shareDomainIds(java.util.concurrent.atomic.AtomicLong ids) {
        if (features != null) {
            throw new IllegalStateException("domain ids are chosen before the probe");
        }
        this.domainIds = ids;
    }

    /** Commands written to the command queue so far (0 before the probe). */
    public long cmdqCommands() {
        Cmdq q = cmdq;
        return q == null ? 0 : q.issuedCommands();
    }

    /** CMD_SYNCs waited for so far (0 before the probe). */
    public long cmdqSyncs() {
        Cmdq q = cmdq;
        return q == null ? 0 : q.syncs();
    }

    // ---------------------------------------------------------------- probe and reset

    /**
     * {@code arm_smmu_device_probe}: decode the ID registers, allocate the tables and queues in RAM, then
     * {@code arm_smmu_device_reset}. Called once, when RAM (mm-service) answers.
     */
    public synchronized void probe() {
        if (features != null) {
            return;
        }
        SmmuFeatures f = SmmuFeatures.probe(regs);
        if (!f.s1p() || !f.aarch64() || !f.gran4k()) {
            throw new ErrnoException(Errno.ENODEV, "smmu-unsupported", "the SMMU offers no stage-1 AArch64 4 KiB translation");
        }
        gate = SvaGate.evaluate(f, settings.cpu());
        btmActive = f.btm() && settings.btm();
        e2hActive = f.hyp() && settings.e2h();
        tlbi = new TlbInvalidator(f.ril(), e2hActive, settings.tlbiMaxPages());
        invalidations = new InvalidationLog(events, bySid::get, trace);
        long syncWord = bus.allocKernelPages(settings.owner(), 1);
        boolean msi = f.msi() && f.coherent();
        cmdq = new Cmdq(bus, regs, allocQueue(f.cmdqs(), 16), f.cmdqs(), syncWord, msi, settings.syncTimeout());
        strtab = new StrtabCfg(bus, settings.owner(), cmdq, f, settings.skipPrefetch());
        asids = new AsidSpace(f.asidBits(), cmdq, tlbi, events);
        domains = new PrivateDomains(bus, settings.owner(), domainIds, cmdq, tlbi, asids, invalidations, Math.min(f.oasBits(), 48),
                f.stallModel() == StallModel.STALL_FORCED);
        long evtqBase = allocQueue(f.evtqs(), 32);
        evtq = new EventQueueHandler(new OutputQueueReader(bus, regs, SmmuReg.EVTQ_PROD.page1Offset(), SmmuReg.EVTQ_CONS.page1Offset(), evtqBase, f.evtqs(), 32),
                bySid::get, faults, cmdq, events, trace);
        long priqBase = 0;
        if (f.pri()) {
            priqBase = allocQueue(f.priqs(), 16);
            priq = new PriQueueHandler(new OutputQueueReader(bus, regs, SmmuReg.PRIQ_PROD.page1Offset(), SmmuReg.PRIQ_CONS.page1Offset(), priqBase, f.priqs(), 16),
                    bySid::get, faults, cmdq, events, trace);
        }
        evtqIrq = new IrqThread("smmu-evtq", this::eventQueueInterrupt);
        priqIrq = new IrqThread("smmu-priq", this::priQueueInterrupt);
        gerrorIrq = new IrqThread("smmu-gerror", this::gerrorInterrupt);
        reset(f, evtqBase, priqBase);
        // Published last: whoever sees the features sees every table and queue above.
        features = f;
        log.info("SMMUv3 probed: {} SIDs ({}), {} SSID bits, PRI {}, ATS {}, stall {}, BTM {}, SVA {}",
                1L << f.sidBits(), strtab.twoLevel() ? "2-level" : "linear", f.ssidBits(), f.pri(), f.ats(),
                f.stallModel(), btmActive ? "on" : "off", gate.available() ? "available" : "unavailable");
    }

    private void reset(SmmuFeatures f, long evtqBase, long priqBase) {
        writeCr0(0);
        regs.write32(SmmuReg.CR1.offset(), CR1_WB_ISH);
        long cr2 = Cr2.RECINVSID.with(0, true);
        // PTM = 1 keeps the CPU's broadcast TLBIs out of the SMMU; cleared only when the driver relies on BTM.
        cr2 = Cr2.PTM.with(cr2, !btmActive);
        cr2 = Cr2.E2H.with(cr2, e2hActive);
        regs.write32(SmmuReg.CR2.offset(), (int) cr2);
        regs.write64(SmmuReg.STRTAB_BASE.offset(), strtab.baseRegister());
        regs.write32(SmmuReg.STRTAB_BASE_CFG.offset(), strtab.baseCfgRegister());

        regs.write64(SmmuReg.CMDQ_BASE.offset(), queueBase(cmdq.base(), cmdq.log2Size()));
        regs.write32(SmmuReg.CMDQ_PROD.offset(), 0);
        regs.write32(SmmuReg.CMDQ_CONS.offset(), 0);
        int cr0 = (int) Cr0.CMDQEN.mask();
        writeCr0(cr0);
        // Whatever the SMMU cached before reset is stale: every STE and CD, every TLB entry.
        cmdq.issueSync(List.of(CmdCfgiSteRange.all(), tlbi.all()));

        regs.write64(SmmuReg.EVTQ_BASE.offset(), queueBase(evtqBase, f.evtqs()));
        regs.write32(SmmuReg.EVTQ_PROD.page1Offset(), 0);
        regs.write32(SmmuReg.EVTQ_CONS.page1Offset(), 0);
        cr0 |= (int) Cr0.EVTQEN.mask();
        if (f.pri()) {
            regs.write64(SmmuReg.PRIQ_BASE.offset(), queueBase(priqBase, f.priqs()));
            regs.write32(SmmuReg.PRIQ_PROD.page1Offset(), 0);
            regs.write32(SmmuReg.PRIQ_CONS.page1Offset(), 0);
            cr0 |= (int) Cr0.PRIQEN.mask();
        }
        writeCr0(cr0);
        long irq = IrqCtrl.EVTQ_IRQEN.with(IrqCtrl.GERROR_IRQEN.with(0, true), true);
        regs.write32(SmmuReg.IRQ_CTRL.offset(), (int) IrqCtrl.PRIQ_IRQEN.with(irq, f.pri()));
        if (f.ats()) {
            cr0 |= (int) Cr0.ATSCHK.mask();
        }
        writeCr0(cr0 | (int) Cr0.SMMUEN.mask());
    }

    /** {@code arm_smmu_write_reg_sync}: write CR0 and wait for CR0ACK to match. */
    private void writeCr0(int value) {
        regs.write32(SmmuReg.CR0.offset(), value);
        long deadline = System.nanoTime() + settings.syncTimeout().toNanos();
        while (regs.read32(SmmuReg.CR0ACK.offset()) != value) {
            if (System.nanoTime() > deadline) {
                throw new ErrnoException(Errno.ETIMEDOUT, "cr0-timeout", "CR0ACK did not follow CR0 = 0x" + Integer.toHexString(value));
            }
            Thread.onSpinWait();
        }
    }

    /** A queue aligned to its size, as *_BASE.ADDR requires. */
    private long allocQueue(int log2Size, int entryBytes) {
        return CoherentPages.allocAligned(bus, settings.owner(), CoherentPages.pagesFor((long) entryBytes << log2Size)).pa();
    }

    private static long queueBase(long addr, int log2Size) {
        return QueueRegisters.BASE_LOG2SIZE.with(QueueRegisters.BASE_ADDR.withAddress(QueueRegisters.BASE_RWA.with(0, true), addr), log2Size);
    }

    /** The command queue, for tests in this package that drive it directly. */
    TlbInvalidator tlbInvalidator() {
        return tlbi;
    }

    Cmdq cmdq() {
        return cmdq;
    }

    public boolean probed() {
        return features != null;
    }

    public SmmuFeatures features() {
        return requireProbed().features;
    }

    public SvaGate svaGate() {
        return requireProbed().gate;
    }

    public boolean btmActive() {
        return btmActive;
    }

    public boolean e2hActive() {
        return e2hActive;
    }

    public boolean twoLevelStreamTable() {
        return requireProbed().strtab.twoLevel();
    }

    public int streamTableSplit() {
        return requireProbed().strtab.split();
    }

    private ArmSmmuV3 requireProbed() {
        if (features == null) {
            throw new ErrnoException(Errno.EAGAIN, "smmu-not-probed", "the SMMU driver has not probed yet (waiting for RAM)");
        }
        return this;
    }

    // ---------------------------------------------------------------- interrupts

    /** The wired EVTQ interrupt: wakes the event-queue thread (nothing runs on the SMMU's thread). */
    public void raiseEventQueueIrq() {
        IrqThread t = evtqIrq;
        if (t != null) {
            t.raise();
        }
    }

    /** The wired PRIQ interrupt: wakes the PRI-queue thread. */
    public void raisePriQueueIrq() {
        IrqThread t = priqIrq;
        if (t != null) {
            t.raise();
        }
    }

    /** The wired GERROR interrupt: wakes the global-error thread. */
    public void raiseGerrorIrq() {
        IrqThread t = gerrorIrq;
        if (t != null) {
            t.raise();
        }
    }

    /** Stops the interrupt threads. */
    @Override
    public void close() {
        for (IrqThread t : new IrqThread[] {evtqIrq, priqIrq, gerrorIrq}) {
            if (t != null) {
                t.close();
            }
        }
    }

    /** EVTQ interrupt, on the driver's event-queue thread. */
    public void eventQueueInterrupt() {
        if (evtq != null) {
            evtq.drain();
        }
    }

    /** PRIQ interrupt, on the driver's PRI-queue thread. */
    public void priQueueInterrupt() {
        if (priq != null) {
            priq.drain();
        }
    }

    /** CMD_SYNC completion interrupt (or SEV): wakes the CMD_SYNC waiters. */
    public void syncInterrupt() {
        if (cmdq != null) {
            cmdq.syncInterrupt();
        }
    }

    /**
     * GERROR interrupt ({@code arm_smmu_gerror_handler}): acknowledges every active error by writing GERRORN
     * = GERROR. A command-queue error is first fixed as {@code arm_smmu_cmdq_skip_err} does: an illegal or
     * aborted command is replaced by a CMD_SYNC; an ATC invalidation timeout is "cowardly ignored" (the SYNC is
     * re-executed once acknowledged).
     */
    public void gerrorInterrupt() {
        int gerror = regs.read32(SmmuReg.GERROR.offset());
        int active = gerror ^ regs.read32(SmmuReg.GERRORN.offset());
        if (active == 0) {
            return;
        }
        if (Gerror.CMDQ_ERR.isSet(active)) {
            int cons = regs.read32(SmmuReg.CMDQ_CONS.offset());
            int err = (int) QueueRegisters.CMDQ_CONS_ERR.get(Integer.toUnsignedLong(cons));
            log.error("CMDQ error (cons 0x{}): {}", Integer.toHexString(cons), cmdqErrorName(err));
            events.emit("GERROR", null, null, null, null, "CMDQ_ERR " + cmdqErrorName(err));
            if (err != CERROR_ATC_INV_SYNC) {
                cmdq.replaceAtCons(cons);
            }
        }
        for (var f : List.of(Gerror.EVTQ_ABT_ERR, Gerror.PRIQ_ABT_ERR, Gerror.MSI_CMDQ_ABT_ERR)) {
            if (f.isSet(active)) {
                log.error("global error {}", f.name());
                events.emit("GERROR", null, null, null, null, f.name());
            }
        }
        regs.write32(SmmuReg.GERRORN.offset(), gerror);
    }

    private static final int CERROR_ATC_INV_SYNC = 3;

    private static String cmdqErrorName(int err) {
        return switch (err) {
            case 0 -> "CERROR_NONE";
            case 1 -> "CERROR_ILL";
            case 2 -> "CERROR_ABT";
            case CERROR_ATC_INV_SYNC -> "CERROR_ATC_INV_SYNC";
            default -> "CERROR_" + err;
        };
    }

    // ---------------------------------------------------------------- masters

    /** {@link #addMaster(DeviceDescription, boolean)} below a root complex that supports ATS. */
    public Master addMaster(DeviceDescription d) {
        return addMaster(d, true);
    }

    /**
     * {@code arm_smmu_probe_device}: a device appears behind the SMMU. Its CD table is sized by the smaller of
     * the SMMU's and the device's substream widths; its STE selects stage 1 through that table, accepts ATS
     * translation requests only when the SMMU (IDR0.ATS), the root complex the device sits below
     * ({@code rootComplexAts}: IORT's ATS attribute, {@code IOMMU_FWSPEC_PCI_RC_ATS}) and the endpoint all support
     * ATS ({@code arm_smmu_ats_supported}; STE.EATS), and may stall only when firmware says so (S1STALLD, where
     * STALL_MODEL lets software choose).
     */
    public Master addMaster(DeviceDescription d, boolean rootComplexAts) {
        requireProbed();
        int sid = d.streamId();
        if (!strtab.covers(sid)) {
            throw ErrnoException.invalid("StreamID 0x" + Integer.toHexString(sid) + " is outside the stream table");
        }
        boolean prgPasid = d.pri() != null && Boolean.TRUE.equals(d.pri().prgResponsePasidRequired());
        Device dev = new Device(d.id(), sid, d.pasidBits(), d.hasPri(), d.hasAts(), d.canStall(), prgPasid);
        Master m;
        synchronized (this) {
            if (byId.containsKey(d.id()) || bySid.containsKey(sid)) {
                throw new ErrnoException(Errno.EEXIST, "device-exists", "device " + d.id() + " or StreamID 0x"
                        + Integer.toHexString(sid) + " is already behind the SMMU");
            }
            int ssidBits = Math.min(features.ssidBits(), dev.pasidBits());
            if (!features.cd2l()) {
                // Without 2-level CD tables, Linux caps a linear table at CTXDESC_LINEAR_CDMAX (1024 CDs, 64 KiB)
                // rather than allocate 64 MiB for a 20-bit master.
                ssidBits = Math.min(ssidBits, CTXDESC_LINEAR_CDMAX);
            }
            CtxDescCfg cds = new CtxDescCfg(bus, settings.owner(), cmdq, sid, ssidBits, features.cd2l());
            boolean stall = dev.stall() && features.stalls();
            m = new Master(dev, d, cds, stall, dev.ats() && features.ats() && rootComplexAts);
            strtab.write(sid, SteBuilder.stage1(new SteBuilder.Config(cds.base(), cds.s1Fmt(), cds.s1CdMax(),
                    features.stallModel() == StallModel.STALL_AND_TERMINATE && !stall, m.atsSupported, e2hActive,
                    prgPasid && features.pri())));
            bySid.put(sid, m);
            byId.put(d.id(), m);
        }
        if (m.atsSupported && d.isPci()) {
            // A probe after an SMMU reset meets an endpoint whose ATS may still be on from before, with
            // translations of the old configuration in its ATC: drop them before the STE is used. Outside the
            // lock: the CMD_SYNC waits for the endpoint's completion.
            flushAtc(m);
        }
        return m;
    }

    /**
     * {@code arm_smmu_enable_ats}: "Flush the ATC before enabling ATS". CMD_ATC_INV with SSV = 0 and Size =
     * 52 — every translation the endpoint holds, with and without PASID — then CMD_SYNC, which waits for the
     * endpoint's Invalidation Completion (IHI 0070 §3.9.1, §4.5.1). Whatever the ATC kept from an earlier
     * attach, or from before an SMMU or endpoint reset, would otherwise be used under the new STE and CDs.
     */
    private void flushAtc(Master m) {
        cmdq.issueSync(List.of(TlbInvalidator.atcInv(m.sid(), false, 0, 0, 0)));
    }

    /**
     * Boot-time reset of an endpoint found behind the SMMU at probe. The SMMU may have been reset while the
     * endpoint kept running (iommu-service restarted, device-service did not): it may still have PASID, PRI and
     * ATS enabled from the SMMU's previous life. {@link #addMaster} already flushed its whole ATC; here whatever
     * it has enabled is disabled too, so the endpoint is in the state this driver believes (nothing enabled
     * until {@link #enableSva}), and no page request tagged with an old PASID is sent to the new SMMU.
     */
    public void resetEndpointAtProbe(String deviceId) {
        Master m = masterOf(deviceId);
        if (!m.description.isPci()) {
            return;
        }
        Device d = m.device;
        if (d.pasidBits() > 0 || d.pri() || d.ats()) {
            endpoints.disable(d, d.pasidBits() > 0, d.pri(), d.ats());
        }
    }

    /** The core's view of a master. */
    public static Device deviceOf(Master m) {
        return m.device;
    }

    public Optional<Master> master(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public Optional<Master> masterBySid(int sid) {
        return Optional.ofNullable(bySid.get(sid));
    }

    public Collection<Master> masters() {
        return List.copyOf(byId.values());
    }

    /** The STE of a master as it is in RAM (for inspection and tests). */
    public long[] steOf(int sid) {
        return requireProbed().strtab.read(sid).words();
    }

    /** Every valid CD of a master as it is in RAM, by SSID (for the audit). */
    public Map<Integer, Cd> validCdsOf(String deviceId) {
        return masterOf(deviceId).cdTable.validCds();
    }

    /** The RAM address of a master's CD table (its STE's S1ContextPtr). */
    public long cdTableBaseOf(String deviceId) {
        return masterOf(deviceId).cdTable.base();
    }

    /** The RAM address of the stream table (STRTAB_BASE). */
    public long streamTableBase() {
        return requireProbed().strtab.base();
    }

    /** The CD at {@code ssid} of a master as it is in RAM. */
    public long[] cdOf(String deviceId, int ssid) {
        return masterOf(deviceId).cdTable.read(ssid).words();
    }

    Master masterOf(Device device) {
        return masterOf(device.id());
    }

    Master masterOf(String id) {
        Master m = byId.get(id);
        if (m == null) {
            throw new ErrnoException(Errno.ENODEV, "no-such-device", "no device " + id + " behind the SMMU");
        }
        return m;
    }

    // ---------------------------------------------------------------- IommuDriverOps: SVA

    @Override
    public Optional<SvaSupport> svaSupport(Device device) {
        if (features == null || !gate.available() || !byId.containsKey(device.id())) {
            return Optional.empty();
        }
        // The PASIDs this master can use: its CD table's, which is capped without CD2L.
        return Optional.of(new SvaSupport(byId.get(device.id()).cdTable.s1CdMax(), features.pri(), features.stalls()));
    }

    /**
     * {@code arm_smmu_master_enable_sva} and the PCI side of init: PASID, then PRI with the outstanding page
     * request allocation when the device will fault through PRI, and ATS, on the endpoint. The STE already
     * accepts translation requests, so the endpoint's first one finds EATS set.
     */
    @Override
    public void enableSva(Device device, boolean iopf) {
        Master m = masterOf(device);
        boolean pci = m.description.isPci();
        boolean pasid = pci && device.pasidBits() > 0;
        boolean ats = pci && m.atsSupported;
        // PRI only with ATS: a page request follows an ATS "no translation" (v1: PRI is enabled after ATS).
        boolean pri = pci && iopf && device.pri() && features.pri() && ats;
        if (ats) {
            flushAtc(m);
        }
        if (pasid || pri || ats) {
            endpoints.enable(device, pasid, pri, ats, m.outstandingPageRequests());
        }
        synchronized (m) {
            m.pasidEnabled = pasid;
            m.priEnabled = pri;
            m.atsEnabled = ats;
        }
    }

    /**
     * Installs the shared CD ({@code arm_smmu_alloc_shared_cd} + {@code arm_smmu_write_ctx_desc}): TTB0 =
     * the process's pgd, its pinned ASID, the CPU's T0SZ and IPS, HA/HD with HTTU, S for a stalling master.
     * If a private domain holds that ASID, it is moved first ("Seize private ASID").
     */
    @Override
    public void attach(Device device, int pasid, long pgd, int asid, boolean stall) {
        Master m = masterOf(device);
        asids.share(asid, pgd);
        // A CD write is the SMMU's business only: the device driver learns that its PASID is bound again from the
        // bind's result, which the core hands it (DeviceDriverPort.pasidRebound), not from this driver.
        try {
            CpuFeatures cpu = settings.cpu();
            Cd cd = CdBuilder.valid(
                    new CdBuilder.AddressSpace(pgd, asid, 64 - cpu.vaBits(), cpu.paBits()),
                    new CdBuilder.Options(features.hasHa(), features.hasHd(), cdStall(stall), true));
            m.cdTable.install(pasid, cd);
        } catch (RuntimeException e) {
            asids.unshare(asid);
            throw e;
        }
    }

    /** CD.S: what the context asks, but always 1 under a forced stall model (CD.S = 0 is ILLEGAL there). */
    private boolean cdStall(boolean wanted) {
        return wanted || features.stallModel() == StallModel.STALL_FORCED;
    }

    /** Clears the CD: V = 0, CMD_CFGI_CD, SYNC, TLBI by ASID, SYNC, ATC_INV of the PASID, SYNC. */
    @Override
    public void detach(Device device, int pasid, int asid) {
        Master m = masterOf(device);
        List<Command> cfgi = List.of(m.cdTable.cfgi(pasid));
        List<Command> tlb = List.of(tlbi.asid(asid));
        List<Command> atc = m.atsEnabled() ? List.of(TlbInvalidator.atcInv(m.sid(), true, pasid, 0, 0)) : List.of();
        // V = 0 (in the CFGI's bus write); CFGI; SYNC; TLBI; SYNC; ATC_INV; SYNC: no TLB refill from the old CD,
        // no ATC refill from the old TLB.
        cmdq.issueStages(List.of(cfgi, tlb, atc), List.of(m.cdTable.clearing(pasid)));
        invalidations.issued(concat(cfgi, tlb, atc), m, pasid);
        asids.unshare(asid);
    }

    /**
     * {@code arm_smmu_mm_invalidate_range}: TLBI of the range by ASID unless the SMMU took the CPU's broadcast
     * TLBI (BTM), CMD_SYNC, then ATC_INV at the PASID for every device with ATS, then CMD_SYNC, which waits for
     * the endpoints' invalidation completions too.
     */
    @Override
    public void invalidateRange(List<Device> devices, int pasid, int asid, long start, long end, boolean btm) {
        List<Command> tlb = btm && btmActive ? List.of() : List.copyOf(tlbi.range(asid, start, end, false));
        List<Command> atc = new ArrayList<>();
        for (Device d : devices) {
            Master m = byId.get(d.id());
            if (m != null && m.atsEnabled()) {
                atc.add(TlbInvalidator.atcInv(m.sid(), true, pasid, start, end));
            }
        }
        if (tlb.isEmpty() && atc.isEmpty()) {
            return;
        }
        // TLBI; SYNC; ATC_INV; SYNC (IHI 0070 §4.5.1): an endpoint refetching between an ATC_INV and a TLBI
        // that had not completed yet would cache the old translation again.
        cmdq.issueStages(List.of(tlb, atc));
        invalidations.issued(concat(tlb, atc), devices.size() == 1 ? byId.get(devices.get(0).id()) : null, pasid);
    }

    @Override
    public void drainFaults(Device device) {
        if (priq != null) {
            priq.drain();
        }
        if (evtq != null) {
            evtq.drain();
        }
    }

    /** CMD_PRI_RESP, fire and forget (no CMD_SYNC: "PRI_RESP is fire and forget"). */
    @Override
    public void pageResponse(Device device, OptionalInt pasid, int prgIndex, PrgResponseCode code) {
        Master m = masterOf(device);
        cmdq.issue(List.of(new CmdPriResp(m.sid(), pasid.isPresent(), pasid.orElse(0), prgIndex, code)));
    }


    @SafeVarargs
    static List<Command> concat(List<? extends Command>... stages) {
        List<Command> all = new ArrayList<>();
        for (List<? extends Command> stage : stages) {
            all.addAll(stage);
        }
        return all;
    }

    /** CMD_RESUME: "RESUME consumption guarantees that the stalled transaction will be terminated" — no SYNC. */
    @Override
    public void resume(Device device, int stag, boolean retry) {
        Master m = masterOf(device);
        cmdq.issue(List.of(new CmdResume(m.sid(), stag, retry ? ResumeAction.RETRY : ResumeAction.ABORT)));
    }

    /** Disables PRI, PASID and ATS on the endpoint, then drops whatever its ATC still holds. */
    @Override
    public void resetDevice(Device device) {
        Master m = masterOf(device);
        boolean pasid;
        boolean pri;
        boolean ats;
        synchronized (m) {
            pasid = m.pasidEnabled;
            pri = m.priEnabled;
            ats = m.atsEnabled;
            m.pasidEnabled = false;
            m.priEnabled = false;
            m.atsEnabled = false;
        }
        if (pasid || pri || ats) {
            endpoints.disable(device, pasid, pri, ats);
        }
        if (ats) {
            flushAtc(m);
        }
    }

    // ---------------------------------------------------------------- private domains

    /** A new private domain with its own page table and ASID. */
    public PrivateDomain createDomain() {
        return requireProbed().domains.create();
    }

    public Optional<PrivateDomain> domain(long id) {
        return domains == null ? Optional.empty() : domains.get(id);
    }

    public Collection<PrivateDomain> domains() {
        return domains == null ? List.of() : domains.all();
    }

    /** The ASID a domain uses now (it changes when seized). */
    public int asidOf(PrivateDomain d) {
        return domains.asidOf(d);
    }

    /** Attaches a master: its CD 0 becomes the domain's context. EBUSY if it is attached elsewhere. */
    public void attachDomain(PrivateDomain d, String deviceId) {
        domains.attach(d, masterOf(deviceId));
    }

    public void detachDomain(PrivateDomain d, String deviceId) {
        domains.detach(d, masterOf(deviceId));
    }

    public void map(PrivateDomain d, long iova, List<Long> pages, boolean read, boolean write) {
        domains.map(d, iova, pages, read, write);
    }

    /** Returns the bytes unmapped, after TLB and ATC invalidation completed. */
    public long unmap(PrivateDomain d, long iova, long size) {
        return domains.unmap(d, iova, size);
    }

    public void freeDomain(PrivateDomain d) {
        domains.free(d);
    }

    public long iovaToPhys(PrivateDomain d, long iova) {
        return domains.iovaToPhys(d, iova);
    }
}
