# Shared by bench/port/run.sh and soak.sh (sourced, not run).

# The bundled cleared-at-once filing as JSON, written to $1.
filing_json() {
    python3 -c 'import json,sys,tomllib; json.dump(tomllib.load(open(sys.argv[1],"rb")), open(sys.argv[2],"w"), default=str)' \
        examples/port/filings/cleared-at-once.toml "$1"
}

# A fresh port home under $OUT with $ORGS exporter organisations, one account each, whose
# tokens go to $OUT/tokens.lua (for wrk); then `freeport serve` on a free loopback port.
# Sets HOME_DIR, FREEPORT_HOME, TOKENS, PORT and SERVER.
start_port() {
    HOME_DIR=$(mktemp -d "$OUT/home-XXXX")
    export FREEPORT_HOME=$HOME_DIR/port
    "$BIN" init >/dev/null
    TOKENS="$OUT/tokens.lua"
    echo "tokens = {" > "$TOKENS"
    for i in $(seq "$ORGS"); do
        token=$("$BIN" account add "exporter-$i" --role exporter --organisation "org-$i" --name "Exporter $i" --format json \
            | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
        echo "  \"$token\"," >> "$TOKENS"
    done
    echo "}" >> "$TOKENS"
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    "$BIN" serve --listen "127.0.0.1:$PORT" --rate-limit 1000000 > "$OUT/serve.out" 2> "$OUT/serve.err" &
    SERVER=$!
    for _ in $(seq 100); do grep -q serving "$OUT/serve.out" 2>/dev/null && break; sleep 0.1; done
}

# wrk's script: POST the filing in $FACTS, round-robin over the tokens.
post_lua() {
    cat > "$OUT/post.lua" <<LUA
dofile("$PWD/$TOKENS")
local body = io.open("$PWD/$FACTS"):read("*a")
local n = 0
request = function()
  n = n + 1
  local token = tokens[(n % #tokens) + 1]
  return wrk.format("POST", "/api/v1/filings",
    {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, body)
end
LUA
}
