/** Restarts as machine events, seen from RAM: what a rebooted SMMU driver leaves behind is freed. */
package org.svafabric.mm.reboot;
