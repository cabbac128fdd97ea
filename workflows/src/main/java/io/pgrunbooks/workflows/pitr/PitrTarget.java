package io.pgrunbooks.workflows.pitr;

/**
 * The one recovery target of a run, as pgBackRest takes it.
 *
 * @param type {@code time}, {@code lsn} or {@code name} ({@code --type})
 * @param value {@code --target}: the time in PostgreSQL's format, the LSN, or the restore point's name
 * @param micros the time in microseconds since the epoch; 0 for an LSN or name target
 * @param lsn the LSN as a number; -1 for a time or name target
 */
public record PitrTarget(String type, String value, long micros, long lsn) {}
