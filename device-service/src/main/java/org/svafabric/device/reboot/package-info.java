/** Restarts as machine events, seen from the devices: a reboot of RAM or of the SMMU resets every device. */
package org.svafabric.device.reboot;
