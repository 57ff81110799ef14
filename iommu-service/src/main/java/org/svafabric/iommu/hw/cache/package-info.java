/**
 * The configuration cache (STEs and CDs, kept until CMD_CFGI_*) and the per-stream counters the service exports.
 */
package org.svafabric.iommu.hw.cache;
