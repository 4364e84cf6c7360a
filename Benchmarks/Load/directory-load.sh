#!/usr/bin/env bash
# Load harness of the directory (issue 4): creates/s at 0, 10k and 100k stored, GET by id/s, LMOS search latency,
# SSE delivery to 1000 subscribers and RSS at 100k, each next to a bare Hummingbird route measured in the same run
# (Benchmarks/BareHummingbird). Loopback only; every phase is bounded in time; servers are stopped at the end.
#
#   Benchmarks/Load/directory-load.sh                 # full run (~4 min after the release builds)
#   FILL=20000 DURATION=5 Benchmarks/Load/directory-load.sh   # quicker
#
# Needs: wrk (apt-get install wrk), python3. The directory runs with --log-level warning (one log line per request
# at info costs throughput that the figures would then include).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/Benchmarks/Load"
DURATION=${DURATION:-10}
FILL=${FILL:-100000}
MID=${MID:-10000}
SUBSCRIBERS=${SUBSCRIBERS:-1000}
EVENTS=${EVENTS:-100}
WORK=$(mktemp -d /tmp/lmos-load.XXXXXX)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }

echo "== release builds" >&2
(cd "$ROOT" && swift build -c release --product lmos >&2)
(cd "$ROOT/Benchmarks" && swift build -c release --product BareHummingbird >&2)
LMOS="$ROOT/.build/release/lmos"
BARE="$ROOT/Benchmarks/.build/release/BareHummingbird"

source "$HERE/common.sh"
latency_p50() { awk '/^ +50%/ {print $2}'; }
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }
total() { curl -s "$1/things?limit=1&format=collection" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])'; }
creates() { LOAD_PREFIX=$2 wrk -t2 -c8 -d"${DURATION}s" -s "$HERE/put.lua" "$1" | rate; }
# fill_to URL N: PUTs new descriptions (prefix fill, ids urn:bench:fill:<thread>:<n>) until N are stored, in rounds of
# at most 5 s (wrk runs for a duration, not a count), giving up after 15 minutes.
FILL_ROUND=0
fill_to() {
    local url=$1 target=$2 have rounds=0
    while have=$(total "$url"); [ "$have" -lt "$target" ] && [ $rounds -lt 180 ]; do
        FILL_ROUND=$((FILL_ROUND + 1)); rounds=$((rounds + 1))
        LOAD_PREFIX=fill$FILL_ROUND wrk -t2 -c8 -d5s -s "$HERE/put.lua" "$url" > /dev/null
    done
}

echo "== directory (SQLite, $WORK/directory.sqlite)" >&2
start directory "$LMOS" directory serve --port 0 --store "sqlite:$WORK/directory.sqlite" --log-level warning
DIR_URL=$URL; DIR_PID=$PID
C0=$(creates "$DIR_URL" c0)
fill_to "$DIR_URL" "$MID"; N1=$(total "$DIR_URL")
C10=$(creates "$DIR_URL" c10)
fill_to "$DIR_URL" "$FILL"; N2=$(total "$DIR_URL")
C100=$(creates "$DIR_URL" c100)
N3=$(total "$DIR_URL")
GET=$(LOAD_PREFIX=c0 LOAD_COUNT=500 LOAD_THREADS=2 wrk -t2 -c8 -d"${DURATION}s" -s "$HERE/get.lua" "$DIR_URL" | rate)
SEARCH_CAP=$(wrk -t1 -c1 -d"${DURATION}s" --latency "$DIR_URL/search/lmos?capability=urn:bench:cap:42&limit=10" | latency_p50)
SEARCH_Q=$(wrk -t1 -c1 -d"${DURATION}s" --latency "$DIR_URL/search/lmos?type=Agent&q=topic%2042&limit=10" | latency_p50)
RSS=$(rss_mb "$DIR_PID")
SSE=$(python3 "$HERE/sse_fanout.py" "$DIR_URL" --subscribers "$SUBSCRIBERS" --events "$EVENTS")
RSS_SSE=$(rss_mb "$DIR_PID")
DB_MB=$(du -sm "$WORK" | cut -f1)
stop "$DIR_PID"

echo "== bare Hummingbird" >&2
start bare "$BARE" 0
BARE_URL=$URL; BARE_PID=$PID
B_PUT=$(creates "$BARE_URL" bare)
B_GET=$(LOAD_PREFIX=x LOAD_COUNT=100 LOAD_THREADS=2 wrk -t2 -c8 -d"${DURATION}s" -s "$HERE/get.lua" "$BARE_URL" | rate)
B_SEARCH=$(wrk -t1 -c1 -d"${DURATION}s" --latency "$BARE_URL/search/lmos?capability=urn:bench:cap:42&limit=10" | latency_p50)
B_RSS=$(rss_mb "$BARE_PID")
B_SSE=$(python3 "$HERE/sse_fanout.py" "$BARE_URL" --subscribers "$SUBSCRIBERS" --events "$EVENTS")
stop "$BARE_PID"

field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }
ms() { python3 -c "
import sys; v=sys.argv[1]
u={'us':1e-3,'ms':1.0,'s':1e3}
for k in ('us','ms','s'):
    if v.endswith(k) and not (k=='s' and v.endswith(('us','ms'))): print(float(v[:-len(k)])*u[k]); break" "$1"; }

cat <<TABLE
| figure | directory | bare Hummingbird route | ratio |
|---|---|---|---|
| creates/s (PUT, 8 connections) at 0 stored | $C0 | $B_PUT | $(ratio "$C0" "$B_PUT") |
| creates/s at $N1 stored | $C10 | | $(ratio "$C10" "$C0") of the rate at 0 |
| creates/s at $N2 stored | $C100 | | $(ratio "$C100" "$C0") of the rate at 0 |
| GET by id/s at $N3 stored (8 connections) | $GET | $B_GET | $(ratio "$GET" "$B_GET") |
| search p50, capability=, limit 10, $N3 stored (ms) | $(ms "$SEARCH_CAP") | $(ms "$B_SEARCH") | |
| search p50, type=Agent&q=topic 42, limit 10 (ms) | $(ms "$SEARCH_Q") | | |
| SSE delivery p50 / p99 to $SUBSCRIBERS subscribers (ms) | $(field "$SSE" p50_ms) / $(field "$SSE" p99_ms) | $(field "$B_SSE" p50_ms) / $(field "$B_SSE" p99_ms) | |
| SSE events delivered | $(field "$SSE" delivered)/$(field "$SSE" expected) | $(field "$B_SSE" delivered)/$(field "$B_SSE" expected) | |
| RSS at $N3 stored (MB) | $RSS (after SSE: $RSS_SSE) | $B_RSS | |
| SQLite file + WAL (MB) | $DB_MB | | |
TABLE
