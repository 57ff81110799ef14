package org.svafabric.gateway.vfio;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.stereotype.Component;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.device.DeviceApi;
import org.svafabric.api.device.DeviceViews;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;

/**
 * IOMMU groups: the smallest sets of devices the IOMMU can isolate from each other. As on a PCIe
 * topology without ACS, the functions of one multi-function PCI device (same domain:bus:device)
 * share a group; every other device is alone. A group's number is the lowest StreamID in it.
 */
@Component
public class VfioGroups {
    private final DeviceApi devices;

    public VfioGroups(ServiceClients clients) {
        this.devices = clients.device();
    }

    public record Group(int id, List<String> devices) {
    }

    public List<Group> all() {
        Map<String, List<DeviceViews.Device>> byKey = new TreeMap<>();
        for (DeviceViews.Device d : devices.devices()) {
            String id = d.id();
            String key = "pci".equals(d.type()) && id.contains(".") ? id.substring(0, id.lastIndexOf('.')) : id;
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(d);
        }
        List<Group> groups = new ArrayList<>();
        for (List<DeviceViews.Device> members : byKey.values()) {
            int id = members.stream().mapToInt(DeviceViews.Device::sid).min().orElseThrow();
            groups.add(new Group(id, members.stream().map(DeviceViews.Device::id).sorted().toList()));
        }
        groups.sort((a, b) -> Integer.compare(a.id(), b.id()));
        return groups;
    }

    public Group get(int id) {
        return all().stream().filter(g -> g.id() == id).findFirst()
                .orElseThrow(() -> new ErrnoException(Errno.ENOENT, "no-such-group", "no IOMMU group " + id + " (GET /api/v1/vfio/groups lists them)"));
    }
}
