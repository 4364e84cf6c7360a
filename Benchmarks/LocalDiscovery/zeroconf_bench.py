#!/usr/bin/env python3
"""The python-zeroconf side of mdns-bench.sh: the same three figures as MDNSBench, with two AsyncZeroconf
instances (one registers, one browses) in one process on lo. Run only inside scripts/netns-run."""
import asyncio, json, os, sys, time

from zeroconf import IPVersion, ServiceStateChange
from zeroconf.asyncio import AsyncServiceBrowser, AsyncServiceInfo, AsyncZeroconf

TYPE = "_wot._tcp.local."


def summary(values):
    s = sorted(values)
    pick = lambda p: s[min(len(s) - 1, int((len(s) - 1) * p + 0.5))]
    return {"p50": pick(0.5), "p90": pick(0.9), "max": s[-1]}


async def main(runs: int, bulk: int) -> None:
    if os.environ.get("LMOS_NETNS") != "1":
        sys.exit("zeroconf_bench: run me through scripts/netns-run")
    browser_zc = AsyncZeroconf(interfaces=["127.0.0.1"], ip_version=IPVersion.V4Only)
    responder = AsyncZeroconf(interfaces=["127.0.0.1"], ip_version=IPVersion.V4Only)
    present: set[str] = set()
    changed = asyncio.Event()
    loop = asyncio.get_running_loop()
    resolving: set = set()

    async def resolve(name: str) -> None:
        info = AsyncServiceInfo(TYPE, name)
        if await info.async_request(browser_zc.zeroconf, 3000):
            present.add(name)
            changed.set()

    def on_change(zeroconf, service_type, name, state_change):
        if state_change is ServiceStateChange.Removed:
            present.discard(name)
            changed.set()
        else:
            task = loop.create_task(resolve(name))
            resolving.add(task)
            task.add_done_callback(resolving.discard)

    browser = AsyncServiceBrowser(browser_zc.zeroconf, TYPE, handlers=[on_change])

    async def wait(name: str, added: bool) -> None:
        while (name in present) != added:
            changed.clear()
            await changed.wait()

    def info(name: str, port: int) -> AsyncServiceInfo:
        return AsyncServiceInfo(TYPE, f"{name}.{TYPE}", port=port, properties={"td": "/td"},
                                server="bench-peer.local.", addresses=[bytes([127, 0, 0, 1])])

    seen, removed = [], []
    for run in range(runs):
        name = f"Bench Python {run}"
        service = info(name, 9000)
        start = time.monotonic()
        await responder.async_register_service(service)
        await wait(f"{name}.{TYPE}", True)
        seen.append((time.monotonic() - start) * 1000)
        goodbye = time.monotonic()
        await responder.async_unregister_service(service)
        await wait(f"{name}.{TYPE}", False)
        removed.append((time.monotonic() - goodbye) * 1000)

    start = time.monotonic()
    await asyncio.gather(*(responder.async_register_service(info(f"Bulk Python {i}", 9001)) for i in range(bulk)))
    for i in range(bulk):
        await wait(f"Bulk Python {i}.{TYPE}", True)
    bulk_seconds = time.monotonic() - start
    resolved = sum(1 for n in present if n.startswith("Bulk Python "))
    await responder.async_unregister_all_services()
    await browser.async_cancel()
    await responder.async_close()
    await browser_zc.async_close()
    print(json.dumps({"implementation": "python-zeroconf", "runs": runs,
                      "advertise_to_seen_ms": summary(seen), "goodbye_to_removed_ms": summary(removed),
                      "bulk_services": bulk, "bulk_resolved": resolved, "bulk_all_resolved_s": bulk_seconds},
                     sort_keys=True))


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20, int(sys.argv[2]) if len(sys.argv) > 2 else 200))
