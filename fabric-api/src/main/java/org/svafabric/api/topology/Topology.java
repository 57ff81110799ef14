package org.svafabric.api.topology;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.timing.TimingSection;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The fabric's firmware description: the SMMUs, the root complexes and the devices behind them, loaded from YAML
 * at start (the default is {@code classpath:fabric-topology.yml}; {@code fabric.topology} names another file). Both
 * iommu-service (the SMMUs' ID registers) and device-service (the devices) read it. Its {@code timing:} section
 * prices the model clock ({@link TimingSection}).
 *
 * <p>A machine has one SMMU ({@code smmu:}) or several ({@code smmus:}, one per root complex or I/O die, as IORT
 * lists several SMMUv3 nodes). Each device sits behind one: the SMMU it names, else its root complex's, else the
 * first. StreamIDs are per SMMU (each has its own stream table), so two devices behind different SMMUs may share
 * one; device ids are global.
 */
public record Topology(SmmuDescription smmu, List<SmmuDescription> smmus, List<DeviceDescription> devices,
                       TimingSection timing, List<RootComplex> rootComplexes) {

    public static final String DEFAULT_RESOURCE = "fabric-topology.yml";

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** {@code smmu} is the first of {@code smmus}; a topology that gives only one of them gets the other from it. */
    public Topology {
        if (smmus == null || smmus.isEmpty()) {
            smmus = List.of(smmu == null ? SmmuDescription.defaults() : smmu);
        } else {
            smmus = List.copyOf(smmus);
        }
        smmu = smmu == null ? smmus.get(0) : smmu;
        devices = devices == null ? List.of() : List.copyOf(devices);
        timing = timing == null ? TimingSection.defaults() : timing;
        rootComplexes = rootComplexes == null || rootComplexes.isEmpty() ? List.of(RootComplex.defaults()) : List.copyOf(rootComplexes);
    }

    public Topology(SmmuDescription smmu, List<DeviceDescription> devices, TimingSection timing,
                    List<RootComplex> rootComplexes) {
        this(smmu, null, devices, timing, rootComplexes);
    }

    public Topology(SmmuDescription smmu, List<DeviceDescription> devices, TimingSection timing) {
        this(smmu, null, devices, timing, null);
    }

    public Topology(SmmuDescription smmu, List<DeviceDescription> devices) {
        this(smmu, null, devices, null, null);
    }

    /**
     * The root complex a device sits below: the one it names, or the first for a PCIe device that names none; empty
     * for a platform device (or a name this topology does not have, which {@link #problems} refuses).
     */
    public Optional<RootComplex> rootComplexOf(DeviceDescription d) {
        if (!d.isPci()) {
            return Optional.empty();
        }
        if (d.rootComplex() == null) {
            return Optional.of(rootComplexes.get(0));
        }
        return rootComplexes.stream().filter(rc -> d.rootComplex().equals(rc.id())).findFirst();
    }

    /** The SMMU named {@code name}, if this topology has it. */
    public Optional<SmmuDescription> smmu(String name) {
        return smmus.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The name of the SMMU a device sits behind: the one it names, else its root complex's, else the first. */
    public String smmuNameOf(DeviceDescription d) {
        if (d.smmu() != null) {
            return d.smmu();
        }
        return rootComplexOf(d).map(RootComplex::smmu).orElse(smmus.get(0).name());
    }

    /** The SMMU a device sits behind (empty for a name this topology does not have, which {@link #problems} refuses). */
    public Optional<SmmuDescription> smmuOf(DeviceDescription d) {
        return smmu(smmuNameOf(d));
    }

    /** The names of the SMMUs, in the topology's order. */
    public List<String> smmuNames() {
        return smmus.stream().map(SmmuDescription::name).toList();
    }

    /** This topology's SMMUs and root complexes, without devices (what a service keeps before it learns them). */
    public Topology withoutDevices() {
        return new Topology(smmu, smmus, List.of(), timing, rootComplexes);
    }

    /** This topology with only the devices {@code keep} accepts (a device-service shard's part of it). */
    public Topology withDevices(java.util.function.Predicate<DeviceDescription> keep) {
        return new Topology(smmu, smmus, devices.stream().filter(keep).toList(), timing, rootComplexes);
    }

    public static Topology load(InputStream in, String source) {
        try {
            Topology t = YAML.readValue(in, Topology.class);
            List<String> p = t.problems();
            if (!p.isEmpty()) {
                throw new IllegalStateException("invalid topology " + source + ": " + String.join("; ", p));
            }
            return t;
        } catch (JacksonException e) {
            throw new IllegalStateException("cannot read topology " + source + ": " + e.getOriginalMessage(), e);
        }
    }

    public static Topology loadDefault() {
        return loadResource(DEFAULT_RESOURCE);
    }

    /** A topology bundled on the classpath ({@code fabric-topology.yml}, {@code fabric-topology-2smmu.yml}). */
    public static Topology loadResource(String resource) {
        try (InputStream in = Topology.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath");
            }
            return load(in, "classpath:" + resource);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A file, or with {@code classpath:} a bundled resource; blank: the default. What {@code fabric.topology} names.
     */
    public static Topology loadFrom(String location) {
        if (location == null || location.isBlank()) {
            return loadDefault();
        }
        if (location.startsWith("classpath:")) {
            return loadResource(location.substring("classpath:".length()));
        }
        try (InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(location))) {
            return load(in, location);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read topology " + location + ": " + e.getMessage(), e);
        }
    }

    /** Every problem of the SMMUs and of each device, with duplicate names, ids and StreamIDs. */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        Set<String> names = new HashSet<>();
        if (smmu != smmus.get(0) && !smmu.equals(smmus.get(0))) {
            p.add("give smmu: (one SMMU) or smmus: (several), not both");
        }
        for (SmmuDescription s : smmus) {
            String prefix = smmus.size() == 1 ? "" : "smmu " + s.name() + ": ";
            s.problems().forEach(x -> p.add(prefix + x));
            if (s.name().isBlank() || !s.name().matches("[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?")) {
                p.add("smmu name '" + s.name() + "' must be 1-32 lowercase letters, digits or '-' (it names a service instance)");
            } else if (!names.add(s.name())) {
                p.add("smmu " + s.name() + ": duplicate name");
            }
        }
        p.addAll(timing.problems());
        Set<String> ids = new HashSet<>();
        Set<String> sids = new HashSet<>();
        Set<String> rcs = new HashSet<>();
        for (RootComplex rc : rootComplexes) {
            if (rc.id() == null || rc.id().isBlank()) {
                p.add("every root complex needs an id");
            } else if (!rcs.add(rc.id())) {
                p.add("root complex " + rc.id() + ": duplicate id");
            }
            if (rc.smmu() != null && !names.contains(rc.smmu())) {
                p.add("root complex " + rc.id() + ": smmu " + rc.smmu() + " is not one of the topology's SMMUs " + names);
            }
        }
        for (DeviceDescription d : devices) {
            Optional<SmmuDescription> behind = smmuOf(d);
            List<String> dp = new ArrayList<>(d.problems(behind.orElse(smmu)));
            if (d.rootComplex() != null && !rcs.contains(d.rootComplex())) {
                dp.add("rootComplex " + d.rootComplex() + " is not one of the topology's root complexes " + rcs);
            }
            if (behind.isEmpty()) {
                dp.add("smmu " + smmuNameOf(d) + " is not one of the topology's SMMUs " + names);
            }
            dp.forEach(x -> p.add("device " + d.id() + ": " + x));
            if (dp.isEmpty()) {
                if (!ids.add(d.id())) {
                    p.add("device " + d.id() + ": duplicate id");
                }
                if (!sids.add(smmuNameOf(d) + "/" + d.streamId())) {
                    p.add("device " + d.id() + ": StreamID 0x" + Integer.toHexString(d.streamId()) + " is already used"
                            + (smmus.size() == 1 ? "" : " behind " + smmuNameOf(d)));
                }
            }
        }
        return p;
    }

    /** This topology with one more device (hotplug), or EINVAL with every reason it is refused. */
    public Topology plus(DeviceDescription d) {
        List<DeviceDescription> all = new ArrayList<>(devices);
        all.add(d);
        Topology t = new Topology(smmu, smmus, all, timing, rootComplexes);
        List<String> p = t.problems();
        if (!p.isEmpty()) {
            throw new ErrnoException(org.svafabric.api.error.Errno.EINVAL, "invalid-device-description", String.join("; ", p));
        }
        return t;
    }
}
