#!/usr/bin/env bash
# The pack against Keycloak's own flows (issues #9 and #17), one command: builds the pack, starts the real Keycloak
# 26.7.3 distribution in dev mode with the pack's jar and six realms (the pack's, a copy for the account-count
# scenario, a copy with short lifespans for the heap and outbox phase, stock (a) password on the form, stock (b)
# "Verify email" and its own short-lifespan copy for the heap), runs the Gatling scenarios (registrations,
# onboardings and sign-ins also profiled with JFR), stops the server, runs the JMH captcha benchmarks, and writes
# benchmarks/target/summary.md and the chart.
#
# Usage: benchmarks/run.sh            the full run (12 minutes on 2 Intel cores before the heap phase grew; that phase
#            alone, BENCH_ONLY=outbox, about 19 minutes on 2 AMD EPYC cores)
#        BENCH_SCALE=quick benchmarks/run.sh   a short smoke run of every scenario (figures meaningless, under 3 minutes)
#        BENCH_ONLY=sign-in,profile benchmarks/run.sh   only these groups of scenarios (registration, onboarding,
#            sign-in, profile, stall, outbox, already-used), no JMH: for investigating, not for RESULTS.md
#        BENCH_USERS=2 benchmarks/run.sh   the concurrent phases with 2 users instead of the targets' 8 (for
#            investigating; the summary names the count and its verdicts are not the targets')
# Every run starts Keycloak on fixed ports: on a machine shared with other Keycloak runs, serialise them, e.g.
# `flock /tmp/kc-it.lock benchmarks/run.sh`.
# Fails only when a request fails or the server does not start; a missed target is a figure, not a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
STARTED=$(date +%s)
source scripts/java-home.sh

SCALE=${BENCH_SCALE:-full}
ONLY=${BENCH_ONLY:-}
THEME_CACHE=${BENCH_THEME_CACHE:-true}
OUT="$ROOT/benchmarks/target"
KC_VERSION=$(sed -n 's:.*<keycloak.version>\(.*\)</keycloak.version>.*:\1:p' pom.xml | head -1)
KC_HOME="$OUT/keycloak-$KC_VERSION"
# Not any test's ports (8080, 9000, 3025, 8500, 8081; the production-mode nodes' 8180-8380, 9180-9380, 3125-3226,
# 7800-7900, 15432-15532), so a test run or ./run.sh elsewhere does not collide.
KC_PORT=8480
MGMT_PORT=9480
SMTP_PORT=3425
ADMIN_USER=admin
ADMIN_PASSWORD=bench-only-admin
CLIENT_SECRET=bench-only-help-center-secret
REDIRECT_URI=http://127.0.0.1:8500/callback/oauth

say() { printf '\033[1m[bench %4ss] %s\033[0m\n' "$(( $(date +%s) - STARTED ))" "$*"; }

for port in "$KC_PORT" "$MGMT_PORT" "$SMTP_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "Port $port is in use: a benchmark server still running? Stop it and try again." >&2
    exit 1
  fi
done

say "Building the pack and the benchmarks"
mvn -B -q -DskipTests -pl providers,benchmarks -am install

if [ ! -x "$KC_HOME/bin/kc.sh" ]; then
  say "Unpacking Keycloak $KC_VERSION (from the local Maven repository)"
  REPO=$(mvn -B -q help:evaluate -Dexpression=settings.localRepository -DforceStdout -N 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g')
  ZIP="$REPO/org/keycloak/keycloak-quarkus-dist/$KC_VERSION/keycloak-quarkus-dist-$KC_VERSION.zip"
  [ -f "$ZIP" ] || mvn -B -q dependency:get -Dtransitive=false -Dartifact="org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip" -N
  rm -rf "$KC_HOME"
  unzip -q "$ZIP" -d "$OUT"
fi
rm -rf "$KC_HOME/data" "$KC_HOME/providers/"merchant-support-keycloak*.jar "$OUT/gatling" "$OUT/load" "$OUT/summary.md"
mkdir -p "$KC_HOME/data/import" "$OUT/load"
cp providers/target/merchant-support-keycloak-[0-9]*.jar "$KC_HOME/providers/merchant-support-keycloak.jar"
python3 benchmarks/realms.py "$KC_HOME/data/import"

say "Starting Keycloak $KC_VERSION (dev mode, embedded H2; log: benchmarks/target/load/keycloak.log)"
KC_PID=""
KC_JAVA_PID=""
stop_server() {
  for pid in $KC_PID $KC_JAVA_PID; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in $KC_PID $KC_JAVA_PID; do
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  KC_PID=""
  KC_JAVA_PID=""
}
trap stop_server EXIT INT TERM
(
  # A clean environment for the server: only what the realm JSONs' placeholders and the admin need.
  for name in $(env | sed -n 's/^\(KC_[A-Za-z0-9_]*\|JAVA_OPTS[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$name"; done
  export KC_BOOTSTRAP_ADMIN_USERNAME=$ADMIN_USER KC_BOOTSTRAP_ADMIN_PASSWORD=$ADMIN_PASSWORD
  export SMTP_HOST=127.0.0.1 SMTP_PORT=$SMTP_PORT SMTP_FROM=support-bot@merchant-support.test
  export MERCHANT_SUPPORT_CENTER_CLIENT_SECRET=$CLIENT_SECRET
  export HELP_CENTER_URL=http://127.0.0.1:8500 HELP_CENTER_REDIRECT_URI=$REDIRECT_URI
  export GOOGLE_CLIENT_ID=bench-only-google-client-id GOOGLE_CLIENT_SECRET=bench-only-google-client-secret GOOGLE_HOSTED_DOMAIN=
  export JAVA_OPTS_KC_HEAP="-Xms1g -Xmx2g"
  # Deep enough stacks for the profiled sign-ins (JFR's default 64 frames stop inside Vert.x and RESTEasy).
  # BENCH_JAVA_OPTS (for investigating): more JVM options for the server, e.g. -Xlog:jit+compilation=debug:file=...
  export JAVA_OPTS_APPEND="-XX:FlightRecorderOptions=stackdepth=512 ${BENCH_JAVA_OPTS:-}"
  # The outbox's retry task every 2 s (30 s by default): the drain phase and the gauge the run waits on see the
  # queue within 2 s. Metrics on the management port: merchant_support_outbox_*.
  # Themes and templates cached as in production (dev mode turns both off, which makes every page parse its
  # templates again: a fifth of a sign-in's server time in dev mode); BENCH_THEME_CACHE=false gives dev mode's.
  exec "$KC_HOME/bin/kc.sh" start-dev --import-realm --http-port "$KC_PORT" --http-management-port "$MGMT_PORT" \
    --health-enabled=true --metrics-enabled=true --spi-jpa-entity-provider--merchant-support--outbox-retry-seconds=2 \
    --spi-theme--cache-themes="$THEME_CACHE" --spi-theme--cache-templates="$THEME_CACHE" \
    --log-level=warn,org.keycloak.services:error
) > "$OUT/load/keycloak.log" 2>&1 &
KC_PID=$!
for _ in $(seq 1 240); do
  if curl -fsS "http://localhost:$KC_PORT/realms/stock-verify-email/.well-known/openid-configuration" >/dev/null 2>&1 \
    && curl -fsS "http://localhost:$KC_PORT/realms/merchant-support/.well-known/openid-configuration" >/dev/null 2>&1 \
    && curl -fsS "http://localhost:$MGMT_PORT/metrics" >/dev/null 2>&1; then
    break
  fi
  kill -0 "$KC_PID" 2>/dev/null || { echo "Keycloak stopped while starting:" >&2; tail -40 "$OUT/load/keycloak.log" >&2; exit 1; }
  sleep 1
done
curl -fsS "http://localhost:$KC_PORT/realms/merchant-support/.well-known/openid-configuration" >/dev/null \
  || { echo "Keycloak did not start in 4 minutes:" >&2; tail -40 "$OUT/load/keycloak.log" >&2; exit 1; }
KC_JAVA_PID=$(pgrep -P "$KC_PID" java || echo "$KC_PID")  # kc.sh runs the JVM as its child
say "Keycloak is up (JVM pid $KC_JAVA_PID)"

say "Gatling scenarios ($SCALE${ONLY:+, only $ONLY})"
gatling_rc=0
mvn -B -q -pl benchmarks gatling:test -Dbench.scale="$SCALE" -Dbench.only="$ONLY" -Dbench.kcPid="$KC_JAVA_PID" \
  -Dbench.baseUrl="http://localhost:$KC_PORT" -Dbench.managementUrl="http://localhost:$MGMT_PORT" -Dbench.smtpPort="$SMTP_PORT" \
  -Dbench.adminUser="$ADMIN_USER" -Dbench.adminPassword="$ADMIN_PASSWORD" \
  -Dbench.heapRegistrations="${BENCH_HEAP_REGISTRATIONS:-}" -Dbench.users="${BENCH_USERS:-8}" -Dbench.clientSecret="$CLIENT_SECRET" -Dbench.redirectUri="$REDIRECT_URI" -Dbench.out="$OUT/load" \
  > "$OUT/load/gatling.log" 2>&1 || gatling_rc=$?
grep -E '^\[bench\]|KO|failed|Exception' "$OUT/load/gatling.log" | grep -v '^\s*$' | head -40 || true
stop_server
say "Keycloak stopped"

if [ -d "$OUT/load/jfr" ]; then
  say "Profiles (JFR): benchmarks/target/load/jfr/"
  python3 benchmarks/jfr_profile.py --out "$OUT" || echo "(profile analysis failed; the recordings are in $OUT/load/jfr)" >&2
fi

rm -f "$OUT/jmh-results.json"
if [ -z "$ONLY" ]; then
  say "JMH: captcha challenge and verification"
  if [ "$SCALE" = quick ]; then JMH_OPTS=(-wi 1 -i 1 -w 1 -r 1); else JMH_OPTS=(); fi
  "$JAVA_HOME/bin/java" -jar benchmarks/target/benchmarks.jar -jvm "$JAVA_HOME/bin/java" "${JMH_OPTS[@]}" \
    -rf json -rff "$OUT/jmh-results.json" AltchaBenchmark > "$OUT/jmh.log" 2>&1 || { tail -30 "$OUT/jmh.log" >&2; exit 1; }
  tail -4 "$OUT/jmh.log"
fi

ELAPSED=$(( $(date +%s) - STARTED ))
python3 benchmarks/summarize.py --out "$OUT" --elapsed "$ELAPSED" --command "${BENCH_COMMAND:-benchmarks/run.sh}" --scale "$SCALE"
say "Done in $((ELAPSED / 60)) min $((ELAPSED % 60)) s: benchmarks/target/summary.md, benchmarks/target/latency-percentiles.svg, Gatling report under benchmarks/target/gatling/"
if [ "$gatling_rc" -ne 0 ]; then
  echo "Gatling reported failed requests (exit $gatling_rc); see benchmarks/target/load/gatling.log" >&2
  exit "$gatling_rc"
fi
