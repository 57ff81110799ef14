/** The ATS interface: Translation Requests from PCIe endpoints and the completions the SMMU returns. */
package org.svafabric.iommu.hw.ats;
