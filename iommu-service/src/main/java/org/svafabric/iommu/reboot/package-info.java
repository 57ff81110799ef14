/**
 * Restarts as machine events: what this SMMU and its driver do when RAM (mm-service) or the devices
 * (device-service) rebooted under them.
 */
package org.svafabric.iommu.reboot;
