/** What device-service keeps in its database beside the hotplug journal: the job-number blocks. */
package org.svafabric.device.store;
