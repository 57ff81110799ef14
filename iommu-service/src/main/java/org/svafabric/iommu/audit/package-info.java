/** The invariant audit's view of the SMMU: bonds, the valid CDs in RAM, the tables the SMMU reads from RAM. */
package org.svafabric.iommu.audit;
