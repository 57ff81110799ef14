package org.svafabric.mm.process;

/** RUNNING until exit starts; EXITING while the notifiers' release and teardown run; EXITED after; LOST if RAM went away under it (restart). */
public enum ProcessState {
    RUNNING, EXITING, EXITED, LOST
}
