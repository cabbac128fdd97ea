package io.pgrunbooks.workflows.failoverdrill;

/** One RB-4 success criterion of a drill, with the evidence it was judged on. */
public record DrillCriterion(String name, boolean passed, String evidence) {}
