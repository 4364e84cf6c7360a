#!/usr/bin/env bash
# What security costs the directory (issue 7): GET by id/s on one directory configuration after another, each next
# to the plain one (no TLS, no authentication) measured in the same run:
#   - bearer JWT verification per request with ES256, EdDSA and RS256 tokens (--auth jwt, JWKS file);
#   - TLS on kept-alive connections (--tls-cert/--tls-key, a P-256 certificate from lmos dev-cert);
#   - both together;
#   - new connection per request (Connection: close): TLS handshakes/s next to plain connects/s.
# Tokens come from Tests/LMOSSecurityTests/Peers/oauth_server.py (PyJWT). Loopback only; each phase runs DURATION
# seconds; every server is stopped at the end.
#
#   Benchmarks/Load/security-load.sh            # ~2 min after the release build
#   DURATION=5 Benchmarks/Load/security-load.sh
#
# Needs: wrk (apt-get install wrk), python3 with PyJWT and cryptography (scripts/requirements-test.txt).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/Benchmarks/Load"
DURATION=${DURATION:-10}
COUNT=${COUNT:-500}
WORK=$(mktemp -d /tmp/lmos-security-load.XXXXXX)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }

echo "== release build" >&2
(cd "$ROOT" && swift build -c release --product lmos >&2)
LMOS="$ROOT/.build/release/lmos"

source "$HERE/common.sh"

echo "== authorization server and certificates" >&2
start oauth python3 "$ROOT/Tests/LMOSSecurityTests/Peers/oauth_server.py" --port 0 --issuer https://issuer.bench \
    --audience lmos-directory --jwks-file "$WORK/jwks.json" --lifetime 1800
OAUTH=$URL
mint() {  # mint ALG SCOPE
    curl -s -X POST "$OAUTH/mint" -H 'Content-Type: application/json' \
        -d "{\"alg\":\"$1\",\"expires_in\":3600,\"claims\":{\"sub\":\"bench\",\"scope\":\"$2\"}}" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
WRITE=$(mint ES256 "lmos:read lmos:write")
ES=$(mint ES256 lmos:read); ED=$(mint EdDSA lmos:read); RS=$(mint RS256 lmos:read)
"$LMOS" dev-cert --host 127.0.0.1 --out "$WORK/certs" > /dev/null

# directory NAME ARGS...: a directory on a fresh store, filled with COUNT descriptions (ids urn:bench:f:0:2..COUNT+1).
directory() {
    local name=$1; shift
    start "$name" "$LMOS" directory serve --port 0 --store "sqlite:$WORK/$name.sqlite" --log-level warning "$@"
    local auth=(); [[ " $* " == *" --auth jwt "* ]] && auth=(-H "Authorization: Bearer $WRITE")
    LOAD_PREFIX=f wrk -t1 -c1 -d60s -s "$HERE/put.lua" "${auth[@]}" "$URL" > /dev/null &
    local filler=$! have=0
    for _ in $(seq 1 600); do
        have=$(curl -sk "${auth[@]}" "$URL/things?limit=1&format=collection" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
        [ "$have" -ge "$((COUNT + 1))" ] && break
        sleep 0.1
    done
    kill "$filler" 2>/dev/null || true; wait "$filler" 2>/dev/null || true
}
gets() {  # gets URL [wrk args...]: GET by id/s, 8 kept-alive connections
    local url=$1; shift
    LOAD_PREFIX=f LOAD_COUNT=$COUNT LOAD_THREADS=1 wrk -t2 -c8 -d"${DURATION}s" -s "$HERE/get.lua" "$@" "$url" | rate
}

echo "== plain" >&2
directory plain; PLAIN_URL=$URL; PLAIN_PID=$PID
PLAIN=$(gets "$PLAIN_URL"); PLAIN_CLOSE=$(gets "$PLAIN_URL" -H "Connection: close")
stop "$PLAIN_PID"

echo "== --auth jwt" >&2
directory jwt --auth jwt --jwks "$WORK/jwks.json" --issuer https://issuer.bench --audience lmos-directory; JWT_URL=$URL; JWT_PID=$PID
J_ES=$(gets "$JWT_URL" -H "Authorization: Bearer $ES")
J_ED=$(gets "$JWT_URL" -H "Authorization: Bearer $ED")
J_RS=$(gets "$JWT_URL" -H "Authorization: Bearer $RS")
J_NONE=$(wrk -t2 -c8 -d"${DURATION}s" "$JWT_URL/things/urn:bench:f:0:2" | rate)
stop "$JWT_PID"

echo "== TLS" >&2
directory tls --tls-cert "$WORK/certs/cert.pem" --tls-key "$WORK/certs/key.pem"; TLS_URL=$URL; TLS_PID=$PID
TLS=$(gets "$TLS_URL"); TLS_CLOSE=$(gets "$TLS_URL" -H "Connection: close")
stop "$TLS_PID"

echo "== TLS + --auth jwt" >&2
directory both --tls-cert "$WORK/certs/cert.pem" --tls-key "$WORK/certs/key.pem" --auth jwt --jwks "$WORK/jwks.json" \
    --issuer https://issuer.bench --audience lmos-directory; BOTH_URL=$URL; BOTH_PID=$PID
BOTH=$(gets "$BOTH_URL" -H "Authorization: Bearer $ES")
stop "$BOTH_PID"

cat <<TABLE
| GET by id/s, $COUNT stored, 8 connections, ${DURATION} s each | req/s | vs plain |
|---|---|---|
| plain (http, no auth) | $PLAIN | 1.00x |
| --auth jwt, ES256 token | $J_ES | $(ratio "$J_ES" "$PLAIN") |
| --auth jwt, EdDSA token | $J_ED | $(ratio "$J_ED" "$PLAIN") |
| --auth jwt, RS256 token (2048-bit) | $J_RS | $(ratio "$J_RS" "$PLAIN") |
| --auth jwt, no token (401 answers) | $J_NONE | $(ratio "$J_NONE" "$PLAIN") |
| https (TLS 1.3, P-256), kept-alive | $TLS | $(ratio "$TLS" "$PLAIN") |
| https + --auth jwt ES256 | $BOTH | $(ratio "$BOTH" "$PLAIN") |
| new connection per request: http | $PLAIN_CLOSE | |
| new connection per request: https (handshakes/s) | $TLS_CLOSE | $(ratio "$TLS_CLOSE" "$PLAIN_CLOSE") of http |
TABLE
