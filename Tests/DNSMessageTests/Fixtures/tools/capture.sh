#!/usr/bin/env bash
# Records the mDNS traffic of a scripted python-zeroconf or Avahi session into a pcap file, from which
# mdns_fixture.py extracts the hex fixtures. Runs only inside a private network namespace:
#
#   scripts/netns-run Tests/DNSMessageTests/Fixtures/tools/capture.sh zeroconf /tmp/zeroconf.pcap
#   scripts/netns-run Tests/DNSMessageTests/Fixtures/tools/capture.sh avahi /tmp/avahi.pcap
#   python3 Tests/DNSMessageTests/Fixtures/tools/mdns_fixture.py list /tmp/zeroconf.pcap
#
# Needs tcpdump, python3 with zeroconf (scripts/requirements-test.txt), and for avahi the packages
# avahi-daemon, avahi-utils and dbus. Timings are fixed, so packet numbers are stable from run to run
# in practice, but check them with `list` before extracting.
set -euo pipefail

[ "${LMOS_NETNS:-}" = 1 ] || { echo "capture.sh: run me through scripts/netns-run" >&2; exit 2; }
[ $# -eq 2 ] || { echo "usage: capture.sh zeroconf|avahi OUT.pcap" >&2; exit 2; }
peers="$(cd "$(dirname "$0")/../../../LMOSLocalNetworkTests/Peers" && pwd)"
zc="$peers/zeroconf_peer.py"
avahi="$peers/avahi-peer.sh"
out="$(readlink -f "$2")"

tcpdump -i lo -U -w "$out" udp port 5353 2>/dev/null &
dump=$!
trap 'kill $dump 2>/dev/null' EXIT
sleep 1

case "$1" in
zeroconf)
    # t=0 Weather Agent probes (3 QU probes) and announces; t=0.5 a browser starts: its first query is QU
    # with an empty cache, the next one carries the announced PTR as a known answer.
    python3 "$zc" register --name "Weather Agent" --port 8080 --host weather-agent \
        --txt td=/.well-known/wot --txt type=Thing --txt scheme=http --duration 16 >/dev/null &
    first=$!
    sleep 0.5
    python3 "$zc" browse --timeout 3 >/dev/null
    # t=5 a directory with the _directory subtype; t=9 a second browser (QU then QM questions; the QU
    # one is answered by unicast, the QM one by multicast with SRV/TXT/A/NSEC additionals).
    sleep 1.5
    python3 "$zc" register --name "Thing Directory" --subtype _directory --port 8081 --host thing-directory \
        --txt td=/.well-known/wot --txt type=Directory --txt scheme=http --duration 8 >/dev/null &
    second=$!
    sleep 4
    python3 "$zc" browse --timeout 3 >/dev/null
    wait $first $second  # goodbyes: the directory's (subtype, then main type) at ~t=13.5, Weather Agent's at ~t=16.5
    ;;
avahi)
    # Two avahi-daemons (one host name, avahi-peer.local) publish; a third, publishing no addresses,
    # browses and resolves for 8 s; the directory is withdrawn at ~t=16, Weather Agent at ~t=17.
    "$avahi" publish --duration 16 "Weather Agent" _wot._tcp 8080 \
        td=/.well-known/wot type=Thing scheme=http >/dev/null &
    first=$!
    sleep 5
    "$avahi" publish --duration 10 --subtype _directory._sub._wot._tcp "Thing Directory" _wot._tcp 8081 \
        td=/.well-known/wot type=Directory scheme=http >/dev/null &
    second=$!
    sleep 5
    "$avahi" browse --timeout 8 _wot._tcp >/dev/null
    wait $first $second
    ;;
*)
    echo "capture.sh: unknown peer $1" >&2
    exit 2
    ;;
esac
sleep 1
