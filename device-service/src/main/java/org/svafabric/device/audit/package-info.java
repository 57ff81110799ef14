/** The invariant audit's view of the devices: ATC contents and the PRI interfaces' own findings. */
package org.svafabric.device.audit;
