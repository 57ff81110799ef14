/** The invariant audit's view of RAM and the processes (joined with the other services' by the gateway). */
package org.svafabric.mm.audit;
