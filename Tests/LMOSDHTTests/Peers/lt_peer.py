#!/usr/bin/env python3
"""A libtorrent Mainline DHT peer (BEP 5 + BEP 44) for the swift-lmos DHT interop tests and benchmark.

    lt_peer.py [--port P] [--node HOST:PORT ...] [--linger] [--trace]

Listens on 127.0.0.1 only (UDP and TCP, port P, 0 = any free port), no bootstrap routers, no
LSD/UPnP/NAT-PMP. Prints {"ready":true,"port":P,"node_id":HEX} once, then answers one JSON command per
stdin line with exactly one JSON line (with the command's "id" echoed). EOF on stdin exits, unless
--linger (then SIGTERM/SIGINT). --trace copies every DHT packet to stderr. See README.md for the ops.

Needs libtorrent's Python bindings (2.x) and, for seed-based mutable puts, `cryptography` or PyNaCl.
"""

import argparse
import hashlib
import json
import signal
import sys
import threading
import time
import warnings
from collections import Counter

import libtorrent as lt

CAT = lt.alert.category_t


def public_key_from_seed(seed: bytes) -> bytes:
    """The RFC 8032 Ed25519 public key of a 32-byte seed (libtorrent's Python bindings cannot derive it)."""
    try:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()
    except ImportError:
        import nacl.signing
        return bytes(nacl.signing.SigningKey(seed).verify_key)


def expanded_secret(seed: bytes) -> bytes:
    """The 64-byte secret libtorrent (orlp ed25519) signs with: SHA-512(seed), first half clamped."""
    h = bytearray(hashlib.sha512(seed).digest())
    h[0] &= 248
    h[31] &= 63
    h[31] |= 64
    return bytes(h)


def to_bytes(value) -> bytes:
    return value.encode() if isinstance(value, str) else bytes(value)


class Peer:
    def __init__(self, port: int, trace: bool):
        self.trace = trace
        self.ses = lt.session({
            "listen_interfaces": f"127.0.0.1:{port}",
            "outgoing_interfaces": "127.0.0.1",
            "enable_dht": True,
            "dht_bootstrap_nodes": "",  # must be set at construction: the default is dht.libtorrent.org
            "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
            "enable_incoming_utp": False, "enable_outgoing_utp": False,  # no BitTorrent traffic at all
            "enable_incoming_tcp": False, "enable_outgoing_tcp": False,
            # Every node here is 127.0.0.1: allow many nodes per IP in the routing table and in lookups.
            "dht_restrict_routing_ips": False, "dht_restrict_search_ips": False,
            "dht_enforce_node_id": False, "dht_prefer_verified_node_ids": False,
            "dht_ignore_dark_internet": False,
            # libtorrent bans an IP that sends >= 10 * dht_block_ratelimit packets in 10 s (default 5,
            # i.e. 50 packets) for dht_block_timeout s, and dht_upload_rate_limit (8000 B/s) drops
            # queries; on loopback every peer shares one IP, so both would cut the network apart.
            "dht_block_ratelimit": 1_000_000, "dht_upload_rate_limit": 100_000_000,
            "alert_queue_size": 100_000,
            "alert_mask": CAT.dht_notification | CAT.dht_operation_notification | CAT.dht_log_notification
            | CAT.error_notification | CAT.status_notification,
        })
        self.cond = threading.Condition()
        self.events = []  # (serial, dict) of DHT results, appended by the pump thread
        self.serial = 0
        self.sent = Counter()  # outgoing KRPC queries by method ("q")
        self.received = Counter()  # incoming KRPC queries by method
        self.ro_queries = 0  # outgoing queries carrying "ro": 1 (BEP 43)
        self.stopping = False
        self.pump_thread = threading.Thread(target=self.pump, daemon=True)
        self.pump_thread.start()

    def close(self):
        """Stops the alert thread before the session goes: a thread still inside wait_for_alert while
        the interpreter tears libtorrent down aborts the process ("terminate called ...")."""
        self.stopping = True
        self.pump_thread.join(2)
        del self.ses

    # -- alerts ----------------------------------------------------------------------------------------

    def pump(self):
        """Pops alerts for the whole session; results become events, packets are counted."""
        while not self.stopping:
            self.ses.wait_for_alert(200)
            for a in self.ses.pop_alerts():  # alerts die at the next pop: copy what we need now
                ev = self.convert(a)
                if ev is not None:
                    ev["t"] = time.monotonic()
                    with self.cond:
                        self.serial += 1
                        self.events.append((self.serial, ev))
                        del self.events[:-2000]
                        self.cond.notify_all()

    def convert(self, a):
        if isinstance(a, lt.dht_pkt_alert):
            self.count_packet(a)
        elif isinstance(a, lt.dht_mutable_item_alert):
            return {"kind": "mutable", "key": bytes(a.key), "salt": to_bytes(a.salt), "seq": a.seq,
                    "item": a.item, "signature": bytes(a.signature), "authoritative": a.authoritative}
        elif isinstance(a, lt.dht_immutable_item_alert):
            return {"kind": "immutable", "target": str(a.target), "item": a.item}
        elif isinstance(a, lt.dht_put_alert):
            return {"kind": "put", "target": str(a.target), "public_key": bytes(a.public_key),
                    "salt": to_bytes(a.salt), "seq": a.seq, "num_success": a.num_success,
                    "signature": bytes(a.signature)}
        elif isinstance(a, lt.dht_stats_alert):
            return {"kind": "stats", "routing_table": list(a.routing_table),
                    "active_requests": len(a.active_requests)}
        elif self.trace and (a.category() & (CAT.error_notification | CAT.dht_log_notification)):
            print(f"lt_peer: {type(a).__name__}: {a.message()}", file=sys.stderr, flush=True)
        return None

    def count_packet(self, a):
        """dht_pkt_alert's message starts with "==>" (sent) or "<==" (received); pkt_buf is the datagram."""
        out = a.message().startswith("==>")
        try:
            msg = lt.bdecode(bytes(a.pkt_buf)) or {}
        except Exception:
            msg = {}
        if msg.get(b"y") == b"q":
            (self.sent if out else self.received)[msg.get(b"q", b"?").decode(errors="replace")] += 1
            if out and (msg.get(b"ro") == 1):
                self.ro_queries += 1
        if self.trace:
            print(f"lt_peer: {a.message()}", file=sys.stderr, flush=True)

    def mark(self) -> int:
        with self.cond:
            return self.serial

    def wait(self, since: int, match, done, timeout: float):
        """Events after `since` that satisfy `match`, until one satisfies `done` or `timeout` passes."""
        deadline = time.monotonic() + timeout
        seen = []
        with self.cond:
            while True:
                for serial, ev in self.events:
                    if serial > since and match(ev):
                        seen.append(ev)
                        since = serial
                        if done(ev):
                            return seen
                since = max(since, self.serial)
                left = deadline - time.monotonic()
                if left <= 0:
                    return seen
                self.cond.wait(min(left, 0.5))

    # -- operations ------------------------------------------------------------------------------------

    def node_id(self) -> str:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ids = (self.ses.dht_state() or {}).get(b"node-id") or []
        return ids[0][:20].hex() if ids else ""

    def start(self, nodes, timeout=10.0) -> dict:
        deadline = time.monotonic() + timeout  # the DHT has an id once it runs on the UDP socket
        while not (self.ses.is_dht_running() and self.node_id()) and time.monotonic() < deadline:
            time.sleep(0.01)
        for host, port in nodes:
            self.ses.add_dht_node((host, port))
        ready = {"ready": True, "port": self.ses.listen_port(), "node_id": self.node_id()}
        if nodes:  # wait (<= 2 s) for a node to answer libtorrent's get_peers "ping", then look around
            deadline = time.monotonic() + 2
            while self.stats(1).get("nodes", 0) == 0 and time.monotonic() < deadline:
                time.sleep(0.02)
            ready["nodes"] = self.refresh(2)["nodes"]
        return ready

    def refresh(self, timeout: float) -> dict:
        """A lookup of our own id, which is how we meet our neighbours now: libtorrent itself only
        bootstraps from routers at start, and confirms nodes that queried it one per ~5 s tick."""
        self.get_immutable(self.node_id(), timeout)
        return {"ok": True, "nodes": self.stats(timeout).get("nodes", 0)}

    def get_mutable(self, key: bytes, salt: bytes, timeout: float, first: bool = False) -> dict:
        """One dht_get_item(key, salt). libtorrent reports each newer item at once (authoritative False)
        and answers authoritatively only when the lookup ends, which waits out the 15 s RPC timeout of
        any dead node among the closest. The newest item seen wins; `first` returns at the first one."""
        sent = self.sent["get"]
        since, t0 = self.mark(), time.monotonic()
        self.ses.dht_get_mutable_item(key, salt)
        seen = self.wait(since, lambda e: e["kind"] == "mutable" and e["key"] == key and e["salt"] == salt,
                         lambda e: first or e["authoritative"], timeout)
        elapsed = (time.monotonic() - t0) * 1000
        found = [e for e in seen if e["seq"] > 0 or e["item"] not in (None, b"", {})]
        if not found:
            why = "not found" if seen else f"no answer within {timeout} s"
            return {"ok": False, "error": why, "elapsed_ms": elapsed, "get_queries": self.sent["get"] - sent}
        best = max(found, key=lambda e: e["seq"])
        return {"ok": True, "seq": best["seq"], "value_bencoded_hex": lt.bencode(best["item"]).hex(),
                "signature": best["signature"].hex(), "salt": salt.decode(errors="replace"),
                "authoritative": bool(seen[-1]["authoritative"]), "elapsed_ms": elapsed,
                "first_ms": (found[0]["t"] - t0) * 1000,
                "get_queries": self.sent["get"] - sent}

    def get_immutable(self, target: str, timeout: float) -> dict:
        since, t0 = self.mark(), time.monotonic()
        self.ses.dht_get_immutable_item(lt.sha1_hash(bytes.fromhex(target)))
        seen = self.wait(since, lambda e: e["kind"] == "immutable" and e["target"] == target,
                         lambda e: True, timeout)
        elapsed = (time.monotonic() - t0) * 1000
        if not seen or seen[0]["item"] in (None, b""):  # "not found" is an empty item (so is "0:")
            return {"ok": False, "error": "not found" if seen else f"no answer within {timeout} s",
                    "elapsed_ms": elapsed}
        return {"ok": True, "value_bencoded_hex": lt.bencode(seen[0]["item"]).hex(), "elapsed_ms": elapsed}

    def put_mutable(self, cmd: dict, timeout: float) -> dict:
        """The Python bindings' dht_put_mutable_item(secret64, public_key, data, salt) always stores the
        *byte string* `data` and signs seq = (highest seq found in the network, or 0) + 1: no dict/list
        values, no chosen seq. A requested "seq" is reached by putting again (at most 64 times)."""
        if "seed" in cmd:
            seed = bytes.fromhex(cmd["seed"])
            sk, pk = expanded_secret(seed), public_key_from_seed(seed)
        else:  # an expanded secret as in the BEP 44 test vectors (whose seed is unpublished)
            sk, pk = bytes.fromhex(cmd["secret_expanded"]), bytes.fromhex(cmd["public_key"])
        if len(sk) != 64 or len(pk) != 32:
            raise ValueError("need a 32-byte seed, or a 64-byte secret_expanded and a 32-byte public_key")
        salt = cmd.get("salt", "").encode()
        data = lt.bdecode(bytes.fromhex(cmd["value_bencoded_hex"]))
        if not isinstance(data, bytes):
            raise ValueError("libtorrent's Python bindings can only put a bencoded byte string as a mutable value")
        wanted, t0 = cmd.get("seq"), time.monotonic()
        for _ in range(64):
            since = self.mark()
            self.ses.dht_put_mutable_item(sk, pk, data, salt)
            seen = self.wait(since, lambda e: e["kind"] == "put" and e["public_key"] == pk and e["salt"] == salt,
                             lambda e: True, timeout)
            if not seen:
                return {"ok": False, "error": f"no dht_put_alert within {timeout} s"}
            put = seen[0]
            if wanted is None or put["seq"] >= wanted or put["num_success"] == 0:
                break
        return {"ok": put["num_success"] > 0, "public_key": pk.hex(), "target": hashlib.sha1(pk + salt).hexdigest(),
                "num_success": put["num_success"], "seq": put["seq"], "signature": put["signature"].hex(),
                "elapsed_ms": (time.monotonic() - t0) * 1000,
                **({} if put["num_success"] else {"error": "no node accepted the put"})}

    def put_immutable(self, cmd: dict, timeout: float) -> dict:
        raw = bytes.fromhex(cmd["value_bencoded_hex"])
        value = lt.bdecode(raw)
        if value is None or lt.bencode(value) != raw:
            raise ValueError("value_bencoded_hex is not canonical bencoding")
        since, t0 = self.mark(), time.monotonic()
        target = str(self.ses.dht_put_immutable_item(value))
        seen = self.wait(since, lambda e: e["kind"] == "put" and e["target"] == target, lambda e: True, timeout)
        if not seen:
            return {"ok": False, "error": f"no dht_put_alert within {timeout} s", "target": target}
        n = seen[0]["num_success"]
        return {"ok": n > 0, "target": target, "num_success": n, "elapsed_ms": (time.monotonic() - t0) * 1000,
                **({} if n else {"error": "no node accepted the put"})}

    def bench_get_mutable(self, key: bytes, salt: bytes, rounds: int, timeout: float) -> dict:
        """Sequential lookups of one item, each timed to its authoritative answer. libtorrent has no
        cache for gets: every round is a new traversal (get_queries counts its "get" queries; one may
        go to this node itself when a neighbour lists it in "nodes")."""
        times, queries, failures = [], [], 0
        for _ in range(rounds):
            r = self.get_mutable(key, salt, timeout)
            times.append(r["elapsed_ms"])
            queries.append(r["get_queries"])
            failures += 0 if r["ok"] else 1
        ordered = sorted(times)
        median = (ordered[len(ordered) // 2] + ordered[(len(ordered) - 1) // 2]) / 2 if ordered else 0.0
        return {"ok": failures == 0, "times_ms": times, "median_ms": median, "get_queries": queries,
                "failures": failures}

    def stats(self, timeout: float) -> dict:
        since = self.mark()
        self.ses.post_dht_stats()
        seen = self.wait(since, lambda e: e["kind"] == "stats", lambda e: True, timeout)
        if not seen:
            return {"ok": False, "error": "no dht_stats_alert"}
        table = seen[0]["routing_table"]
        return {"ok": True, "nodes": sum(b["num_nodes"] for b in table),
                "replacements": sum(b["num_replacements"] for b in table), "buckets": len(table),
                "active_requests": seen[0]["active_requests"], "queries_sent": dict(self.sent),
                "queries_received": dict(self.received), "ro_queries_sent": self.ro_queries,
                "node_id": self.node_id(), "port": self.ses.listen_port()}

    def handle(self, cmd: dict) -> dict:
        op, timeout = cmd.get("op"), float(cmd.get("timeout", 10))
        if op == "add_node":
            self.ses.add_dht_node((cmd.get("host", "127.0.0.1"), int(cmd["port"])))
            return {"ok": True}
        if op == "get_mutable":
            return self.get_mutable(bytes.fromhex(cmd["key"]), cmd.get("salt", "").encode(), timeout,
                                    cmd.get("wait") == "first")
        if op == "get_immutable":
            return self.get_immutable(cmd["target"].lower(), timeout)
        if op == "put_mutable":
            return self.put_mutable(cmd, timeout)
        if op == "put_immutable":
            return self.put_immutable(cmd, timeout)
        if op == "bench_get_mutable":
            return self.bench_get_mutable(bytes.fromhex(cmd["key"]), cmd.get("salt", "").encode(),
                                          int(cmd.get("rounds", 10)), timeout)
        if op == "settings":  # e.g. {"dht_read_only": true} (BEP 43 "ro"), {"dht_max_fail_count": 2}
            self.ses.apply_settings(cmd["settings"])
            current = self.ses.get_settings()
            return {"ok": True, "settings": {k: current.get(k) for k in cmd["settings"]}}
        if op == "refresh":
            return self.refresh(timeout)
        if op == "stats":
            return self.stats(timeout)
        raise ValueError(f"unknown op {op!r}")


def emit(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def endpoint(text: str):
    host, _, port = text.rpartition(":")
    return host or "127.0.0.1", int(port)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--node", type=endpoint, action="append", default=[], help="HOST:PORT to add")
    parser.add_argument("--linger", action="store_true", help="keep running after stdin closes")
    parser.add_argument("--trace", action="store_true", help="log DHT packets to stderr")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    peer = Peer(args.port, args.trace)
    try:
        emit(peer.start(args.node))
        serve(peer)
        if args.linger:
            signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        peer.close()
    return 0


def serve(peer: Peer) -> None:
    """Answers commands until "quit" or EOF."""
    for line in sys.stdin:
        if not line.strip():
            continue
        cmd = {}
        try:
            cmd = json.loads(line)
            if not isinstance(cmd, dict):
                raise ValueError("a command is a JSON object")
            reply = {"ok": True} if cmd.get("op") == "quit" else peer.handle(cmd)
        except Exception as e:  # bad JSON, missing or malformed fields, libtorrent errors
            reply = {"ok": False, "error": f"{type(e).__name__}: {e}"}
        cmd = cmd if isinstance(cmd, dict) else {}
        if "id" in cmd:
            reply["id"] = cmd["id"]
        emit(reply)
        if cmd.get("op") == "quit":
            sys.exit(0)


if __name__ == "__main__":
    sys.exit(main())
