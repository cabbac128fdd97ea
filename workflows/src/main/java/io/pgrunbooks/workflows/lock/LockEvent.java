package io.pgrunbooks.workflows.lock;

import java.time.Instant;

/** One line of a topology lock's log: a grant, refusal, release, or a lock freed because its holder ended. */
public record LockEvent(Instant at, String what) {}
