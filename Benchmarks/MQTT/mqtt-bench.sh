#!/usr/bin/env bash
# MQTT benchmark: our client (MQTTNIO) next to mosquitto's own command-line clients on the same mosquitto broker, in
# the same run. Loopback only; every phase has a deadline (mosquitto_sub -W) and the broker stops with the script.
#
#   Benchmarks/MQTT/mqtt-bench.sh [N] [R]     # defaults 50000 messages, 2000 round trips
#
# publish QoS 0 / QoS 1   N messages of 100 bytes from one client, timed until a mosquitto_sub subscriber (same QoS)
#                         has received all N: `mosquitto_pub -l` (one connection, a line per message, max_inflight 20)
#                         versus `MQTTBench publish` (one connection; QoS 1 with 20 in flight as well), once with
#                         an awaited `publish` call per message and once in bursts through `publish(batch:)` (100
#                         per call at QoS 0; 1000 per call at QoS 1, of which the broker's Receive Maximum, 20 for
#                         mosquitto as for mosquitto_pub, are in flight at a time). Ratio = mosquitto_pub's time /
#                         ours (>= 0.8 is the target; > 1 means ours is faster).
# round trip              R sequential MQTT 5 request-response LMOS invocations of the example agent's `chat` through
#                         the broker (ConsumedThing via: .mqtt -> agent -> reply), next to R round trips of the bare
#                         broker (publish to a topic one is subscribed to, QoS 1).
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-50000}"
rounds="${2:-2000}"
command -v mosquitto_pub >/dev/null || { echo "needs mosquitto and mosquitto-clients (apt-get install mosquitto mosquitto-clients)" >&2; exit 1; }
broker_binary="$(command -v mosquitto || echo /usr/sbin/mosquitto)"
log="$(mktemp)"
if ! swift build -c release --product MQTTBench >"$log" 2>&1; then cat "$log" >&2; rm -f "$log"; exit 1; fi
rm -f "$log"
bench=.build/release/MQTTBench

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
dir="$(mktemp -d)"
# set_tcp_nodelay: without it mosquitto's Nagle delay meets the clients' delayed ACKs and a request-response round
# trip takes ~40 ms whatever the clients do.
printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\npersistence false\nset_tcp_nodelay true\n' "$port" >"$dir/mosquitto.conf"
"$broker_binary" -c "$dir/mosquitto.conf" >"$dir/broker.log" 2>&1 &
broker=$!
trap 'kill $broker 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 50); do python3 -c "import socket; socket.create_connection(('127.0.0.1', $port)).close()" 2>/dev/null && break; sleep 0.1; done

payload="$(printf 'x%.0s' $(seq 100))"
now() { python3 -c 'import time; print(time.monotonic())'; }

# Times one publisher command until a subscriber at the same QoS has received $count messages.
measure() {
    local qos="$1"; shift
    mosquitto_sub -h 127.0.0.1 -p "$port" -t "bench/q$qos" -q "$qos" -C "$count" -W 120 >"$dir/received" &
    local sub=$!
    sleep 0.3
    local start end
    start="$(now)"
    "$@" >/dev/null
    wait $sub || true
    end="$(now)"
    local got
    got="$(wc -l <"$dir/received")"
    python3 -c "print(f'{$end - $start:.3f} {$got}')"
}

echo "broker: mosquitto $("$broker_binary" -h 2>&1 | head -1 | awk '{print $3}') on 127.0.0.1:$port; $count messages of 100 bytes; $rounds round trips"
echo
echo "| publish | mosquitto_pub (s, received) | ours, a call per message | ratio | ours, publish(batch:) | ratio |"
echo "|---|---|---|---|---|---|"
for qos in 0 1; do
    theirs="$(measure "$qos" bash -c "yes '$payload' | head -n $count | mosquitto_pub -h 127.0.0.1 -p $port -t bench/q$qos -q $qos -l")"
    ours="$(measure "$qos" "$bench" publish "$port" "$count" "$qos" 100 20)"
    batch="$(measure "$qos" "$bench" publish "$port" "$count" "$qos" 100 $([ "$qos" = 0 ] && echo 100 || echo 1000) batch)"
    python3 - "$qos" "$theirs" "$ours" "$batch" <<'PY'
import sys
qos, theirs, ours, batch = sys.argv[1], sys.argv[2].split(), sys.argv[3].split(), sys.argv[4].split()
t, o, b = float(theirs[0]), float(ours[0]), float(batch[0])
print(f"| QoS {qos} | {t:.3f} ({theirs[1]}) | {o:.3f} ({ours[1]}) | {t / o:.2f}x | {b:.3f} ({batch[1]}) | {t / b:.2f}x |")
PY
done
echo
"$bench" roundtrip "$port" "$rounds"
