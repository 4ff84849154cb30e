#!/usr/bin/env bash
# Runs the pack on this machine, no Docker needed: Keycloak (the 26.7.3 distribution from Maven Central)
# with the pack's jar and the merchant-support realm, a mail catcher with a web page, and the help
# center stand-in. Ctrl-C stops everything. A second run reuses what the first one downloaded.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
source scripts/java-home.sh

RUN_DIR="$ROOT/.run"
mkdir -p "$RUN_DIR/logs"

# Settings: the checked-in dev values, overridden by .env when it exists.
set -a
source "$ROOT/.env.example"
[ -f "$ROOT/.env" ] && source "$ROOT/.env"
set +a

KC_VERSION=$(sed -n 's:.*<keycloak.version>\(.*\)</keycloak.version>.*:\1:p' pom.xml | head -1)
KC_HOME="$RUN_DIR/keycloak-$KC_VERSION"
MAILDEV_VERSION=2.2.1
KC_PORT=8080
MAIL_WEB_PORT=1080
HELP_CENTER_PORT=${HELP_CENTER_URL##*:}

say() { printf '\033[1m%s\033[0m\n' "$*"; }

for port in "$KC_PORT" 9000 "$MAIL_WEB_PORT" "$SMTP_PORT" "$HELP_CENTER_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "Port $port is already in use: stop what holds it (another ./run.sh or a test run?) and try again." >&2
    exit 1
  fi
done

say "Building the pack and the help center stand-in"
mvn -B -q -DskipTests -pl providers,help-center-demo -am install

if [ ! -x "$KC_HOME/bin/kc.sh" ]; then
  say "Unpacking Keycloak $KC_VERSION (from the local Maven repository, downloaded once)"
  mvn -B -q dependency:unpack -Dartifact="org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip" -DoutputDirectory="$RUN_DIR" -N
fi
cp providers/target/merchant-support-keycloak-*-SNAPSHOT.jar "$KC_HOME/providers/merchant-support-keycloak.jar" 2>/dev/null \
  || cp providers/target/merchant-support-keycloak-[0-9]*.jar "$KC_HOME/providers/merchant-support-keycloak.jar"
mkdir -p "$KC_HOME/data/import"
cp realm-export/merchant-support-realm.json "$KC_HOME/data/import/"

if ! grep -qs "\"version\": \"$MAILDEV_VERSION\"" "$RUN_DIR/maildev/node_modules/maildev/package.json"; then
  say "Installing the MailDev mail catcher $MAILDEV_VERSION (npm, once)"
  npm install --silent --no-audit --no-fund --prefix "$RUN_DIR/maildev" "maildev@$MAILDEV_VERSION" >/dev/null
fi

pids=()
stop_all() {
  trap - INT TERM EXIT
  say "Stopping"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop_all INT TERM EXIT

"$RUN_DIR/maildev/node_modules/.bin/maildev" --smtp "$SMTP_PORT" --web "$MAIL_WEB_PORT" --ip 127.0.0.1 --web-ip 127.0.0.1 \
  > "$RUN_DIR/logs/maildev.log" 2>&1 &
pids+=($!)

"$KC_HOME/bin/kc.sh" start-dev --import-realm --http-port "$KC_PORT" \
  --spi-theme--static-max-age=-1 --spi-theme--cache-themes=false --spi-theme--cache-templates=false \
  > "$RUN_DIR/logs/keycloak.log" 2>&1 &
pids+=($!)

HELP_CENTER_PORT="$HELP_CENTER_PORT" KEYCLOAK_ISSUER="http://localhost:$KC_PORT/realms/merchant-support" \
HELP_CENTER_CLIENT_ID=merchant-support-center HELP_CENTER_CLIENT_SECRET="$MERCHANT_SUPPORT_CENTER_CLIENT_SECRET" \
  java -jar help-center-demo/target/help-center-demo.jar > "$RUN_DIR/logs/help-center.log" 2>&1 &
pids+=($!)

say "Starting Keycloak (logs: .run/logs/keycloak.log)"
for _ in $(seq 1 180); do
  if curl -fsS "http://localhost:$KC_PORT/realms/merchant-support/.well-known/openid-configuration" >/dev/null 2>&1; then
    break
  fi
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "A service stopped while starting; see .run/logs/." >&2; tail -20 "$RUN_DIR/logs/keycloak.log" >&2; exit 1; }
  done
  sleep 1
done

cat <<MSG

  Merchant Support pack is running.

  Help center (start here):  $HELP_CENTER_URL
  Sign in / register:        $HELP_CENTER_URL/login   ·   $HELP_CENTER_URL/register
  Mail catcher (emails):     http://localhost:$MAIL_WEB_PORT
  Keycloak admin console:    http://localhost:$KC_PORT/admin  ($KC_BOOTSTRAP_ADMIN_USERNAME / see .env.example)

  Themes are read from the jar; logs are in .run/logs/. Press Ctrl-C to stop everything.

MSG
wait -n "${pids[@]}" || true
echo "A service stopped; see .run/logs/." >&2
