package org.svafabric.mm.notifier;

/** A subscriber answered a notifier call with something other than an acknowledgement. */
public class NotifierRefusedException extends RuntimeException {
    public NotifierRefusedException(String message) {
        super(message);
    }
}
