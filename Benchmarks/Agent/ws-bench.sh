#!/usr/bin/env bash
# WebSocket load harness of the agent binding: an AgentServer whose action `echo` returns its input, measured next
# to a raw SwiftNIO WebSocket echo server (NIOHTTP1 + NIOWebSocketServerUpgrader) in the same process and the same
# run, driven by the same raw NIO WebSocket client (Benchmarks/Benchmarks/WSBench). Loopback only; every phase has
# a deadline (120 s by default) after which it reports what it got and the run exits non-zero; the servers stop by
# themselves.
#
#   Benchmarks/Agent/ws-bench.sh [N] [M] [C] [options]         # defaults 20000 100000 1000
#   Benchmarks/Agent/ws-bench.sh 5000 20000 200                # quicker
#   Benchmarks/Agent/ws-bench.sh 20000 100000 1000 --rounds 3  # medians of 3 alternating rounds
#
# Options (passed to WSBench): --window W (pipelined requests in flight, 64), --deadline S (per phase, 120),
# --rounds R (1), --open-parallel P (WebSocket handshakes in flight while opening the C connections, 100),
# --size B (request bytes, 200), --connections-to echo|hummingbird (the connections phase against a baseline
# instead of the agent), --only echo|hummingbird|agent (one server in the single-socket phases: profiling, memory;
# no ratios then).
#
# What it measures, each request the same ~200-byte LMOS invokeAction of `echo` (only its correlationID differs:
# the agent refuses a reused one): the echo servers send it back verbatim (matched by count, compared byte for
# byte), the agent answers one actionStatus `completed` with the input as output (matched by correlationID, status
# checked on every reply, every 1000th reply fully decoded with Message.decode and its output compared).
#   round trip   one socket, N sequential request/reply: ops/s, p50/p99 latency
#   throughput   one socket, M requests with W in flight: messages/s
#   own client   informational: N round trips through LMOSBindings.WebSocketConnection (what an app sees)
#   connections  C WebSockets to the agent open at once: time to open them all, one invocation on each, then
#                another with all still open; process RSS (VmRSS: client, echo servers and agent together)
# Ratios are agent/echo (target >= 0.7). For information the table also has a bare Hummingbird WebSocket echo
# route (HB echo: served as the agent's endpoint is, with no LMOS work) and agent/HB, which split the gap into what
# the framework costs and what the LMOS layers cost. All servers use NIO's singleton event loops, the client has
# one event loop of its own, and everything shares the machine's cores: run it on an otherwise idle machine (the
# table shows the load average). Progress goes to standard error; the raw JSON is kept (path printed at the end).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

echo "== release build of WSBench" >&2
swift build -c release --package-path "$root/Benchmarks" --product WSBench >&2
bench="$(swift build -c release --package-path "$root/Benchmarks" --show-bin-path)/WSBench"

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
result="$(mktemp /tmp/ws-bench.XXXXXX.json)"
status=0
"$bench" "$@" > "$result" || status=$?
if [ ! -s "$result" ]; then
    echo "WSBench printed no result (exit $status)" >&2
    [ "$status" -ne 0 ] || status=1
    exit "$status"
fi

python3 - "$result" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
c = r["config"]
def get(d, *keys):
    for k in keys:
        if not isinstance(d, dict) or k not in d: return None
        d = d[k]
    return d
def num(v, fmt):
    return format(v, fmt) if isinstance(v, (int, float)) else "-"
rows = [
    (f"round trip ops/s (N={c['round_trips']})", ("round_trip", "ops_per_s"), ",.0f", True),
    ("round trip p50 (us)", ("round_trip", "p50_us"), ".1f", False),
    ("round trip p99 (us)", ("round_trip", "p99_us"), ".1f", False),
    (f"throughput msgs/s (M={c['messages']},W={c['window']})", ("throughput", "msgs_per_s"), ",.0f", True),
    ("throughput p50 under load (us)", ("throughput", "p50_us"), ".1f", False),
    ("own client round trip ops/s", ("own_client_round_trip", "ops_per_s"), ",.0f", True),
    ("own client round trip p50 (us)", ("own_client_round_trip", "p50_us"), ".1f", False),
]
def ratio(section, name, wanted):
    q = get(r, section, name) if wanted else None
    return num(q, ".2f") + "x" if q is not None else ""
print(f"\n{'figure':42} {'echo (NIO)':>11} {'HB echo':>11} {'agent':>11} {'agent/echo':>11} {'agent/HB':>9}")
for name, (section, key), fmt, wanted in rows:
    e, h, a = (get(r, section, peer, key) for peer in ("echo", "hummingbird", "agent"))
    print(f"{name:42} {num(e, fmt):>11} {num(h, fmt):>11} {num(a, fmt):>11} "
          f"{ratio(section, 'ratio_agent_to_echo', wanted):>11} {ratio(section, 'ratio_agent_to_hummingbird', wanted):>9}")
for section, label in (("round_trip", "round trip"), ("throughput", "throughput")):
    q = get(r, section, "ratio_agent_to_echo")
    if q is not None:
        print(f"target agent/echo >= 0.70x, {label}: {'met' if q >= 0.7 else 'MISSED'} ({q:.2f}x)")
k = r.get("connections", {})
if k:
    print(f"\nconnections to the agent: {k.get('opened', 0)} of {k['connections']} open in {num(k.get('open_seconds'), '.2f')} s "
          f"({k.get('open_failures', 0)} failed, {k['open_parallel']} handshakes in flight)")
    for p in ("pass1", "pass2"):
        if p in k:
            print(f"  {p}: {k[p]['succeeded']} of {k['connections']} invocations completed in {num(k[p]['seconds'], '.3f')} s "
                  f"(p50 {num(k[p]['p50_us'], '.0f')} us, p99 {num(k[p]['p99_us'], '.0f')} us)")
    if "still_open" in k:
        print(f"  still open after both passes: {k['still_open']}")
    print(f"  process RSS (MiB): before {num(k.get('rss_before_mib'), '.1f')}, all open {num(k.get('rss_open_mib'), '.1f')}, "
          f"after both passes {num(k.get('rss_after_mib'), '.1f')}")
    if isinstance(k.get("rss_open_mib"), (int, float)) and k.get("opened"):
        per = lambda key: (k[key] - k["rss_before_mib"]) * 1024 / k["opened"]
        after = f", {per('rss_after_mib'):.0f} KiB after both passes" if "rss_after_mib" in k else ""
        print(f"  per connection (client and server side together): {per('rss_open_mib'):.0f} KiB open{after}")
print(f"\nRLIMIT_NOFILE {c['nofile_soft']}/{c['nofile_hard']}, {c['cores']} cores, request {c['request_bytes']} bytes, "
      f"rounds {c['rounds']}, load average {r.get('load_average_start')} -> {r.get('load_average_end')}")
if not r.get("ok"):
    print("FAILED: " + "; ".join(r.get("problems", [])))
PY
echo "raw result: $result" >&2
exit "$status"
