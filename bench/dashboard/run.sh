#!/usr/bin/env bash
# The dashboard's main pages under 50 concurrent signed-in sessions (issue 18: p95 < 100 ms on
# this machine), against the API's JSON for the same filings in the same run (the anchor: the
# same `Port` calls without HTML). A release `freeport serve` with its own home on loopback;
# FILINGS filings by SESSIONS exporters (one organisation each), one dashboard session per
# exporter made through the login form; wrk cycles each connection over /filings,
# /filings/{own filing}, /publications and /log with its session's cookie.
# Writes bench/dashboard/RESULTS.md.
#
#   bench/dashboard/run.sh              # 20 s of wrk each, 50 sessions, 400 filings
#   SECONDS_WRK=30 SESSIONS=50 FILINGS=1000 bench/dashboard/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=bench/port/common.sh
source bench/port/common.sh
DURATION=${SECONDS_WRK:-20}
SESSIONS=${SESSIONS:-50}
ORGS=$SESSIONS
FILINGS=${FILINGS:-400}
OUT=target/bench/dashboard
mkdir -p "$OUT"

command -v wrk >/dev/null || { echo "installing wrk (Debian)"; apt-get install -y wrk >/dev/null; }

# Release build without fat LTO, as the other benches.
# FREEPORT_BIN=… runs another build (a smoke run of this script; its figures mean nothing).
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
if [ -n "${FREEPORT_BIN:-}" ]; then
  BIN=$FREEPORT_BIN
else
  cargo build -q --release -p freeport
  BIN=$PWD/target/release/freeport
fi

trap 'kill "${SERVER:-}" 2>/dev/null || true; rm -rf "${HOME_DIR:-}"' EXIT
start_port
BASE="http://127.0.0.1:$PORT"

echo "== $FILINGS filings over $ORGS organisations, $SESSIONS sessions through the login form"
python3 - "$BASE" "$TOKENS" "$FILINGS" "$OUT" <<'PY'
import json, re, sys, tomllib, urllib.request, http.cookiejar
base, tokens_lua, filings, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
tokens = re.findall(r'"([^"]+)"', open(tokens_lua).read())
facts = json.dumps(tomllib.load(open("examples/port/filings/cleared-at-once.toml", "rb")), default=str).encode()
own = {}
for n in range(filings):
    token = tokens[n % len(tokens)]
    request = urllib.request.Request(f"{base}/api/v1/filings", data=facts, method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    own.setdefault(token, json.load(urllib.request.urlopen(request))["id"])
sessions = []
for token in tokens:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    # The cookies are marked Secure; on plain loopback the jar would not send them back.
    page = opener.open(f"{base}/login").read().decode()
    nonce = re.search(r'name="csrf" value="([0-9a-f]{64})"', page).group(1)
    login_cookie = next(c.value for c in jar if c.name == "fdp_login")
    request = urllib.request.Request(f"{base}/login", method="POST",
        data=f"token={token}&csrf={nonce}".encode(),
        headers={"Cookie": f"fdp_login={login_cookie}",
                 "Content-Type": "application/x-www-form-urlencoded"})
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args): return None
    try:
        urllib.request.build_opener(NoRedirect).open(request)
    except urllib.error.HTTPError as answer:
        cookie = re.search(r"fdp_session=([0-9a-f]+)", answer.headers.get_all("Set-Cookie")[0]).group(1)
    sessions.append((cookie, token, own[token]))
with open(f"{out}/sessions.lua", "w") as f:
    f.write("sessions = {\n")
    for cookie, token, filing in sessions:
        f.write(f'  {{cookie = "fdp_session={cookie}", token = "{token}", filing = "{filing}"}},\n')
    f.write("}\n")
print(f"{len(sessions)} sessions, {filings} filings")
PY

# One script for both runs: MODE=html asks for the pages with the session cookie, MODE=json the
# API's answers for the same filings with the account's token; p95 printed by done().
cat > "$OUT/pages.lua" <<LUA
dofile("$PWD/$OUT/sessions.lua")
local mode = os.getenv("MODE")
local n = 0
request = function()
  n = n + 1
  local s = sessions[(n % #sessions) + 1]
  local kind = n % 4
  if mode == "html" then
    local paths = { "/filings", "/filings/" .. s.filing, "/publications", "/log" }
    return wrk.format("GET", paths[kind + 1], { ["Cookie"] = s.cookie })
  else
    local paths = { "/api/v1/filings", "/api/v1/filings/" .. s.filing, "/api/v1/publications", "/api/v1/log/checkpoint" }
    return wrk.format("GET", paths[kind + 1], { ["Authorization"] = "Bearer " .. s.token })
  end
end
done = function(summary, latency, requests)
  io.write(string.format("P95_MS %.2f\nP99_MS %.2f\nRPS %.1f\nERRORS %d\n",
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests / (summary.duration / 1e6),
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA

for mode in json html; do
  echo "== $mode: wrk -t2 -c$SESSIONS -d${DURATION}s"
  MODE=$mode wrk -t2 -c"$SESSIONS" -d"${DURATION}s" --latency -s "$OUT/pages.lua" "$BASE" | tee "$OUT/wrk-$mode.txt"
done
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true

value() { awk -v k="$1" '$1 == k {print $2}' "$OUT/wrk-$2.txt"; }
HTML_P95=$(value P95_MS html); HTML_P99=$(value P99_MS html); HTML_RPS=$(value RPS html); HTML_ERR=$(value ERRORS html)
JSON_P95=$(value P95_MS json); JSON_P99=$(value P99_MS json); JSON_RPS=$(value RPS json); JSON_ERR=$(value ERRORS json)
RATIO=$(python3 -c "print(f'{float(\"$HTML_P95\") / float(\"$JSON_P95\"):.2f}')")
MET=$(python3 -c "print('met' if float(\"$HTML_P95\") < 100 else 'not met')")
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)

cat > bench/dashboard/RESULTS.md <<MD
# Dashboard: main pages under $SESSIONS sessions

Reproduce: \`bench/dashboard/run.sh\` (release build without fat LTO; wrk on loopback, 2 threads,
$SESSIONS connections for ${DURATION} s each run; $(nproc) cores; load average at the end $LOAD).

A port with $FILINGS filings by $ORGS exporter organisations; one dashboard session per exporter,
opened through the login form. Each connection cycles over \`/filings\`, \`/filings/{one of its
organisation's filings}\`, \`/publications\` and \`/log\` with its session's cookie (every request
resolves the session and its token again and renders the page). The anchor asks the API for the
same things in the same run with the account's token: \`/api/v1/filings\`,
\`/api/v1/filings/{id}\`, \`/api/v1/publications\`, \`/api/v1/log/checkpoint\` (the same \`Port\`
calls as JSON, without HTML; the log page reads fifty entries, the checkpoint route none).

| run | p95 | p99 | requests/s | errors |
|---|---:|---:|---:|---:|
| API JSON (anchor) | $JSON_P95 ms | $JSON_P99 ms | $JSON_RPS | $JSON_ERR |
| dashboard pages | $HTML_P95 ms | $HTML_P99 ms | $HTML_RPS | $HTML_ERR |

p95 ratio pages / API: **$RATIO**. Target p95 < 100 ms: **$MET**.
MD
cat bench/dashboard/RESULTS.md
