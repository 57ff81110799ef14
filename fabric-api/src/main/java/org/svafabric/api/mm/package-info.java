/**
 * The internal REST contract of mm-service ("the CPU side and all RAM"): request and response
 * records of {@code /mm/v1/...}, and the bodies of the MMU-notifier callbacks mm-service makes.
 * Addresses are {@link org.svafabric.api.json.Addr} (hex out, hex-or-int in); 64-bit data words
 * are {@link org.svafabric.api.mm.Word64}.
 */
package org.svafabric.api.mm;
