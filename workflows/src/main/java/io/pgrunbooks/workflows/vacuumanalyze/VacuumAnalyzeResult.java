package io.pgrunbooks.workflows.vacuumanalyze;

import io.pgrunbooks.workflows.activities.VacuumActivities.TableVacuum;
import io.pgrunbooks.workflows.common.RunReport;
import java.util.List;

/**
 * Result of {@code VacuumAnalyze}.
 *
 * @param plan the tables chosen, in the order they were (to be) processed, urgent ones first
 * @param done per table: dead tuples before/after, pages removed, duration
 * @param left tables the window's end (or a cancelled VACUUM) left unprocessed
 * @param failed {@code schema.name: reason} of each table whose VACUUM failed after its retries (the run goes on)
 * @param urgent tables whose {@code age(relfrozenxid)} is near wraparound
 * @param replicaPauses how many times the run waited for a replica to catch up
 */
public record VacuumAnalyzeResult(RunReport report, List<VacuumPlanner.PlannedTable> plan, List<TableVacuum> done,
                                  List<String> left, List<String> failed, List<String> urgent,
                                  int replicaPauses) {}
