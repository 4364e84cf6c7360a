#!/usr/bin/env python3
"""SSE fan-out latency: SUBSCRIBERS clients on /events, then EVENTS descriptions PUT one at a time at RATE per second;
for every event and subscriber, the time from just before the PUT was sent to the moment the subscriber read the
event. Prints one JSON line: {"subscribers", "events", "delivered", "p50_ms", "p99_ms", "max_ms"}. Bounded: gives up
after --timeout seconds."""
import argparse, asyncio, json, time, urllib.parse

BODY = ('{"@context":["https://www.w3.org/2022/wot/td/v1.1",{"lmos":"https://eclipse.dev/lmos/protocol/v1"}],'
        '"@type":"lmos:Agent","id":"%s","title":"SSE %d",'
        '"securityDefinitions":{"nosec_sc":{"scheme":"nosec"}},"security":"nosec_sc"}')

async def subscriber(host, port, sent, latencies, ready, done, wanted):
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"GET /events HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    if b" 200 " not in head.split(b"\r\n")[0]:
        raise RuntimeError(head.decode(errors="replace"))
    ready()
    seen = 0
    buffer = b""
    while seen < wanted:
        chunk = await reader.read(65536)
        if not chunk:
            break
        now = time.monotonic()
        buffer += chunk
        while b'"id":"' in buffer:
            start = buffer.index(b'"id":"') + 6
            end = buffer.find(b'"', start)
            if end < 0:
                break
            thing = buffer[start:end].decode()
            buffer = buffer[end:]
            if thing in sent:
                latencies.append(now - sent[thing])
                seen += 1
    writer.close()
    done()

async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--rate", type=float, default=10)
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    url = urllib.parse.urlparse(args.url)
    host, port = url.hostname, url.port
    sent, latencies = {}, []
    ready_count, done_count = [0], [0]
    all_ready = asyncio.Event()
    def ready():
        ready_count[0] += 1
        if ready_count[0] == args.subscribers:
            all_ready.set()
    def done():
        done_count[0] += 1
    tasks = []
    for _ in range(args.subscribers):
        tasks.append(asyncio.create_task(subscriber(host, port, sent, latencies, ready, done, args.events)))
        if len(tasks) % 100 == 0:
            await asyncio.sleep(0.05)
    await asyncio.wait_for(all_ready.wait(), args.timeout)
    await asyncio.sleep(0.5)
    reader, writer = await asyncio.open_connection(host, port)
    run = int(time.time())
    for n in range(args.events):
        thing = f"urn:bench:sse:{run}:{n}"
        body = (BODY % (thing, n)).encode()
        request = (f"PUT /things/{thing} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/td+json\r\n"
                   f"Content-Length: {len(body)}\r\n\r\n").encode() + body
        sent[thing] = time.monotonic()
        writer.write(request)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        if length:
            await reader.readexactly(length)
        if b" 201 " not in head.split(b"\r\n")[0]:
            raise RuntimeError("the PUT was refused: " + head.decode(errors="replace"))
        await asyncio.sleep(1 / args.rate)
    deadline = time.monotonic() + args.timeout
    while done_count[0] < args.subscribers and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    for task in tasks:
        task.cancel()
    latencies.sort()
    def percentile(p):
        return round(latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000, 2) if latencies else None
    print(json.dumps({"subscribers": args.subscribers, "events": args.events, "delivered": len(latencies),
                      "expected": args.subscribers * args.events, "p50_ms": percentile(0.5), "p99_ms": percentile(0.99),
                      "max_ms": round(latencies[-1] * 1000, 2) if latencies else None}))

asyncio.run(main())
