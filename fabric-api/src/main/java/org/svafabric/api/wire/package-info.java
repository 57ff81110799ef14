/**
 * What the services say to each other besides records: the header names and the enums on the wire (PRG
 * response codes, ATS completion status, process states), each defined once for client and server.
 */
package org.svafabric.api.wire;
