#!/usr/bin/env bash
# DHT benchmark: resolve-by-DID on a loopback Mainline DHT network (by default 90 of our nodes + 10 libtorrent
# nodes, Tests/LMOSDHTTests/Peers/lt_peer.py) next to libtorrent's own dht_get_item of the same pointer item on the
# same network in the same run (target: our resolve <= 1.5x its time); then lookup hops and queries on networks of
# our nodes from 50 to 400 (they should grow like log n). Loopback only; the run stops itself at --deadline.
#
#   Benchmarks/DHT/dht-bench.sh                               # defaults
#   Benchmarks/DHT/dht-bench.sh --rounds 50 --sizes 50,100,200,400,800
#   Benchmarks/DHT/dht-bench.sh --libtorrent 0                # without libtorrent (no Python needed)
#
# Options (passed to DHTBench): --nodes N (100, libtorrent's included), --libtorrent L (10), --rounds R (30),
# --sizes LIST (50,100,200,400), --deadline S (300).
set -euo pipefail
cd "$(dirname "$0")/.."
script="$(pwd)/../Tests/LMOSDHTTests/Peers/lt_peer.py"
args=("$@")
if printf '%s\n' "${args[@]:-}" | grep -qx -- '--libtorrent' && [[ " ${args[*]} " == *" --libtorrent 0 "* ]]; then
    lt=()
elif python3 -c 'import libtorrent, nacl' 2>/dev/null; then
    lt=(--lt-script "$script")
else
    echo "libtorrent's Python bindings are missing (pip install libtorrent PyNaCl): measuring our nodes only" >&2
    lt=()
fi
log="$(mktemp)"
if ! swift build -c release --product DHTBench >"$log" 2>&1; then cat "$log" >&2; rm -f "$log"; exit 1; fi
rm -f "$log"
exec .build/release/DHTBench "${lt[@]}" "$@"
