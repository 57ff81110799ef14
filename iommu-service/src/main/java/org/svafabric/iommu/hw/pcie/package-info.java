/**
 * The SMMU's side of the PCIe hierarchy: {@link org.svafabric.iommu.hw.pcie.PcieLink}, the link down to the
 * endpoints that ATS Invalidation Requests and PRG Responses travel on. (Requests coming up the link, ATS
 * Translation Requests and Page Requests, enter through {@code hw/ats} and {@code hw/pri}.)
 */
package org.svafabric.iommu.hw.pcie;
