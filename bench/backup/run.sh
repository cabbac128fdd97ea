#!/usr/bin/env bash
# Raw pg_dump -Fc + pg_restore -j N versus Backup + BackupVerification on one database, in alternating pairs.
# Usage: bench/backup/run.sh [pgbench scale, default 140 = ~2.5 GB with the notes table]
#                            [restore jobs, default cores] [pairs, default 4]
# Env: BENCH_NOTES (rows of the text table, default 3000000), BENCH_XMX (heap cap of the worker JVM, e.g. 256m)
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -o -q -pl activities -am test -Dtest=BackupBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dlogback.configurationFile="$PWD/bench/backup/logback.xml" -Dbench.scale="${1:-140}" ${2:+-Dbench.jobs=$2} ${3:+-Dbench.pairs=$3} ${BENCH_NOTES:+-Dbench.notes=$BENCH_NOTES} \
  ${BENCH_XMX:+-DargLine=-Xmx$BENCH_XMX} || true
grep -h '^BENCH' activities/target/surefire-reports/io.pgrunbooks.activities.backup.BackupBenchmark-output.txt
