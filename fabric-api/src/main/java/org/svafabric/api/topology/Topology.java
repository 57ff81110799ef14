package org.svafabric.api.topology;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.timing.TimingSection;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The fabric's firmware description: the SMMU and the devices behind it, loaded from YAML at
 * start (the default is {@code classpath:fabric-topology.yml}; {@code fabric.topology} names
 * another file). Both iommu-service (the SMMU's ID registers) and device-service (the devices)
 * read it. Its {@code timing:} section prices the model clock ({@link TimingSection}).
 */
public record Topology(SmmuDescription smmu, List<DeviceDescription> devices, TimingSection timing,
                       List<RootComplex> rootComplexes) {

    public static final String DEFAULT_RESOURCE = "fabric-topology.yml";

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public Topology {
        smmu = smmu == null ? SmmuDescription.defaults() : smmu;
        devices = devices == null ? List.of() : List.copyOf(devices);
        timing = timing == null ? TimingSection.defaults() : timing;
        rootComplexes = rootComplexes == null || rootComplexes.isEmpty() ? List.of(RootComplex.defaults()) : List.copyOf(rootComplexes);
    }

    public Topology(SmmuDescription smmu, List<DeviceDescription> devices, TimingSection timing) {
        this(smmu, devices, timing, null);
    }

    public Topology(SmmuDescription smmu, List<DeviceDescription> devices) {
        this(smmu, devices, null, null);
    }

    /**
     * The root complex a device sits below: the one it names, or the first for a PCIe device that names none; empty
     * for a platform device (or a name this topology does not have, which {@link #problems} refuses).
     */
    public java.util.Optional<RootComplex> rootComplexOf(DeviceDescription d) {
        if (!d.isPci()) {
            return java.util.Optional.empty();
        }
        if (d.rootComplex() == null) {
            return java.util.Optional.of(rootComplexes.get(0));
        }
        return rootComplexes.stream().filter(rc -> d.rootComplex().equals(rc.id())).findFirst();
    }

    /** This topology's SMMU and root complexes, without devices (what a service keeps before it learns them). */
    public Topology withoutDevices() {
        return new Topology(smmu, List.of(), timing, rootComplexes);
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
        try (InputStream in = Topology.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULT_RESOURCE + " is not on the classpath");
            }
            return load(in, "classpath:" + DEFAULT_RESOURCE);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every problem of the SMMU and of each device, with duplicate ids and StreamIDs. */
    public List<String> problems() {
        List<String> p = new ArrayList<>(smmu.problems());
        p.addAll(timing.problems());
        Set<String> ids = new HashSet<>();
        Set<Integer> sids = new HashSet<>();
        Set<String> rcs = new HashSet<>();
        for (RootComplex rc : rootComplexes) {
            if (rc.id() == null || rc.id().isBlank()) {
                p.add("every root complex needs an id");
            } else if (!rcs.add(rc.id())) {
                p.add("root complex " + rc.id() + ": duplicate id");
            }
        }
        for (DeviceDescription d : devices) {
            List<String> dp = new ArrayList<>(d.problems(smmu));
            if (d.rootComplex() != null && !rcs.contains(d.rootComplex())) {
                dp.add("rootComplex " + d.rootComplex() + " is not one of the topology's root complexes " + rcs);
            }
            dp.forEach(x -> p.add("device " + d.id() + ": " + x));
            if (dp.isEmpty()) {
                if (!ids.add(d.id())) {
                    p.add("device " + d.id() + ": duplicate id");
                }
                if (!sids.add(d.streamId())) {
                    p.add("device " + d.id() + ": StreamID 0x" + Integer.toHexString(d.streamId()) + " is already used");
                }
            }
        }
        return p;
    }

    /** This topology with one more device (hotplug), or EINVAL with every reason it is refused. */
    public Topology plus(DeviceDescription d) {
        List<DeviceDescription> all = new ArrayList<>(devices);
        all.add(d);
        Topology t = new Topology(smmu, all, timing, rootComplexes);
        List<String> p = t.problems();
        if (!p.isEmpty()) {
            throw new ErrnoException(org.svafabric.api.error.Errno.EINVAL, "invalid-device-description", String.join("; ", p));
        }
        return t;
    }
}
