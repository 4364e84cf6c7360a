#!/usr/bin/env python3
"""Turns captured mDNS packets into the hex fixtures of Tests/DNSMessageTests/Fixtures.

    mdns_fixture.py list CAPTURE.pcap               # every UDP/5353 payload, numbered, decoded
    mdns_fixture.py extract CAPTURE.pcap N OUT.hex --title "..." [--source "..."]
    mdns_fixture.py show FIXTURE.hex                # decode a fixture (checks it parses to the end)

Reads classic pcap files (tcpdump -w) with Ethernet (lo) or Linux cooked link types, IPv4 or IPv6.
The decoder here is deliberately independent of any DNS library: it prints each record's class with
the mDNS top bit shown apart (QU for questions, cache-flush for records), and every compression pointer
it follows, so the README can state exactly what the Swift parser must find. Uses only the standard
library; the output was cross-checked against dnslib.
"""

from __future__ import annotations

import argparse
import ipaddress
import socket
import struct
import sys

TYPES = {1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 13: "HINFO", 16: "TXT", 28: "AAAA", 33: "SRV",
         41: "OPT", 47: "NSEC", 255: "ANY"}


# ---------------------------------------------------------------------------------------------- pcap

def udp_payloads(path: str):
    """Yields (time, src, sport, dst, dport, payload) for each UDP datagram in a pcap file."""
    data = open(path, "rb").read()
    magic = data[:4]
    if magic == b"\xd4\xc3\xb2\xa1":
        endian = "<"
    elif magic == b"\xa1\xb2\xc3\xd4":
        endian = ">"
    else:
        raise SystemExit(f"{path}: not a classic pcap file")
    (linktype,) = struct.unpack(endian + "I", data[20:24])
    off = 24
    while off + 16 <= len(data):
        sec, usec, incl, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        if linktype == 1:  # Ethernet (what tcpdump -i lo records)
            ethertype, l3 = struct.unpack("!H", frame[12:14])[0], frame[14:]
        elif linktype == 113:  # Linux cooked (tcpdump -i any)
            ethertype, l3 = struct.unpack("!H", frame[14:16])[0], frame[16:]
        else:
            raise SystemExit(f"unsupported link type {linktype}")
        if ethertype == 0x0800 and l3[9] == 17:
            l4 = l3[(l3[0] & 15) * 4:]
            src, dst = socket.inet_ntoa(l3[12:16]), socket.inet_ntoa(l3[16:20])
        elif ethertype == 0x86DD and l3[6] == 17:
            l4 = l3[40:]
            src = socket.inet_ntop(socket.AF_INET6, l3[8:24])
            dst = socket.inet_ntop(socket.AF_INET6, l3[24:40])
        else:
            continue
        sport, dport, length = struct.unpack("!HHH", l4[:6])
        yield sec + usec / 1e6, src, sport, dst, dport, l4[8:length]


# ----------------------------------------------------------------------------------------- decoding

def label_char(b: int) -> str:
    """Presentation form of one label byte: '.' and '\\' escaped, space kept, other non-printables \\DDD."""
    if b in b".\\":
        return "\\" + chr(b)
    return chr(b) if 0x20 <= b <= 0x7E else f"\\{b:03d}"


class Reader:
    def __init__(self, msg: bytes):
        self.msg = msg
        self.pointers: list[tuple[int, int]] = []  # (offset of the pointer, target offset)

    def name(self, off: int) -> tuple[str, int]:
        """Reads a possibly compressed name at off; returns (presentation form, offset after it)."""
        labels, end, seen = [], None, set()
        while True:
            length = self.msg[off]
            if length & 0xC0 == 0xC0:
                target = ((length & 0x3F) << 8) | self.msg[off + 1]
                if target in seen:
                    raise ValueError("compression loop")
                seen.add(target)
                self.pointers.append((off, target))
                if end is None:
                    end = off + 2
                off = target
                continue
            if length & 0xC0:
                raise ValueError(f"bad label length 0x{length:02x} at {off}")
            off += 1
            if length == 0:
                break
            labels.append("".join(label_char(b) for b in self.msg[off:off + length]))
            off += length
        return (".".join(labels) + ".") if labels else ".", end if end is not None else off

    def rdata(self, rtype: int, off: int, length: int) -> str:
        data = self.msg[off:off + length]
        if rtype == 1 and length == 4:
            return str(ipaddress.IPv4Address(data))
        if rtype == 28 and length == 16:
            return str(ipaddress.IPv6Address(data))
        if rtype in (12, 5, 2):
            return self.name(off)[0]
        if rtype == 33:
            prio, weight, port = struct.unpack("!HHH", data[:6])
            return f"priority={prio} weight={weight} port={port} target={self.name(off + 6)[0]}"
        if rtype == 16:
            strings, i = [], 0
            while i < length:
                n = data[i]
                strings.append(data[i + 1:i + 1 + n].decode("utf-8", "backslashreplace"))
                i += 1 + n
            return " ".join(f'"{s}"' for s in strings) + f"  ({len(strings)} strings)"
        if rtype == 47:
            nxt, after = self.name(off)
            bits, i, types = self.msg[after:off + length], 0, []
            while i < len(bits):
                window, blen = bits[i], bits[i + 1]
                for byte_index, byte in enumerate(bits[i + 2:i + 2 + blen]):
                    for bit in range(8):
                        if byte & (0x80 >> bit):
                            t = window * 256 + byte_index * 8 + bit
                            types.append(TYPES.get(t, f"TYPE{t}"))
                i += 2 + blen
            return f"next={nxt} types={','.join(types)} (bitmap {bits.hex()})"
        return data.hex()


def decode(msg: bytes) -> list[str]:
    """Describes a DNS message line by line; raises if it does not parse to its last byte."""
    r = Reader(msg)
    ident, flags, qd, an, ns, ar = struct.unpack("!HHHHHH", msg[:12])
    names = [n for n, bit in (("QR", 15), ("AA", 10), ("TC", 9), ("RD", 8), ("RA", 7)) if flags >> bit & 1]
    out = [f"{len(msg)} bytes; id={ident} flags=0x{flags:04x} ({' '.join(names) or 'none'}, "
           f"opcode={flags >> 11 & 15}, rcode={flags & 15}); qd={qd} an={an} ns={ns} ar={ar}"]
    off = 12
    for _ in range(qd):
        start = off
        name, off = r.name(off)
        qtype, qclass = struct.unpack("!HH", msg[off:off + 4])
        off += 4
        unicast = " QU" if qclass & 0x8000 else " QM"
        out.append(f"  question @{start}: {name} {TYPES.get(qtype, qtype)} class={qclass & 0x7FFF}{unicast}"
                   f" (raw class 0x{qclass:04x})")
    for section, count in (("answer", an), ("authority", ns), ("additional", ar)):
        for _ in range(count):
            start = off
            name, off = r.name(off)
            rtype, rclass, ttl, rdlen = struct.unpack("!HHIH", msg[off:off + 10])
            off += 10
            flush = " cache-flush" if rclass & 0x8000 else ""
            out.append(f"  {section} @{start}: {name} {TYPES.get(rtype, rtype)} class={rclass & 0x7FFF}{flush}"
                       f" ttl={ttl} rdlength={rdlen}: {r.rdata(rtype, off, rdlen)}")
            off += rdlen
    if off != len(msg):
        raise ValueError(f"{len(msg) - off} trailing bytes")
    if r.pointers:
        pts = ", ".join(f"@{p}->{t}" for p, t in sorted(set(r.pointers)))
        out.append(f"  compression pointers (pointer offset -> target offset): {pts}")
    else:
        out.append("  no compression pointers")
    return out


# ------------------------------------------------------------------------------------------ fixtures

def write_fixture(path: str, payload: bytes, header: list[str]) -> None:
    with open(path, "w") as f:
        for line in header:
            f.write(f"# {line}\n".replace("#  ", "#   ") if line else "#\n")
        for i in range(0, len(payload), 16):
            f.write(" ".join(f"{b:02x}" for b in payload[i:i + 16]) + "\n")


def read_fixture(path: str) -> bytes:
    """The fixture format: '#' lines are comments; all other whitespace is ignored; the rest is hex."""
    hex_text = "".join(line for line in open(path) if not line.lstrip().startswith("#"))
    return bytes.fromhex("".join(hex_text.split()))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    lp = sub.add_parser("list")
    lp.add_argument("pcap")
    ep = sub.add_parser("extract")
    ep.add_argument("pcap")
    ep.add_argument("index", type=int)
    ep.add_argument("out")
    ep.add_argument("--title", required=True)
    ep.add_argument("--source", default="")
    sp = sub.add_parser("show")
    sp.add_argument("fixture", nargs="+")
    a = p.parse_args()

    if a.cmd == "list":
        packets = list(udp_payloads(a.pcap))
        t0 = packets[0][0] if packets else 0
        for i, (t, src, sport, dst, dport, payload) in enumerate(packets):
            print(f"#{i} +{t - t0:.3f}s {src}:{sport} -> {dst}:{dport}")
            for line in decode(payload):
                print("   " + line)
    elif a.cmd == "extract":
        packets = list(udp_payloads(a.pcap))
        t, src, sport, dst, dport, payload = packets[a.index]
        header = [a.title]
        if a.source:
            header.append(a.source)
        header.append(f"UDP {src}:{sport} -> {dst}:{dport}")
        header.append("")
        header += decode(payload)
        write_fixture(a.out, payload, header)
        print(f"wrote {a.out} ({len(payload)} bytes)")
    else:
        for path in a.fixture:
            print(f"== {path}")
            for line in decode(read_fixture(path)):
                print("   " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
