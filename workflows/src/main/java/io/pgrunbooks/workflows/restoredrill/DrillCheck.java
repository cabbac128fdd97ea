package io.pgrunbooks.workflows.restoredrill;

/** One verdict of a drill: name, passed or not, and what was seen. */
public record DrillCheck(String name, boolean ok, String detail) {}
