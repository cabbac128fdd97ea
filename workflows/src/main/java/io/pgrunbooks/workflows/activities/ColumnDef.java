package io.pgrunbooks.workflows.activities;

/** One column as the catalog shows it: {@code type} is {@code format_type(atttypid, atttypmod)}. */
public record ColumnDef(String name, String type, boolean notNull) {}
