#!/usr/bin/env python3
"""A python-zeroconf mDNS / DNS-SD peer for the swift-lmos local-network interop tests.

It runs only inside a private network namespace (see scripts/netns-run, which sets LMOS_NETNS=1), and by
default speaks on 127.0.0.1 (the namespace's `lo`) only, IPv4 only.

    zeroconf_peer.py register --name "Weather Agent" --type _wot._tcp.local. --port 8080 \
        --txt td=/.well-known/wot --txt type=Thing --txt scheme=http [--subtype _directory] \
        [--host weather.local.] [--address 127.0.0.1] [--duration S]
    zeroconf_peer.py browse --type _wot._tcp.local. [--subtype _directory] [--timeout 5]
    zeroconf_peer.py resolve --name "Weather Agent._wot._tcp.local." [--timeout 3]

Every event is one JSON line on stdout, flushed at once:
    register: {"event":"registered","name":<final name, zeroconf renames on conflict>,...}, then, after
              stdin reaches EOF or SIGTERM/SIGINT arrives (or --duration passes; --until-signal ignores
              stdin, which a shell's background job has as /dev/null), goodbyes are sent and
              {"event":"unregistered","name":...} is printed.
    browse:   {"event":"added"|"updated"|"removed","name":...,"type":...,"host":...,"port":...,
               "addresses":[...],"txt":{...}} per change (removed carries the name and type only); exits 0
              after --timeout seconds.
    resolve:  {"event":"resolved",...} and exit 0, or {"event":"not_found","name":...} and exit 1.
TXT values are decoded as UTF-8 (a key without "=" maps to null). Diagnostics go to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import threading

from zeroconf import IPVersion, ServiceStateChange, __version__ as zeroconf_version
from zeroconf import BadTypeInNameException
from zeroconf.asyncio import AsyncServiceBrowser, AsyncServiceInfo, AsyncZeroconf
from zeroconf._utils.name import service_type_name


def emit(obj: dict) -> None:
    """Prints one JSON event line and flushes, so a test reading the pipe sees it at once."""
    sys.stdout.write(json.dumps(obj, sort_keys=True) + "\n")
    sys.stdout.flush()


def die(message: str, status: int = 2) -> None:
    print(f"zeroconf_peer: {message}", file=sys.stderr)
    sys.exit(status)


def require_private_namespace() -> None:
    """Refuses to touch the network unless we run inside a namespace made for the tests.

    mDNS is multicast: outside a private network namespace it would reach this machine's real links.
    """
    if os.environ.get("LMOS_NETNS") != "1":
        die("refusing to run outside a private network namespace (run me through scripts/netns-run)")
    try:  # Where we can see it (as root), also check that we are not in the initial namespace.
        if os.readlink("/proc/self/ns/net") == os.readlink("/proc/1/ns/net"):
            die("LMOS_NETNS=1 is set but this is the initial network namespace; refusing")
    except OSError:
        pass


def fqdn(name: str) -> str:
    return name if name.endswith(".") else name + "."


def host_name(name: str) -> str:
    """'weather' -> 'weather.local.'; 'weather.local' -> 'weather.local.'."""
    name = fqdn(name)
    return name if name.lower().endswith(".local.") else name[:-1] + ".local."


def subtype_name(subtype: str, service_type: str) -> str:
    """('_directory', '_wot._tcp.local.') -> '_directory._sub._wot._tcp.local.'."""
    if "._sub." in subtype:
        return fqdn(subtype)
    return f"{subtype}._sub.{service_type}"


def parse_txt(items: list[str]) -> dict[str, str | None]:
    """['k=v', 'flag'] -> {'k': 'v', 'flag': None}; insertion order is the TXT record's string order."""
    out: dict[str, str | None] = {}
    for item in items:
        key, sep, value = item.partition("=")
        out[key] = value if sep else None
    return out


def describe(info: AsyncServiceInfo) -> dict:
    """The JSON view of a resolved service."""
    txt: dict[str, str | None] = {}
    for key, value in (info.properties or {}).items():
        k = key.decode("utf-8", "replace") if isinstance(key, bytes) else str(key)
        if value is None:
            txt[k] = None
        else:
            txt[k] = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return {
        "name": info.name,
        "type": info.type,
        "host": info.server,
        "port": info.port,
        "addresses": info.parsed_scoped_addresses(),
        "txt": txt,
        "priority": info.priority,
        "weight": info.weight,
    }


def make_zeroconf(args: argparse.Namespace) -> AsyncZeroconf:
    """An AsyncZeroconf bound to the namespace's interfaces only (127.0.0.1 unless told otherwise)."""
    versions = {"4": IPVersion.V4Only, "6": IPVersion.V6Only, "all": IPVersion.All}
    # A bare number is an interface index (zeroconf takes those for IPv6), anything else an address.
    interfaces = [int(i) if i.isdigit() else i for i in (args.interface or ["127.0.0.1"])]
    return AsyncZeroconf(interfaces=interfaces, ip_version=versions[args.ip_version])


def stop_on_signals() -> asyncio.Event:
    """An event set by SIGTERM or SIGINT (installed before registering, so an early signal still says goodbye)."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def wait_for_stop(stop: asyncio.Event, duration: float | None, watch_stdin: bool) -> None:
    """Returns when `stop` is set (a signal), `duration` seconds pass, or (if watched) stdin reaches EOF."""
    loop = asyncio.get_running_loop()
    if duration is not None:
        loop.call_later(duration, stop.set)
    if watch_stdin:
        # A thread reads stdin to its end: works for pipes, terminals and /dev/null alike.
        def read_stdin() -> None:
            try:
                while sys.stdin.buffer.read(4096):
                    pass
            except (OSError, ValueError):
                pass
            loop.call_soon_threadsafe(stop.set)

        threading.Thread(target=read_stdin, daemon=True).start()
    await stop.wait()


async def cmd_register(args: argparse.Namespace) -> int:
    service_type = fqdn(args.type)
    name = args.name if args.name.endswith("." + service_type) else f"{args.name}.{service_type}"
    server = host_name(args.host) if args.host else "zeroconf-peer.local."
    txt = parse_txt(args.txt)
    addresses = args.address or ["127.0.0.1"]

    stop = stop_on_signals()
    aiozc = make_zeroconf(args)
    info = AsyncServiceInfo(
        service_type, name, port=args.port, properties=txt, server=server, parsed_addresses=addresses
    )
    # Probes (zeroconf's probe asks PTR <type> QU with the PTR in the authority section), renames to
    # "<instance>-2" and so on if the name is taken, then announces.
    await (await aiozc.async_register_service(info, allow_name_change=True))
    final_name = info.name

    # python-zeroconf answers a PTR question for one type per ServiceInfo, and keys its registry by the
    # instance name. For each subtype, a second ServiceInfo with the same instance, host, port and TXT
    # but the subtype as its type answers "<sub>._sub.<type> PTR <instance>". It gets its own registry
    # key so that SRV/TXT questions are still answered from the main one only; it skips probing (the
    # name was probed above).
    sub_infos = []
    for sub in args.subtype or []:
        sub_info = AsyncServiceInfo(
            subtype_name(sub, service_type),
            final_name,
            port=args.port,
            properties=txt,
            server=server,
            parsed_addresses=addresses,
        )
        sub_info.key = final_name.lower() + "#" + sub_info.type.lower()
        await (await aiozc.async_register_service(sub_info, cooperating_responders=True))
        sub_infos.append(sub_info)

    emit(
        {
            "event": "registered",
            "name": final_name,
            "type": service_type,
            "subtypes": [s.type for s in sub_infos],
            "host": server,
            "port": args.port,
            "addresses": addresses,
            "txt": txt,
            "zeroconf": zeroconf_version,
        }
    )

    await wait_for_stop(stop, args.duration, watch_stdin=args.duration is None and not args.until_signal)
    for sub_info in sub_infos:  # Goodbyes (TTL 0), three times each, 125 ms apart.
        await (await aiozc.async_unregister_service(sub_info))
    await (await aiozc.async_unregister_service(info))
    emit({"event": "unregistered", "name": final_name})
    await aiozc.async_close()
    return 0


async def cmd_browse(args: argparse.Namespace) -> int:
    service_type = fqdn(args.type)
    browse_type = subtype_name(args.subtype, service_type) if args.subtype else service_type
    aiozc = make_zeroconf(args)
    loop = asyncio.get_running_loop()
    tasks: set[asyncio.Task] = set()

    async def report(kind: str, name: str) -> None:
        if kind == "removed":
            emit({"event": "removed", "name": name, "type": browse_type})
            return
        info = AsyncServiceInfo(browse_type, name)
        if await info.async_request(aiozc.zeroconf, 3000):
            emit({"event": kind, **describe(info)})
        else:
            emit({"event": kind, "name": name, "type": browse_type, "resolved": False})

    def on_change(zeroconf, service_type, name, state_change) -> None:  # noqa: ANN001
        kind = {
            ServiceStateChange.Added: "added",
            ServiceStateChange.Updated: "updated",
            ServiceStateChange.Removed: "removed",
        }[state_change]
        task = loop.create_task(report(kind, name))
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    browser = AsyncServiceBrowser(aiozc.zeroconf, [browse_type], handlers=[on_change])
    await asyncio.sleep(args.timeout)
    await browser.async_cancel()
    if tasks:
        await asyncio.wait(tasks, timeout=3)
    await aiozc.async_close()
    return 0


async def cmd_resolve(args: argparse.Namespace) -> int:
    name = fqdn(args.name)
    try:
        service_type = service_type_name(name, strict=False)
    except BadTypeInNameException:
        die(f"not a service instance name: {name!r}")
    aiozc = make_zeroconf(args)
    info = AsyncServiceInfo(service_type, name)
    found = await info.async_request(aiozc.zeroconf, int(args.timeout * 1000))
    await aiozc.async_close()
    if found:
        emit({"event": "resolved", **describe(info)})
        return 0
    emit({"event": "not_found", "name": name})
    return 1


def main() -> int:
    # A parent may start us with SIGTERM/SIGINT blocked (the Swift test runner does); unblock them so that the
    # goodbye on a signal works.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    for sig in (signal.SIGTERM, signal.SIGINT):
        if signal.getsignal(sig) == signal.SIG_IGN:
            signal.signal(sig, signal.SIG_DFL)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--interface",
        action="append",
        help="address (or IPv6 interface index) to speak on; repeatable; default 127.0.0.1",
    )
    common.add_argument("--ip-version", choices=["4", "6", "all"], default="4")
    sub = parser.add_subparsers(dest="command", required=True)

    reg = sub.add_parser("register", parents=[common], help="register a service until stdin closes")
    reg.add_argument("--name", required=True, help="instance name, e.g. 'Weather Agent'")
    reg.add_argument("--type", default="_wot._tcp.local.")
    reg.add_argument("--subtype", action="append", help="e.g. _directory; repeatable")
    reg.add_argument("--port", type=int, required=True)
    reg.add_argument("--txt", action="append", default=[], help="key=value; repeatable, kept in order")
    reg.add_argument("--host", help="target host name (default zeroconf-peer.local.)")
    reg.add_argument("--address", action="append", help="A/AAAA address; repeatable; default 127.0.0.1")
    reg.add_argument("--duration", type=float, help="unregister after S seconds instead of at stdin EOF")
    reg.add_argument(
        "--until-signal",
        action="store_true",
        help="ignore stdin (e.g. a background job's /dev/null); unregister on SIGTERM/SIGINT only",
    )

    br = sub.add_parser("browse", parents=[common], help="browse a type and print changes")
    br.add_argument("--type", default="_wot._tcp.local.")
    br.add_argument("--subtype", help="browse <subtype>._sub.<type> instead, e.g. _directory")
    br.add_argument("--timeout", type=float, default=5.0)

    res = sub.add_parser("resolve", parents=[common], help="resolve one instance")
    res.add_argument("--name", required=True, help="full instance name, e.g. 'Weather Agent._wot._tcp.local.'")
    res.add_argument("--timeout", type=float, default=3.0)

    args = parser.parse_args()
    require_private_namespace()
    command = {"register": cmd_register, "browse": cmd_browse, "resolve": cmd_resolve}[args.command]
    return asyncio.run(command(args))


if __name__ == "__main__":
    sys.exit(main())
