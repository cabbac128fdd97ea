#!/usr/bin/env bash
# 200 partitioned tables x 36 monthly partitions: PartitionMaintenance vs pg_partman run_maintenance(), median of 3.
# Needs what the tests need plus: apt-get install -y postgresql-15-partman   (CI does not run this benchmark).
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -o -q -pl activities -am test -Dtest=PartitionMaintenanceBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.tables="${TABLES:-200}" -Dbench.runs="${RUNS:-3}" \
  -Dlogback.configurationFile="$PWD/bench/partition-maintenance/logback.xml"
# Surefire put the output into the report XML's <system-out> instead of the -output.txt file (left empty) in one
# TABLES=2000 run: read whichever has it.
reports=activities/target/surefire-reports/io.pgrunbooks.activities.bench.PartitionMaintenanceBenchmark
out="$reports-output.txt"
[ -s "$out" ] || out="$(dirname "$reports")/TEST-$(basename "$reports").xml"
grep -E '^(source|run |  runbook|  PROFILE|  STATEMENTS|MEDIAN)' "$out"
