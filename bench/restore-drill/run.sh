#!/usr/bin/env bash
# RestoreDrill's RTO vs bare pgbackrest restore + pg_ctl start + pg_isready on a ~2 GB database (pgbench scale 130),
# median of RUNS (3), and the WAL archive lag under pgbench -R RATE (300 tps) for LOAD_SECONDS (60) per run.
# The database and its full backup are cached in BENCH_DIR (/var/tmp/pg-runbooks-bench/restore-drill); delete it to
# rebuild. Needs what the tests need (postgresql-15, pgbackrest). CI does not run this benchmark.
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -o -q -pl activities -am test -Dtest=RestoreDrillBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dimages.skip=true -Dbench.scale="${SCALE:-130}" -Dbench.runs="${RUNS:-3}" -Dbench.rate="${RATE:-300}" \
  -Dbench.loadSeconds="${LOAD_SECONDS:-60}" ${BENCH_DIR:+-Dbench.dir=$BENCH_DIR} \
  -Dlogback.configurationFile="$PWD/bench/restore-drill/logback.xml" || true
grep -h '^BENCH' activities/target/surefire-reports/io.pgrunbooks.activities.bench.RestoreDrillBenchmark-output.txt
