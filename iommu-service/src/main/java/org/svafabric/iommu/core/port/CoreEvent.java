package org.svafabric.iommu.core.port;

/**
 * A flow event for the event log. Fields that do not apply are null.
 *
 * @param device the device id
 * @param addr   the page address of a fault
 * @param detail a short human-readable explanation
 */
public record CoreEvent(Type type, String device, Integer sid, Integer pasid, Long pid, Long addr, String detail) {

    public enum Type {
        BIND, UNBIND, MM_EXIT, PRI_REQUEST, PRI_RESPONSE, STALL, RESUME
    }
}
