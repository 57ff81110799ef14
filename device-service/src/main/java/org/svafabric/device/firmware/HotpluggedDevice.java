package org.svafabric.device.firmware;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A hot-plugged device's description, as JSON, in plug order. */
@Entity
@Table(name = "hotplugged_device")
public class HotpluggedDevice {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long seq;

    @Column(name = "device_id", nullable = false, unique = true, length = 64)
    private String deviceId;

    @Column(nullable = false, length = 4000)
    private String description;

    @Column(name = "plugged_at", nullable = false)
    private Instant pluggedAt;

    protected HotpluggedDevice() {
    }

    public HotpluggedDevice(String deviceId, String description, Instant pluggedAt) {
        this.deviceId = deviceId;
        this.description = description;
        this.pluggedAt = pluggedAt;
    }

    public String description() {
        return description;
    }
}
