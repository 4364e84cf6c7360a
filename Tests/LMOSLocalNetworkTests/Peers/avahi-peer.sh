#!/usr/bin/env bash
# An Avahi mDNS / DNS-SD peer for the swift-lmos local-network interop tests.
#
# Runs only inside a private network namespace made by scripts/netns-run (LMOS_NETNS=1). It then makes a
# private mount namespace of its own with a fresh tmpfs on /run, starts a private D-Bus system bus and a
# private avahi-daemon there (speaking on `lo` only, IPv4 only), runs one Avahi client, and cleans up.
# Nothing outside the network namespace is touched: the host's /run/dbus and /run/avahi-daemon stay as
# they are, and several peers may run side by side in one network namespace.
#
#   avahi-peer.sh publish [--duration S] [--host HOST] [--subtype SUB] NAME TYPE PORT [TXT...]
#       avahi-publish -s; prints {"event":"registered","name":...} once Avahi has established the service
#       (Avahi renames on conflict, e.g. "NAME #2": the printed name is the final one), stays until stdin
#       reaches EOF, SIGTERM/SIGINT, or S seconds, then withdraws it (Avahi sends goodbyes) and prints
#       {"event":"unregistered","name":...}. TYPE is like _wot._tcp; SUB like _directory._sub._wot._tcp.
#       HOST must end in .local (the daemon does not publish addresses for it; default: the daemon's own).
#   avahi-peer.sh browse [--timeout S] TYPE
#       avahi-browse -rp for S seconds (default 5); one JSON line per event:
#       {"event":"added"|"removed","name","type","domain","interface","protocol"} and
#       {"event":"resolved","name","type","domain","host","address","port","txt":{...}}.
#   avahi-peer.sh run CMD ARGS...
#       runs any command (avahi-browse -a, avahi-resolve ...) against the private daemon.
#
# Environment: AVAHI_PEER_HOST_NAME (the daemon's host name, default avahi-peer -> avahi-peer.local; every
# publishing avahi peer in one namespace must use the same one, see the daemon's config below),
# AVAHI_PEER_PUBLISH_ADDRESSES=yes|no (default yes, but no for browse), AVAHI_PEER_KEEP_LOG=FILE (copy the
# daemon's log there on exit), AVAHI_PEER_DEBUG=1 (daemon --debug).
#
#   scripts/netns-run Tests/LMOSLocalNetworkTests/Peers/avahi-peer.sh publish "Weather Agent" _wot._tcp 8080 \
#       td=/.well-known/wot type=Thing scheme=http
set -uo pipefail

die() { echo "avahi-peer: $*" >&2; exit 2; }

[ "${LMOS_NETNS:-}" = 1 ] || die "refusing to run outside a private network namespace (run me through scripts/netns-run)"
if [ -r /proc/1/ns/net ] && [ "$(readlink /proc/self/ns/net)" = "$(readlink /proc/1/ns/net)" ]; then
    die "LMOS_NETNS=1 is set but this is the initial network namespace; refusing"
fi
for tool in avahi-daemon dbus-daemon avahi-publish avahi-browse python3 unshare setpriv; do
    command -v "$tool" >/dev/null || die "$tool not found (apt-get install avahi-daemon avahi-utils dbus)"
done

# Stage 1: re-run this script in a private mount namespace (we are root in the network namespace's user
# namespace, so this works without --mount in netns-run too).
if [ "${LMOS_AVAHI_PEER_MNT:-}" != 1 ]; then
    export LMOS_AVAHI_PEER_MNT=1
    exec unshare -m --propagation private -- bash "$(readlink -f "$0")" "$@"
fi

# Stage 2: a private /run with the daemon's and the bus's directories.
mount -t tmpfs -o mode=0755 lmos-avahi-peer /run || die "cannot mount a private /run"
mkdir -p /run/dbus /run/avahi-daemon /run/lmos-avahi-peer
work=/run/lmos-avahi-peer
bus_pid="" daemon_pid="" client_pid=""

cleanup() {
    [ -n "$client_pid" ] && kill "$client_pid" 2>/dev/null
    [ -n "$daemon_pid" ] && { kill "$daemon_pid" 2>/dev/null; wait "$daemon_pid" 2>/dev/null; }
    [ -n "$bus_pid" ] && kill "$bus_pid" 2>/dev/null
    # Whatever did not stop on SIGTERM (a signal blocked by the parent) stops now.
    sleep 0.2
    for pid in $client_pid $daemon_pid $bus_pid; do kill -KILL "$pid" 2>/dev/null; done
    [ -n "${AVAHI_PEER_KEEP_LOG:-}" ] && cp "$work/avahi.log" "$AVAHI_PEER_KEEP_LOG" 2>/dev/null
    return 0
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# A D-Bus "system" bus at the usual path, open to everyone (it exists only inside this namespace).
cat >"$work/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=/run/dbus/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
EOF
export DBUS_SYSTEM_BUS_ADDRESS=unix:path=/run/dbus/system_bus_socket

# avahi-daemon: lo only (Avahi 0.8 accepts a multicast-capable loopback), IPv4 only (IPv6 multicast does
# not work on lo), no wide-area DNS, no HINFO or workstation records, and it shares port 5353 with other
# stacks. Its host records (A 127.0.0.1, AAAA ::1 and their reverse PTRs 1.0.0.127.in-addr.arpa. and
# 1.0...0.ip6.arpa.) are unique records: two daemons in one namespace with different host names conflict
# on the reverse PTRs and rename themselves forever (host-2, host-3, ...). So a browsing daemon publishes
# no addresses, and publishing daemons in one namespace must share AVAHI_PEER_HOST_NAME (identical
# records do not conflict).
publish_addresses=yes
[ "${1:-}" = browse ] && publish_addresses=no
publish_addresses="${AVAHI_PEER_PUBLISH_ADDRESSES:-$publish_addresses}"
cat >"$work/avahi.conf" <<EOF
[server]
host-name=${AVAHI_PEER_HOST_NAME:-avahi-peer}
domain-name=local
use-ipv4=yes
use-ipv6=no
allow-interfaces=lo
enable-dbus=yes
disallow-other-stacks=no
ratelimit-interval-usec=1000000
ratelimit-burst=1000
[wide-area]
enable-wide-area=no
[publish]
publish-addresses=$publish_addresses
publish-hinfo=no
publish-workstation=no
[reflector]
[rlimits]
EOF

# --pdeathsig: the daemons die with this script even if it is killed before its cleanup runs.
setpriv --pdeathsig KILL dbus-daemon --config-file="$work/bus.conf" --nofork --nopidfile >"$work/dbus.log" 2>&1 &
bus_pid=$!
for _ in $(seq 50); do [ -S /run/dbus/system_bus_socket ] && break; sleep 0.1; done
[ -S /run/dbus/system_bus_socket ] || die "private dbus-daemon did not start: $(tr '\n' ' ' <"$work/dbus.log")"

debug=()
[ "${AVAHI_PEER_DEBUG:-}" = 1 ] && debug=(--debug)
setpriv --pdeathsig KILL avahi-daemon -f "$work/avahi.conf" --no-chroot --no-drop-root --no-rlimits --no-proc-title "${debug[@]}" \
    >"$work/avahi.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 100); do grep -q "Server startup complete" "$work/avahi.log" && break; sleep 0.1; done
grep -q "Server startup complete" "$work/avahi.log" ||
    die "avahi-daemon did not start: $(tr '\n' ' ' <"$work/avahi.log")"

json() { python3 -c 'import json,sys; print(json.dumps(dict(zip(sys.argv[1::2], sys.argv[2::2])), sort_keys=True), flush=True)' "$@"; }

cmd_publish() {
    local duration="" host="" subtypes=()
    while [ $# -gt 0 ]; do
        case "$1" in
            --duration) duration="$2"; shift 2 ;;
            --host) host="$2"; shift 2 ;;
            --subtype) subtypes+=("--subtype=$2"); shift 2 ;;
            *) break ;;
        esac
    done
    [ $# -ge 3 ] || die "usage: publish [--duration S] [--host HOST] [--subtype SUB] NAME TYPE PORT [TXT...]"
    local opts=("${subtypes[@]}")
    [ -n "$host" ] && opts+=(-H "$host")
    # avahi-publish reports "Established under name '...'" on stderr (and renames on conflict itself).
    setpriv --pdeathsig KILL avahi-publish -s "${opts[@]}" "$@" >"$work/publish.log" 2>&1 &
    client_pid=$!
    local name=""
    for _ in $(seq 100); do
        name="$(sed -n "s/^Established under name '\(.*\)'$/\1/p" "$work/publish.log" | tail -n 1)"
        [ -n "$name" ] && break
        kill -0 "$client_pid" 2>/dev/null || die "avahi-publish failed: $(tr '\n' ' ' <"$work/publish.log")"
        sleep 0.1
    done
    [ -n "$name" ] || die "avahi-publish did not establish the service: $(tr '\n' ' ' <"$work/publish.log")"
    json event registered name "$name" type "$2" port "$3"

    if [ -n "$duration" ]; then
        sleep "$duration"
    else
        cat >/dev/null &   # returns at stdin EOF; SIGTERM/SIGINT end the script through the traps
        wait $!
    fi
    kill "$client_pid" 2>/dev/null   # the entry group goes; avahi-daemon sends goodbyes (TTL 0)
    wait "$client_pid" 2>/dev/null
    client_pid=""
    sleep 1
    json event unregistered name "$name"
}

cmd_browse() {
    local timeout=5
    [ "${1:-}" = "--timeout" ] && { timeout="$2"; shift 2; }
    [ $# -eq 1 ] || die "usage: browse [--timeout S] TYPE"
    # -p lines: "+;lo;IPv4;Weather\032Agent;_wot._tcp;local" and
    # "=;lo;IPv4;Weather\032Agent;_wot._tcp;local;host.local;127.0.0.1;8080;"k=v" "k2=v2"".
    timeout "$timeout" avahi-browse -r -p "$1" 2>"$work/browse.log" | python3 -u -c '
import json, re, sys

def unescape(s):
    # avahi-browse -p escapes a label: "\." and "\\" for dot and backslash, "\DDD" (decimal) for others.
    out, i = bytearray(), 0
    while i < len(s):
        if s[i] == "\\" and len(s[i + 1:i + 4]) == 3 and s[i + 1:i + 4].isdigit():
            out.append(int(s[i + 1:i + 4])); i += 4
        elif s[i] == "\\" and i + 1 < len(s):
            out += s[i + 1].encode(); i += 2
        else:
            out += s[i].encode(); i += 1
    return out.decode("utf-8", "replace")

for line in sys.stdin:
    f = line.rstrip("\n").split(";")
    if len(f) < 6:
        continue
    ev = {"+": "added", "-": "removed", "=": "resolved"}.get(f[0])
    if ev is None:
        continue
    out = {"event": ev, "interface": f[1], "protocol": f[2], "name": unescape(f[3]), "type": f[4], "domain": f[5]}
    if ev == "resolved" and len(f) >= 10:
        txt = {}
        for item in re.findall("\"((?:[^\"\\\\]|\\\\.)*)\"", ";".join(f[9:])):
            k, sep, v = re.sub("\\\\(.)", "\\1", item).partition("=")
            txt[k] = v if sep else None
        out.update(host=f[6], address=f[7], port=int(f[8]), txt=txt)
    print(json.dumps(out, sort_keys=True), flush=True)
'
    return 0
}

case "${1:-}" in
    publish) shift; cmd_publish "$@" ;;
    browse) shift; cmd_browse "$@" ;;
    run) shift; [ $# -gt 0 ] || die "usage: run CMD ARGS..."; "$@" ;;
    *) die "usage: avahi-peer.sh publish|browse|run ... (see the comment at the top)" ;;
esac
