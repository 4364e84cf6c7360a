#!/usr/bin/env bash
# mDNS / DNS-SD benchmark: swift-lmos next to python-zeroconf in the same run, each in its own fresh private
# network namespace (nothing leaves the machine). Three figures per implementation: advertise -> a browser sees
# it (includes the 3 probes of RFC 6762, ~0.75 s, by design), goodbye -> the browser drops it, and N services
# advertised at once -> all resolved by the browser.
#
#   Benchmarks/LocalDiscovery/mdns-bench.sh [RUNS] [BULK]     # defaults 20 and 200
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
runs="${1:-20}"
bulk="${2:-200}"

(cd "$root/Benchmarks" && swift build -c release --product MDNSBench >/dev/null)
bench="$(cd "$root/Benchmarks" && swift build -c release --show-bin-path)/MDNSBench"

swift_json="$("$root/scripts/netns-run" "$bench" "$runs" "$bulk")"
python_json="$("$root/scripts/netns-run" python3 "$here/zeroconf_bench.py" "$runs" "$bulk")"

python3 - "$swift_json" "$python_json" <<'PY'
import json, sys
s, p = json.loads(sys.argv[1]), json.loads(sys.argv[2])
rows = [("advertise -> seen p50 (ms)", s["advertise_to_seen_ms"]["p50"], p["advertise_to_seen_ms"]["p50"]),
        ("advertise -> seen p90 (ms)", s["advertise_to_seen_ms"]["p90"], p["advertise_to_seen_ms"]["p90"]),
        ("goodbye -> removed p50 (ms)", s["goodbye_to_removed_ms"]["p50"], p["goodbye_to_removed_ms"]["p50"]),
        ("goodbye -> removed p90 (ms)", s["goodbye_to_removed_ms"]["p90"], p["goodbye_to_removed_ms"]["p90"]),
        (f"{s['bulk_services']} services all resolved (s)", s["bulk_all_resolved_s"], p["bulk_all_resolved_s"])]
print(f"{'figure':34} {'swift-lmos':>11} {'zeroconf':>11} {'ratio':>7}")
for name, a, b in rows:
    print(f"{name:34} {a:11.1f} {b:11.1f} {a / b if b else float('nan'):7.2f}")
print(f"resolved: swift-lmos {s['bulk_resolved']}/{s['bulk_services']}, zeroconf {p['bulk_resolved']}/{p['bulk_services']} "
      f"(runs: {s['runs']})")
PY
