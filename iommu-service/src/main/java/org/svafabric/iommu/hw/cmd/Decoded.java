package org.svafabric.iommu.hw.cmd;

/** What {@link CommandDecoder} makes of a queue entry: a command, or the reason it is CERROR_ILL. */
public sealed interface Decoded {

    record Valid(Command command) implements Decoded {
    }

    record Illegal(String reason) implements Decoded {
    }
}
