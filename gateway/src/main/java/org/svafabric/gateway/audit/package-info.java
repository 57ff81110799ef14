/** The invariant audit: the services' own views joined, and the invariants that span services checked. */
package org.svafabric.gateway.audit;
