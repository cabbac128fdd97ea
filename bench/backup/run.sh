#!/usr/bin/env bash
# Raw pg_dump -Fc + pg_restore -j N versus Backup + BackupVerification on one database.
# Usage: bench/backup/run.sh [pgbench scale, default 140 = ~2.1 GB] [restore jobs, default cores]
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -o -q -pl activities -am test -Dtest=BackupBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.scale="${1:-140}" ${2:+-Dbench.jobs=$2} || true
grep -h '^BENCH' activities/target/surefire-reports/io.pgrunbooks.activities.backup.BackupBenchmark-output.txt
