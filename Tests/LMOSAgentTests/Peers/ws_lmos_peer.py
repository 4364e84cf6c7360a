#!/usr/bin/env python3
"""An independent WebSocket peer for the `lmosprotocol` binding of the swift-lmos example agent.

    ws_lmos_peer.py --ws ws://127.0.0.1:PORT/ws --thing-id urn:uuid:... [--skip NAME ...] [--list]

It speaks to a *fresh* `lmos example agent` (persona "helpful", conversations 0) with hand-written JSON, in
both dialects (LMOS: thingID/messageID/correlationID, `name`/`value`; kotlin-wot: thingId/messageId/
correlationId, `property`/`data`, `subscribeevent` + acknowledgement, final action statuses only), and checks
every reply against the protocol rules (see README.md in this directory). It uses nothing of swift-lmos.

Output: one line per check on stdout ("pass K NAME: what"), "took S s", then "ok N checks"; exit 0. On the first failure: what was sent, what
came back and what was expected on stderr; exit 1. Every receive waits at most 5 s, and the whole run at most
WATCHDOG_SECONDS, so it never hangs. `--skip NAME` (repeatable, a check name or a prefix ending in "*") skips
checks, which are then reported as skipped; `--list` prints the check names.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import signal
import sys
import time
import uuid
from datetime import datetime
from typing import Any, Callable

from websockets.sync.client import connect
from peerkit import CheckFailed, Checks, require, run, show

SUBPROTOCOL = "lmosprotocol"
RECEIVE_TIMEOUT = 5.0  # the longest wait for any one message
QUIET = 0.4  # how long "nothing more arrives" is watched for
WATCHDOG_SECONDS = 120  # the whole run
SECONDS_PER_WORD_FLOOR = 0.02  # chat-stream sleeps ~40 ms per word; half of it is a safe lower bound

UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", re.IGNORECASE)
RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")

REQUEST_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
REQUEST_PARENT_ID = "00f067aa0ba902b7"
REQUEST_TRACEPARENT = f"00-{REQUEST_TRACE_ID}-{REQUEST_PARENT_ID}-01"


# ---------------------------------------------------------------------------------------------------------------
# Failures

# CheckFailed, show and require come from peerkit.py, shared by the peers of this folder.


# ---------------------------------------------------------------------------------------------------------------
# Dialects

class Dialect:
    def __init__(self, label: str, thing: str, message: str, correlation: str, prop: str, value: str,
                 subscribe: str, unsubscribe: str):
        self.label, self.thing, self.message, self.correlation = label, thing, message, correlation
        self.prop, self.value, self.subscribe, self.unsubscribe = prop, value, subscribe, unsubscribe

    def __repr__(self) -> str:
        return self.label


LMOS = Dialect("LMOS", "thingID", "messageID", "correlationID", "name", "value", "subscribeEvent", "unsubscribeEvent")
KWOT = Dialect("kotlin-wot", "thingId", "messageId", "correlationId", "property", "data", "subscribeevent",
               "unsubscribeevent")


def other(dialect: Dialect) -> Dialect:
    return KWOT if dialect is LMOS else LMOS


def new_id() -> str:
    return str(uuid.uuid4())


# ---------------------------------------------------------------------------------------------------------------
# A connection with a backlog: messages that arrive while we wait for another one are kept, in order.

class Arrival:
    def __init__(self, raw: str, message: dict, at: float):
        self.raw, self.message, self.at = raw, message, at


class Connection:
    def __init__(self, url: str, subprotocols: list[str] | None, label: str):
        self.label = label
        self.offered = subprotocols
        self.stack = contextlib.ExitStack()
        try:
            self.ws = self.stack.enter_context(connect(
                url, subprotocols=subprotocols, open_timeout=RECEIVE_TIMEOUT, close_timeout=2, proxy=None,
                max_size=4 << 20))
        except Exception as error:  # the handshake itself failed
            raise CheckFailed(f"{label}: the WebSocket handshake failed: {error!r}",
                              sent=f"GET {url} offering sub-protocols {subprotocols}",
                              expected="101 Switching Protocols") from error
        self.backlog: list[Arrival] = []
        self.last_sent: str | None = None
        self.seen: list[str] = []  # every raw message received, for failure reports

    def close(self) -> None:
        try:
            self.stack.close()
        except Exception:
            pass

    def send(self, message: dict | str) -> dict | str:
        text = message if isinstance(message, str) else json.dumps(message)
        self.last_sent = text
        self.ws.send(text)
        return message

    def _receive(self, timeout: float) -> Arrival | None:
        try:
            raw = self.ws.recv(timeout=max(timeout, 0.001))
        except TimeoutError:
            return None
        if isinstance(raw, bytes):
            raw = raw.decode("utf-8", "replace")
        self.seen.append(raw)
        try:
            message = json.loads(raw)
        except ValueError:
            raise CheckFailed(f"{self.label}: the server sent something that is not JSON", self.last_sent, raw,
                              "a JSON object") from None
        require(isinstance(message, dict), f"{self.label}: the server sent JSON that is not an object",
                self.last_sent, raw, "a JSON object")
        return Arrival(raw, message, time.monotonic())

    def wait(self, predicate: Callable[[dict], bool], what: str, timeout: float = RECEIVE_TIMEOUT) -> Arrival:
        """The first message (backlog first) that matches; the others stay in the backlog, in order."""
        for index, arrival in enumerate(self.backlog):
            if predicate(arrival.message):
                return self.backlog.pop(index)
        deadline = time.monotonic() + timeout
        others: list[str] = []
        while True:
            arrival = self._receive(deadline - time.monotonic())
            if arrival is None:
                raise CheckFailed(f"{self.label}: no {what} within {timeout:g} s", self.last_sent,
                                  others or [a.raw for a in self.backlog], what)
            if predicate(arrival.message):
                return arrival
            self.backlog.append(arrival)
            others.append(arrival.raw)

    def drain(self, seconds: float, predicate: Callable[[dict], bool] = lambda m: True) -> list[Arrival]:
        """Everything matching that is in the backlog or arrives within `seconds`."""
        taken = [a for a in self.backlog if predicate(a.message)]
        self.backlog = [a for a in self.backlog if not predicate(a.message)]
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0:
            arrival = self._receive(remaining)
            if arrival is None:
                break
            if predicate(arrival.message):
                taken.append(arrival)
            else:
                self.backlog.append(arrival)
        return taken


# ---------------------------------------------------------------------------------------------------------------
# The peer: shared state and the rules every reply must follow

class Peer:
    def __init__(self, ws_url: str, thing_id: str):
        self.url, self.thing_id = ws_url, thing_id
        self.reply_ids: set[str] = set()
        self.persona = "helpful"
        self.main: Connection | None = None
        self.second: Connection | None = None
        self.opened: list[Connection] = []

    def open(self, label: str, subprotocols: list[str] | None = None) -> Connection:
        connection = Connection(self.url, [SUBPROTOCOL] if subprotocols is None else subprotocols or None, label)
        self.opened.append(connection)
        return connection

    def close_all(self) -> None:
        for connection in self.opened:
            connection.close()

    # -- requests --------------------------------------------------------------------------------------------

    def request(self, dialect: Dialect, message_type: str | None, correlation: str | None = None,
                thing: str | None = None, **members: Any) -> dict:
        message: dict[str, Any] = {dialect.thing: thing or self.thing_id, dialect.message: new_id()}
        if message_type is not None:
            message["messageType"] = message_type
        if correlation is not None:
            message[dialect.correlation] = correlation
        message.update(members)
        return message

    @staticmethod
    def reply_correlation(dialect: Dialect, request: dict) -> str:
        return request.get(dialect.correlation) or request[dialect.message]

    def for_correlation(self, dialect: Dialect, correlation: str) -> Callable[[dict], bool]:
        return lambda m: m.get(dialect.correlation) == correlation or (
            dialect.correlation not in m and m.get(other(dialect).correlation) == correlation)

    # -- envelope rules --------------------------------------------------------------------------------------

    def check_envelope(self, dialect: Dialect, request: dict | str, arrival: Arrival, correlation: str | None,
                       thing: str | None = None) -> dict:
        """Dialect members only, same thingID, a new UUIDv4 messageID, the expected correlation id."""
        m, raw = arrival.message, arrival.raw
        foreign = [k for k in (other(dialect).thing, other(dialect).message, other(dialect).correlation) if k in m]
        require(not foreign, f"a reply to a {dialect.label}-dialect request uses {other(dialect).label} members "
                f"{foreign}", request, raw,
                f"only {dialect.thing}/{dialect.message}/{dialect.correlation} (a reply uses its request's dialect)")
        want_thing = thing or self.thing_id
        require(m.get(dialect.thing) == want_thing, f"the reply's {dialect.thing} is not the request's", request, raw,
                f'{dialect.thing} = "{want_thing}"')
        message_id = m.get(dialect.message)
        require(isinstance(message_id, str) and UUID4.match(message_id) is not None,
                f"the reply's {dialect.message} is not a UUIDv4", request, raw, f"{dialect.message}: a UUIDv4")
        sent_id = request.get(dialect.message) if isinstance(request, dict) else None
        require(message_id != sent_id, f"the reply reuses the request's {dialect.message}", request, raw,
                "a new messageID")
        require(message_id not in self.reply_ids, f"{dialect.message} {message_id} was already used by an earlier "
                "reply", request, raw, "a new messageID for every message")
        self.reply_ids.add(message_id)
        require(isinstance(m.get("messageType"), str), "the reply has no messageType", request, raw,
                "messageType: a string")
        if correlation is not None:
            require(m.get(dialect.correlation) == correlation, f"the reply's {dialect.correlation} is wrong",
                    request, raw, f'{dialect.correlation} = "{correlation}"')
        return m

    def check_timestamp(self, request: Any, arrival: Arrival, key: str = "timestamp") -> None:
        value = arrival.message.get(key)
        ok = isinstance(value, str) and RFC3339.match(value) is not None
        if ok:
            try:
                datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00"))
            except ValueError:
                ok = False
        require(ok, f"{key} is not an RFC 3339 date-time string", request, arrival.raw,
                f"{key}: e.g. 2024-01-01T12:00:00.000Z")

    def expect_type(self, request: Any, arrival: Arrival, message_type: str) -> None:
        require(arrival.message.get("messageType") == message_type,
                f"expected a {message_type} message, got {arrival.message.get('messageType')!r}", request,
                arrival.raw, f"messageType {message_type}")

    # -- one round trip --------------------------------------------------------------------------------------

    def ask(self, connection: Connection, dialect: Dialect, request: dict | str, what: str,
            correlation: str | None = None) -> Arrival:
        """Sends a request, returns its (single) reply after checking the envelope."""
        connection.send(request)
        if correlation is None:
            correlation = self.reply_correlation(dialect, request)  # type: ignore[arg-type]
        arrival = connection.wait(self.for_correlation(dialect, correlation), f"{what} (correlation {correlation})")
        thing = request.get(dialect.thing) if isinstance(request, dict) else None
        self.check_envelope(dialect, request, arrival, correlation, thing)
        return arrival

    def read(self, connection: Connection, dialect: Dialect, name: str) -> Any:
        request = self.request(dialect, "readProperty", **{dialect.prop: name})
        arrival = self.ask(connection, dialect, request, "propertyReading")
        self.check_reading(dialect, request, arrival, name)
        return arrival.message[dialect.value]

    def check_reading(self, dialect: Dialect, request: Any, arrival: Arrival, name: str,
                      value: Any = ..., check_value: bool = False) -> None:
        m = arrival.message
        self.expect_type(request, arrival, "propertyReading")
        foreign = [k for k in (other(dialect).prop, other(dialect).value) if k in m and k not in
                   (dialect.prop, dialect.value)]
        require(not foreign, f"a {dialect.label} propertyReading carries {foreign}", request, arrival.raw,
                f"the property in {dialect.prop!r}, the value in {dialect.value!r}")
        require(m.get(dialect.prop) == name, f"the propertyReading names the wrong property", request, arrival.raw,
                f'{dialect.prop} = "{name}"')
        require(dialect.value in m, f"the propertyReading has no {dialect.value!r}", request, arrival.raw,
                f"the value in {dialect.value!r}")
        if check_value:
            require(m[dialect.value] == value, "the propertyReading has the wrong value", request, arrival.raw,
                    f"{dialect.value} = {json.dumps(value)}")
        self.check_timestamp(request, arrival)

    def check_readings(self, request: Any, arrival: Arrival, data: dict) -> None:
        self.expect_type(request, arrival, "propertyReadings")
        require(arrival.message.get("data") == data, "propertyReadings carries the wrong data", request,
                arrival.raw, f"data = {json.dumps(data)}")
        if "timestamp" in arrival.message:
            self.check_timestamp(request, arrival)

    def check_error(self, request: Any, arrival: Arrival, status: str) -> None:
        m = arrival.message
        self.expect_type(request, arrival, "error")
        require(isinstance(m.get("status"), str), "the error's status is not a string", request, arrival.raw,
                f'status: "{status}" (a string)')
        require(m["status"] == status, f"the error has status {m['status']}, not {status}", request, arrival.raw,
                f'status "{status}"')
        require(isinstance(m.get("title"), str) and m["title"] != "", "the error has no title", request,
                arrival.raw, "title: a string (RFC 7807)")
        for key in ("type", "detail"):
            require(key not in m or isinstance(m[key], str), f"the error's {key} is not a string", request,
                    arrival.raw, f"{key}: a string (RFC 7807)")

    def sync(self, connection: Connection, dialect: Dialect = LMOS) -> None:
        """A round trip: everything sent before on this connection has been handled."""
        self.read(connection, dialect, "persona")

    # -- actions ---------------------------------------------------------------------------------------------

    @staticmethod
    def chat_input(text: str) -> dict:
        return {"messages": [{"role": "user", "content": text, "format": "text"}]}

    def answer(self, text: str, persona: str | None = None) -> str:
        return f"({persona if persona is not None else self.persona}) You said: {text}"

    @staticmethod
    def output(content: str) -> dict:
        return {"messages": [{"role": "assistant", "content": content, "format": "text"}]}

    def check_status(self, request: Any, arrival: Arrival, action: str, statuses: tuple[str, ...]) -> dict:
        m = arrival.message
        self.expect_type(request, arrival, "actionStatus")
        require(m.get("action") == action, "the actionStatus names the wrong action", request, arrival.raw,
                f'action = "{action}"')
        require(m.get("status") in statuses, f"unexpected status {m.get('status')!r}", request, arrival.raw,
                f"status one of {list(statuses)}")
        return m

    def statuses_until_final(self, connection: Connection, dialect: Dialect, request: dict, correlation: str,
                             action: str) -> list[Arrival]:
        """Every actionStatus of one invocation up to and including its final one (checked envelopes)."""
        arrivals: list[Arrival] = []
        while True:
            arrival = connection.wait(self.for_correlation(dialect, correlation),
                                      f"the next actionStatus of {action} (correlation {correlation}); "
                                      f"so far: {[a.message.get('status') for a in arrivals]}")
            self.check_envelope(dialect, request, arrival, correlation)
            self.check_status(request, arrival, action, ("pending", "running", "completed", "failed"))
            arrivals.append(arrival)
            if arrival.message["status"] in ("completed", "failed"):
                return arrivals

    def check_stream(self, request: dict, arrivals: list[Arrival], whole: str) -> None:
        """pending, running (one word each, in order), completed with the whole answer."""
        raws = [a.raw for a in arrivals]
        statuses = [a.message["status"] for a in arrivals]
        words = whole.split(" ")
        expected = ["pending"] + ["running"] * len(words) + ["completed"]
        require(statuses == expected, "the chat-stream statuses are not pending, running per word, completed",
                request, raws, f"statuses {expected}")
        partials = []
        for arrival in arrivals[1:-1]:
            out = arrival.message.get("output")
            ok = (isinstance(out, dict) and isinstance(out.get("messages"), list) and len(out["messages"]) == 1
                  and isinstance(out["messages"][0], dict) and out["messages"][0].get("role") == "assistant"
                  and isinstance(out["messages"][0].get("content"), str))
            require(ok, "a running status has no partial output {messages:[{role:assistant,content}]}", request,
                    arrival.raw, 'output {"messages":[{"role":"assistant","content":"<one word>",...}]}')
            partials.append(out["messages"][0]["content"])
        require("".join(partials) == whole, "the running partials, joined in order, are not the whole answer",
                request, raws, f"partials joining to {whole!r}; got {partials!r}")
        require(all(len(p.strip().split(" ")) == 1 and p.strip() for p in partials),
                "a running partial is not exactly one word", request, raws, f"one word per partial; got {partials!r}")
        require(arrivals[-1].message.get("output") == self.output(whole),
                "the completed status does not carry the whole answer", request, arrivals[-1].raw,
                f"output = {json.dumps(self.output(whole))}")
        spread = arrivals[-1].at - arrivals[1].at
        floor = (len(words) - 1) * SECONDS_PER_WORD_FLOOR
        require(spread >= floor, f"the words were not streamed: first partial to completed took {spread:.3f} s",
                request, raws, f"at least {floor:.3f} s (~40 ms per word)")


# ---------------------------------------------------------------------------------------------------------------
# Checks, in order. Each is (name, description, function(peer)).

CHECKS = Checks()
check = CHECKS.add


# -- handshake ---------------------------------------------------------------------------------------------------

@check("handshake.subprotocol", "offering lmosprotocol, the server echoes it in Sec-WebSocket-Protocol")
def _(peer: Peer) -> None:
    peer.main = peer.open("main")
    peer.second = peer.open("second")
    for connection in (peer.main, peer.second):
        header = connection.ws.response.headers.get_all("Sec-WebSocket-Protocol")
        require(header == [SUBPROTOCOL] and connection.ws.subprotocol == SUBPROTOCOL,
                "the handshake response does not select lmosprotocol", f"GET {peer.url} with "
                f"Sec-WebSocket-Protocol: {SUBPROTOCOL}", f"Sec-WebSocket-Protocol: {header}",
                f"Sec-WebSocket-Protocol: {SUBPROTOCOL}")


@check("handshake.choice", "offering [x-other, lmosprotocol], the server picks lmosprotocol")
def _(peer: Peer) -> None:
    connection = peer.open("choice", ["x-not-lmos", SUBPROTOCOL])
    header = connection.ws.response.headers.get_all("Sec-WebSocket-Protocol")
    require(header == [SUBPROTOCOL], "the server did not pick lmosprotocol",
            "Sec-WebSocket-Protocol: x-not-lmos, lmosprotocol", f"Sec-WebSocket-Protocol: {header}",
            f"Sec-WebSocket-Protocol: {SUBPROTOCOL}")
    connection.close()


@check("handshake.none", "a connection offering no sub-protocol is accepted and answered")
def _(peer: Peer) -> None:
    connection = peer.open("no-subprotocol", [])
    header = connection.ws.response.headers.get_all("Sec-WebSocket-Protocol")
    require(header == [], "the server selected a sub-protocol that was not offered",
            "no Sec-WebSocket-Protocol", f"Sec-WebSocket-Protocol: {header}", "no Sec-WebSocket-Protocol header")
    peer.read(connection, LMOS, "persona")
    connection.close()


# -- properties --------------------------------------------------------------------------------------------------

for _dialect in (LMOS, KWOT):
    @check(f"readProperty.{_dialect.label}", f"readProperty persona ({_dialect.label}) -> propertyReading "
           f"{_dialect.prop}/{_dialect.value} \"helpful\" with an RFC 3339 timestamp")
    def _(peer: Peer, d: Dialect = _dialect) -> None:
        request = peer.request(d, "readProperty", **{d.prop: "persona"})
        arrival = peer.ask(peer.main, d, request, "propertyReading")
        peer.check_reading(d, request, arrival, "persona", "helpful", check_value=True)


@check("readProperty.conversations", "readProperty conversations -> the integer 0 on a fresh agent")
def _(peer: Peer) -> None:
    request = peer.request(LMOS, "readProperty", name="conversations")
    arrival = peer.ask(peer.main, LMOS, request, "propertyReading")
    peer.check_reading(LMOS, request, arrival, "conversations", 0, check_value=True)
    require(type(arrival.message["value"]) is int, "conversations is not an integer", request, arrival.raw,
            "an integer")


@check("readProperty.unknown", "readProperty of an unknown property -> error 404 (both dialects)")
def _(peer: Peer) -> None:
    for d in (LMOS, KWOT):
        request = peer.request(d, "readProperty", **{d.prop: "no-such-property"})
        peer.check_error(request, peer.ask(peer.main, d, request, "error"), "404")


for _dialect in (LMOS, KWOT):
    @check(f"readAllProperties.{_dialect.label}", f"readAllProperties ({_dialect.label}) -> propertyReadings "
           "{persona, conversations}")
    def _(peer: Peer, d: Dialect = _dialect) -> None:
        request = peer.request(d, "readAllProperties")
        peer.check_readings(request, peer.ask(peer.main, d, request, "propertyReadings"),
                            {"persona": "helpful", "conversations": 0})


for _dialect, _names in ((LMOS, ["persona"]), (KWOT, ["conversations", "persona"])):
    @check(f"readMultipleProperties.{_dialect.label}", f"readMultipleProperties {_names} ({_dialect.label}) -> "
           "propertyReadings of exactly those")
    def _(peer: Peer, d: Dialect = _dialect, names: list = _names) -> None:
        request = peer.request(d, "readMultipleProperties", properties=names)
        current = {"persona": "helpful", "conversations": 0}
        peer.check_readings(request, peer.ask(peer.main, d, request, "propertyReadings"),
                            {n: current[n] for n in names})


for _dialect, _value in ((LMOS, "pirate"), (KWOT, "sage")):
    @check(f"writeProperty.{_dialect.label}", f"writeProperty persona={_value!r} ({_dialect.label}) -> "
           "propertyReading of the new value; a read (other dialect) shows it")
    def _(peer: Peer, d: Dialect = _dialect, value: str = _value) -> None:
        request = peer.request(d, "writeProperty", **{d.prop: "persona"}, data=value)
        peer.check_reading(d, request, peer.ask(peer.main, d, request, "propertyReading"), "persona", value,
                           check_value=True)
        peer.persona = value
        got = peer.read(peer.main, other(d), "persona")
        require(got == value, "readProperty after writeProperty does not show the new value", request, got,
                json.dumps(value))


for _dialect, _value in ((LMOS, "poet"), (KWOT, "bard")):
    @check(f"writeMultipleProperties.{_dialect.label}", f"writeMultipleProperties {{persona: {_value!r}}} "
           f"({_dialect.label}) -> propertyReadings {{data}}; a read shows it")
    def _(peer: Peer, d: Dialect = _dialect, value: str = _value) -> None:
        request = peer.request(d, "writeMultipleProperties", data={"persona": value})
        peer.check_readings(request, peer.ask(peer.main, d, request, "propertyReadings"), {"persona": value})
        peer.persona = value
        got = peer.read(peer.main, d, "persona")
        require(got == value, "readProperty after writeMultipleProperties does not show the new value", request,
                got, json.dumps(value))


for _dialect in (LMOS, KWOT):
    @check(f"writeProperty.readOnly.{_dialect.label}", f"writing the read-only conversations ({_dialect.label}) "
           "-> error status \"405\"; the value is unchanged")
    def _(peer: Peer, d: Dialect = _dialect) -> None:
        request = peer.request(d, "writeProperty", **{d.prop: "conversations"}, data=7)
        peer.check_error(request, peer.ask(peer.main, d, request, "error"), "405")
        got = peer.read(peer.main, d, "conversations")
        require(got == 0, "the read-only property changed after a refused write", request, got, "0")


for _dialect in (LMOS, KWOT):
    @check(f"writeProperty.badType.{_dialect.label}", f"writing persona with a number ({_dialect.label}) -> error "
           "status \"400\"; the value is unchanged")
    def _(peer: Peer, d: Dialect = _dialect) -> None:
        request = peer.request(d, "writeProperty", **{d.prop: "persona"}, data=42)
        peer.check_error(request, peer.ask(peer.main, d, request, "error"), "400")
        got = peer.read(peer.main, d, "persona")
        require(got == peer.persona, "persona changed after a refused write", request, got,
                json.dumps(peer.persona))


# -- actions -----------------------------------------------------------------------------------------------------

for _dialect in (LMOS, KWOT):
    @check(f"invokeAction.chat.{_dialect.label}", f"chat ({_dialect.label}, no correlation id) -> one completed "
           "actionStatus (no pending), correlated by messageID, with the answer")
    def _(peer: Peer, d: Dialect = _dialect) -> None:
        text = f"hello from {d.label}"
        request = peer.request(d, "invokeAction", action="chat", input=peer.chat_input(text))
        arrival = peer.ask(peer.main, d, request, "actionStatus")
        peer.check_status(request, arrival, "chat", ("completed",))
        require(arrival.message.get("output") == peer.output(peer.answer(text)), "wrong chat output", request,
                arrival.raw, f"output = {json.dumps(peer.output(peer.answer(text)))}")
        more = peer.main.drain(QUIET, peer.for_correlation(d, request[d.message]))
        require(not more, "more statuses followed the completed one of a synchronous chat", request,
                [a.raw for a in more], "nothing after completed")


@check("invokeAction.chat.correlationID", "chat with a correlationID -> the reply carries that correlationID")
def _(peer: Peer) -> None:
    correlation = f"peer-chat-{new_id()}"
    request = peer.request(LMOS, "invokeAction", correlation, action="chat", input=peer.chat_input("with id"))
    arrival = peer.ask(peer.main, LMOS, request, "actionStatus", correlation)
    peer.check_status(request, arrival, "chat", ("completed",))


@check("conversations.counts", "conversations grows by one per chat, not for a refused one")
def _(peer: Peer) -> None:
    before = peer.read(peer.main, LMOS, "conversations")
    request = peer.request(LMOS, "invokeAction", action="chat", input=peer.chat_input("count me"))
    peer.check_status(request, peer.ask(peer.main, LMOS, request, "actionStatus"), "chat", ("completed",))
    after = peer.read(peer.main, KWOT, "conversations")
    require(after == before + 1, "conversations did not grow by one after a chat", request, after,
            f"{before + 1} (was {before})")
    refused = peer.request(LMOS, "invokeAction", action="chat", input={})
    peer.check_error(refused, peer.ask(peer.main, LMOS, refused, "error"), "400")
    again = peer.read(peer.main, LMOS, "conversations")
    require(again == after, "a refused chat was counted", refused, again, str(after))


@check("invokeAction.chat-stream.LMOS", "chat-stream (LMOS) -> pending, running with one word each in order, "
       "completed with the whole answer; words spread over time")
def _(peer: Peer) -> None:
    text = "streams arrive word by word"
    correlation = f"peer-stream-{new_id()}"
    request = peer.request(LMOS, "invokeAction", correlation, action="chat-stream", input=peer.chat_input(text))
    peer.main.send(request)
    arrivals = peer.statuses_until_final(peer.main, LMOS, request, correlation, "chat-stream")
    peer.check_stream(request, arrivals, peer.answer(text))
    more = peer.main.drain(QUIET, peer.for_correlation(LMOS, correlation))
    require(not more, "statuses followed the completed one", request, [a.raw for a in more], "nothing after completed")


@check("invokeAction.chat-stream.kotlin-wot", "chat-stream (kotlin-wot) -> only the final completed status, "
       "with the whole answer")
def _(peer: Peer) -> None:
    text = "kotlin wants final statuses only"
    request = peer.request(KWOT, "invokeAction", action="chat-stream", input=peer.chat_input(text))
    peer.main.send(request)
    arrivals = peer.statuses_until_final(peer.main, KWOT, request, request[KWOT.message], "chat-stream")
    arrivals += peer.main.drain(QUIET, peer.for_correlation(KWOT, request[KWOT.message]))
    require([a.message.get("status") for a in arrivals] == ["completed"],
            "kotlin-wot got other statuses than one final completed", request, [a.raw for a in arrivals],
            "exactly one actionStatus, completed")
    require(arrivals[0].message.get("output") == peer.output(peer.answer(text)), "wrong chat-stream output",
            request, arrivals[0].raw, f"output = {json.dumps(peer.output(peer.answer(text)))}")


@check("queryAction.running", "queryAction from a second connection during a chat-stream -> its latest status "
       "(running, not older than what the invoker has seen)")
def _(peer: Peer) -> None:
    text = "alpha bravo charlie delta echo foxtrot golf hotel india juliett kilo lima mike november oscar papa"
    correlation = f"peer-query-{new_id()}"
    request = peer.request(LMOS, "invokeAction", correlation, action="chat-stream", input=peer.chat_input(text))
    peer.main.send(request)
    seen: list[Arrival] = []
    while len(seen) < 4:  # pending + three running
        arrival = peer.main.wait(peer.for_correlation(LMOS, correlation), "a chat-stream status")
        peer.check_envelope(LMOS, request, arrival, correlation)
        seen.append(arrival)
    query = peer.request(LMOS, "queryAction", correlation, action="chat-stream")
    reply = peer.ask(peer.second, LMOS, query, "actionStatus")
    peer.check_status(query, reply, "chat-stream", ("running",))
    rest = peer.statuses_until_final(peer.main, LMOS, request, correlation, "chat-stream")
    stream = seen + rest
    peer.check_stream(request, stream, peer.answer(text))
    later = [(a.message["status"], a.message.get("output")) for a in stream[len(seen) - 1:]]
    require((reply.message["status"], reply.message.get("output")) in later,
            "the query did not answer the latest status", query, reply.raw,
            f"one of the statuses from the invoker's last-seen on: {show([a.raw for a in stream[len(seen) - 1:]])}")


@check("queryAction.running.kotlin-wot", "queryAction (kotlin-wot) during a chat-stream -> status pending without "
       "output (kotlin-wot's statuses are pending, completed, failed: a running invocation is pending to it)")
def _(peer: Peer) -> None:
    text = " ".join(f"q{i}" for i in range(16))
    correlation = f"peer-kquery-{new_id()}"
    request = peer.request(LMOS, "invokeAction", correlation, action="chat-stream", input=peer.chat_input(text))
    peer.main.send(request)
    for _ in range(3):  # pending + two running: it is under way
        peer.check_envelope(LMOS, request, peer.main.wait(peer.for_correlation(LMOS, correlation), "a status"),
                            correlation)
    query = peer.request(KWOT, "queryAction", correlation, action="chat-stream")
    reply = peer.ask(peer.second, KWOT, query, "actionStatus")
    peer.check_status(query, reply, "chat-stream", ("pending",))
    require("output" not in reply.message, "a kotlin-wot pending status carries no partial output", query, reply.raw,
            "no output member")
    peer.statuses_until_final(peer.main, LMOS, request, correlation, "chat-stream")


for _dialect in (LMOS, KWOT):
    @check(f"queryAction.completed.{_dialect.label}", f"queryAction after the end ({_dialect.label}) -> one "
           "completed status with the whole answer")
    def _(peer: Peer, d: Dialect = _dialect) -> None:
        text = f"finished {d.label}"
        correlation = f"peer-done-{new_id()}"
        request = peer.request(d, "invokeAction", correlation, action="chat-stream", input=peer.chat_input(text))
        peer.main.send(request)
        peer.statuses_until_final(peer.main, d, request, correlation, "chat-stream")
        peer.main.drain(0.05, peer.for_correlation(d, correlation))
        query = peer.request(d, "queryAction", correlation, action="chat-stream")
        reply = peer.ask(peer.main, d, query, "actionStatus")
        peer.check_status(query, reply, "chat-stream", ("completed",))
        require(reply.message.get("output") == peer.output(peer.answer(text)), "the query shows the wrong output",
                query, reply.raw, f"output = {json.dumps(peer.output(peer.answer(text)))}")
        more = peer.main.drain(QUIET, peer.for_correlation(d, correlation))
        require(not more, "more than one reply to a queryAction", query, [a.raw for a in more], "one actionStatus")


for _dialect in (LMOS, KWOT):
    @check(f"queryAction.unknown.{_dialect.label}", f"queryAction of an unknown correlation id ({_dialect.label}) "
           "-> error 404 carrying that correlation id")
    def _(peer: Peer, d: Dialect = _dialect) -> None:
        correlation = f"peer-unknown-{new_id()}"
        query = peer.request(d, "queryAction", correlation, action="chat-stream")
        peer.check_error(query, peer.ask(peer.main, d, query, "error"), "404")


def check_cancelled(peer: Peer, request: Any, arrival: Arrival) -> None:
    error = arrival.message.get("error")
    ok = (isinstance(error, dict) and isinstance(error.get("type"), str) and error.get("title") == "Cancelled"
          and error.get("status") == 409 and type(error.get("status")) is int and isinstance(error.get("detail"), str))
    require(ok, "the cancelled invocation's failed status lacks the RFC 7807 error", request, arrival.raw,
            'error {"type": <string>, "title": "Cancelled", "status": 409, "detail": <string>}')


@check("cancelAction.LMOS", "cancelAction during a chat-stream (LMOS) -> final failed with error Cancelled/409, "
       "no running or completed after it; queryAction then shows failed")
def _(peer: Peer) -> None:
    text = " ".join(f"w{i}" for i in range(40))
    correlation = f"peer-cancel-{new_id()}"
    request = peer.request(LMOS, "invokeAction", correlation, action="chat-stream", input=peer.chat_input(text))
    peer.main.send(request)
    before: list[Arrival] = []
    while not before or before[-1].message.get("status") != "running":
        arrival = peer.main.wait(peer.for_correlation(LMOS, correlation), "a running status before cancelling")
        peer.check_envelope(LMOS, request, arrival, correlation)
        before.append(arrival)
    cancel = peer.request(LMOS, "cancelAction", correlation, action="chat-stream", reason="the peer had enough")
    peer.main.send(cancel)
    after: list[Arrival] = []
    while not after or after[-1].message.get("status") != "failed":
        arrival = peer.main.wait(peer.for_correlation(LMOS, correlation), "the failed status after cancelAction")
        peer.check_envelope(LMOS, cancel, arrival, correlation)
        peer.check_status(cancel, arrival, "chat-stream", ("running", "failed"))
        after.append(arrival)
    check_cancelled(peer, cancel, after[-1])
    tail = peer.main.drain(QUIET * 1.5, peer.for_correlation(LMOS, correlation))
    for arrival in tail:
        peer.check_envelope(LMOS, cancel, arrival, correlation)
        require(arrival.message.get("status") == "failed", "a status other than failed came after the failed one",
                cancel, [a.raw for a in after + tail], "nothing but the final failed status after cancelling")
        check_cancelled(peer, cancel, arrival)
    query = peer.request(LMOS, "queryAction", correlation, action="chat-stream")
    reply = peer.ask(peer.main, LMOS, query, "actionStatus")
    peer.check_status(query, reply, "chat-stream", ("failed",))
    check_cancelled(peer, query, reply)


@check("cancelAction.kotlin-wot", "cancelAction during a chat-stream (kotlin-wot) -> only failed statuses with "
       "error Cancelled/409; queryAction then shows failed")
def _(peer: Peer) -> None:
    text = " ".join(f"k{i}" for i in range(40))
    correlation = f"peer-kcancel-{new_id()}"
    request = peer.request(KWOT, "invokeAction", correlation, action="chat-stream", input=peer.chat_input(text))
    peer.main.send(request)
    peer.sync(peer.main, KWOT)  # the invocation has started
    time.sleep(0.1)
    cancel = peer.request(KWOT, "cancelAction", correlation, action="chat-stream")
    peer.main.send(cancel)
    first = peer.main.wait(peer.for_correlation(KWOT, correlation), "the failed status after cancelAction")
    peer.check_envelope(KWOT, cancel, first, correlation)
    tail = peer.main.drain(QUIET * 1.5, peer.for_correlation(KWOT, correlation))
    for arrival in [first] + tail:
        peer.check_status(cancel, arrival, "chat-stream", ("failed",))
        check_cancelled(peer, cancel, arrival)
    query = peer.request(KWOT, "queryAction", correlation, action="chat-stream")
    reply = peer.ask(peer.main, KWOT, query, "actionStatus")
    peer.check_status(query, reply, "chat-stream", ("failed",))
    check_cancelled(peer, query, reply)


# -- errors ------------------------------------------------------------------------------------------------------

@check("error.malformedJSON", "a text frame that is not JSON -> error status \"400\"")
def _(peer: Peer) -> None:
    text = '{"thingID": "' + peer.thing_id + '", "messageID": '
    peer.main.send(text)
    arrival = peer.main.wait(lambda m: m.get("messageType") == "error", "an error message")
    peer.check_error(text, arrival, "400")
    message_id = arrival.message.get("messageID", arrival.message.get("messageId"))
    require(isinstance(message_id, str) and UUID4.match(message_id) is not None, "the error has no UUIDv4 "
            "messageID", text, arrival.raw, "messageID: a UUIDv4")


@check("error.notAnObject", "a JSON array instead of a message -> error status \"400\"")
def _(peer: Peer) -> None:
    text = "[1, 2, 3]"
    peer.main.send(text)
    peer.check_error(text, peer.main.wait(lambda m: m.get("messageType") == "error", "an error message"), "400")


for _dialect in (LMOS, KWOT):
    @check(f"error.missingMessageType.{_dialect.label}", f"a {_dialect.label} message without messageType -> "
           "error \"400\" in the same dialect, correlated")
    def _(peer: Peer, d: Dialect = _dialect) -> None:
        request = peer.request(d, None, **{d.prop: "persona"})
        peer.check_error(request, peer.ask(peer.main, d, request, "error"), "400")


for _dialect in (LMOS, KWOT):
    @check(f"error.unknownMessageType.{_dialect.label}", f"an unknown messageType ({_dialect.label}) -> error "
           "\"400\" in the same dialect, correlated")
    def _(peer: Peer, d: Dialect = _dialect) -> None:
        request = peer.request(d, "frobnicateThing")
        peer.check_error(request, peer.ask(peer.main, d, request, "error"), "400")


for _dialect in (LMOS, KWOT):
    @check(f"error.unknownThing.{_dialect.label}", f"a request to an unknown thingID ({_dialect.label}) -> error "
           "\"404\" with the request's correlationID")
    def _(peer: Peer, d: Dialect = _dialect) -> None:
        nobody = f"urn:uuid:{new_id()}"
        correlation = f"peer-nobody-{new_id()}"
        request = peer.request(d, "readProperty", correlation, thing=nobody, **{d.prop: "persona"})
        peer.check_error(request, peer.ask(peer.main, d, request, "error"), "404")


for _dialect in (LMOS, KWOT):
    @check(f"error.unknownAction.{_dialect.label}", f"invokeAction of an unknown action ({_dialect.label}) -> "
           "error \"404\"")
    def _(peer: Peer, d: Dialect = _dialect) -> None:
        request = peer.request(d, "invokeAction", action="no-such-action", input=peer.chat_input("x"))
        peer.check_error(request, peer.ask(peer.main, d, request, "error"), "404")


for _dialect in (LMOS, KWOT):
    @check(f"error.chatWithoutMessages.{_dialect.label}", f"chat with an input lacking messages ({_dialect.label})"
           " -> error \"400\"")
    def _(peer: Peer, d: Dialect = _dialect) -> None:
        request = peer.request(d, "invokeAction", action="chat", input={"text": "no messages here"})
        peer.check_error(request, peer.ask(peer.main, d, request, "error"), "400")


for _dialect in (LMOS, KWOT):
    @check(f"error.replyTypeSent.{_dialect.label}", f"sending actionStatus / propertyReading / event to the server "
           f"({_dialect.label}) -> error \"400\"")
    def _(peer: Peer, d: Dialect = _dialect) -> None:
        for message_type, members in (("actionStatus", {"action": "chat", "status": "completed"}),
                                      ("propertyReading", {d.prop: "persona", d.value: "x"}),
                                      ("event", {"event": "messageReceived", "data": {}})):
            request = peer.request(d, message_type, **members)
            peer.check_error(request, peer.ask(peer.main, d, request, "error"), "400")


# -- trace context -----------------------------------------------------------------------------------------------

def check_traceparent(request: Any, arrival: Arrival) -> None:
    value = arrival.message.get("traceparent")
    match = TRACEPARENT.match(value) if isinstance(value, str) else None
    require(match is not None, "the reply carries no valid traceparent", request, arrival.raw,
            f"traceparent 00-{REQUEST_TRACE_ID}-<new 16 hex>-<flags>")
    require(match.group(2) == REQUEST_TRACE_ID, "the reply's traceparent has another trace id", request,
            arrival.raw, f"trace id {REQUEST_TRACE_ID}")
    require(match.group(3) != REQUEST_PARENT_ID and match.group(3) != "0" * 16,
            "the reply's traceparent keeps the request's parent id (or is all zeros)", request, arrival.raw,
            f"a new parent id, not {REQUEST_PARENT_ID}")


@check("traceparent.readProperty", "traceparent on readProperty -> the reply has the same trace id, a new parent id")
def _(peer: Peer) -> None:
    for d in (LMOS, KWOT):
        request = peer.request(d, "readProperty", **{d.prop: "persona"}, traceparent=REQUEST_TRACEPARENT,
                               tracestate="peer=1")
        check_traceparent(request, peer.ask(peer.main, d, request, "propertyReading"))


@check("traceparent.chat-stream", "traceparent on a chat-stream -> every status has the trace id, a new parent id")
def _(peer: Peer) -> None:
    correlation = f"peer-trace-{new_id()}"
    request = peer.request(LMOS, "invokeAction", correlation, action="chat-stream",
                           input=peer.chat_input("trace me"), traceparent=REQUEST_TRACEPARENT)
    peer.main.send(request)
    for arrival in peer.statuses_until_final(peer.main, LMOS, request, correlation, "chat-stream"):
        check_traceparent(request, arrival)


@check("traceparent.error", "traceparent on a refused request -> the error has the trace id, a new parent id")
def _(peer: Peer) -> None:
    request = peer.request(LMOS, "invokeAction", action="no-such-action", input={},
                           traceparent=REQUEST_TRACEPARENT)
    arrival = peer.ask(peer.main, LMOS, request, "error")
    peer.check_error(request, arrival, "404")
    check_traceparent(request, arrival)


# -- concurrency -------------------------------------------------------------------------------------------------

@check("concurrent.invocations", "four invocations at once on one socket, told apart by correlationID, each "
       "with its own complete, ordered stream")
def _(peer: Peer) -> None:
    texts = ["one two three", "four five six seven", "eight", "nine ten"]
    requests = []
    for index, text in enumerate(texts):
        correlation = f"peer-concurrent-{index}-{new_id()}" if index % 2 == 0 else None
        action = "chat" if index == 3 else "chat-stream"
        request = peer.request(LMOS, "invokeAction", correlation, action=action, input=peer.chat_input(text))
        requests.append((request, peer.reply_correlation(LMOS, request), action, text))
    for request, *_ in requests:
        peer.main.send(request)
    for request, correlation, action, text in requests:
        arrivals = peer.statuses_until_final(peer.main, LMOS, request, correlation, action)
        if action == "chat-stream":
            peer.check_stream(request, arrivals, peer.answer(text))
        else:
            require([a.message["status"] for a in arrivals] == ["completed"]
                    and arrivals[0].message.get("output") == peer.output(peer.answer(text)),
                    "the concurrent chat was not answered by one completed status with its own answer", request,
                    [a.raw for a in arrivals], f"completed with {peer.answer(text)!r}")


# -- observation -------------------------------------------------------------------------------------------------

@check("observeProperty.LMOS", "observeProperty persona (LMOS) -> a propertyReading, correlated to the observation, "
       "for a write from another connection and from the same one")
def _(peer: Peer) -> None:
    observe = peer.request(LMOS, "observeProperty", name="persona")
    peer.main.send(observe)
    peer.sync(peer.main)
    correlation = observe["messageID"]
    for writer, value in ((peer.second, "observed-elsewhere"), (peer.main, "observed-here")):
        write = peer.request(LMOS, "writeProperty", name="persona", data=value)
        reply = peer.ask(writer, LMOS, write, "propertyReading")
        peer.check_reading(LMOS, write, reply, "persona", value, check_value=True)
        peer.persona = value
        arrival = peer.main.wait(peer.for_correlation(LMOS, correlation),
                                 f"a propertyReading for the observation (correlation {correlation})")
        peer.check_envelope(LMOS, write, arrival, correlation)
        peer.check_reading(LMOS, write, arrival, "persona", value, check_value=True)


@check("observeProperty.conversations", "observeProperty conversations -> a reading of the new count after a chat")
def _(peer: Peer) -> None:
    before = peer.read(peer.main, LMOS, "conversations")
    observe = peer.request(LMOS, "observeProperty", name="conversations")
    peer.main.send(observe)
    peer.sync(peer.main)
    chat = peer.request(LMOS, "invokeAction", action="chat", input=peer.chat_input("observe the count"))
    peer.check_status(chat, peer.ask(peer.second, LMOS, chat, "actionStatus"), "chat", ("completed",))
    arrival = peer.main.wait(peer.for_correlation(LMOS, observe["messageID"]), "a conversations reading")
    peer.check_envelope(LMOS, chat, arrival, observe["messageID"])
    peer.check_reading(LMOS, chat, arrival, "conversations", before + 1, check_value=True)


@check("unobserveProperty.LMOS", "unobserveProperty persona and conversations -> no more readings on changes")
def _(peer: Peer) -> None:
    for name in ("persona", "conversations"):
        peer.main.send(peer.request(LMOS, "unobserveProperty", name=name))
    peer.sync(peer.main)
    peer.main.drain(0.05)  # anything already in flight
    write = peer.request(LMOS, "writeProperty", name="persona", data="unobserved")
    peer.ask(peer.second, LMOS, write, "propertyReading")
    peer.persona = "unobserved"
    chat = peer.request(LMOS, "invokeAction", action="chat", input=peer.chat_input("nobody watches"))
    peer.ask(peer.second, LMOS, chat, "actionStatus")
    stray = peer.main.drain(QUIET)
    require(not stray, "readings arrived after unobserveProperty", write, [a.raw for a in stray], "nothing")


@check("observeProperty.kotlin-wot", "observeProperty persona (kotlin-wot) -> propertyReading property/data, "
       "correlationId of the observation; unobserveProperty stops it")
def _(peer: Peer) -> None:
    observe = peer.request(KWOT, "observeProperty", property="persona")
    peer.main.send(observe)
    peer.sync(peer.main, KWOT)
    write = peer.request(KWOT, "writeProperty", property="persona", data="kotlin-observed")
    peer.ask(peer.second, KWOT, write, "propertyReading")
    peer.persona = "kotlin-observed"
    arrival = peer.main.wait(peer.for_correlation(KWOT, observe["messageId"]), "a kotlin-wot propertyReading")
    peer.check_envelope(KWOT, write, arrival, observe["messageId"])
    peer.check_reading(KWOT, write, arrival, "persona", "kotlin-observed", check_value=True)
    peer.main.send(peer.request(KWOT, "unobserveProperty", property="persona"))
    peer.sync(peer.main, KWOT)
    write = peer.request(KWOT, "writeProperty", property="persona", data="kotlin-unobserved")
    peer.ask(peer.second, KWOT, write, "propertyReading")
    peer.persona = "kotlin-unobserved"
    stray = peer.main.drain(QUIET)
    require(not stray, "readings arrived after unobserveProperty", write, [a.raw for a in stray], "nothing")


# -- events ------------------------------------------------------------------------------------------------------

def chat_from_second(peer: Peer, text: str) -> dict:
    chat = peer.request(LMOS, "invokeAction", action="chat", input=peer.chat_input(text))
    peer.check_status(chat, peer.ask(peer.second, LMOS, chat, "actionStatus"), "chat", ("completed",))
    return chat


def expect_event(peer: Peer, d: Dialect, trigger: dict, correlation: str, text: str) -> None:
    arrival = peer.main.wait(peer.for_correlation(d, correlation),
                             f"a messageReceived event (correlation {correlation})")
    peer.check_envelope(d, trigger, arrival, correlation)
    peer.expect_type(trigger, arrival, "event")
    require(arrival.message.get("event") == "messageReceived", "the event names the wrong event", trigger,
            arrival.raw, 'event = "messageReceived"')
    require(arrival.message.get("data") == {"role": "user", "content": text}, "the event carries the wrong data",
            trigger, arrival.raw, f'data = {{"role": "user", "content": {json.dumps(text)}}}')
    peer.check_timestamp(trigger, arrival)


@check("subscribeEvent.LMOS", "subscribeEvent messageReceived (LMOS) -> an event with the chat's text, correlated "
       "to the subscription; unsubscribeEvent stops it")
def _(peer: Peer) -> None:
    subscribe = peer.request(LMOS, "subscribeEvent", event="messageReceived")
    peer.main.send(subscribe)
    peer.sync(peer.main)
    chat = chat_from_second(peer, "event for LMOS")
    expect_event(peer, LMOS, chat, subscribe["messageID"], "event for LMOS")
    peer.main.send(peer.request(LMOS, "unsubscribeEvent", event="messageReceived"))
    peer.sync(peer.main)
    chat = chat_from_second(peer, "after unsubscribe")
    stray = peer.main.drain(QUIET)
    require(not stray, "events arrived after unsubscribeEvent", chat, [a.raw for a in stray], "nothing")


@check("subscribeEvent.kotlin-wot", "subscribeevent (kotlin-wot) -> acknowledgement, then events with "
       "correlationId of the subscription; unsubscribeevent stops them")
def _(peer: Peer) -> None:
    subscribe = peer.request(KWOT, "subscribeevent", event="messageReceived")
    ack = peer.ask(peer.main, KWOT, subscribe, "acknowledgement")
    peer.expect_type(subscribe, ack, "acknowledgement")
    require(isinstance(ack.message.get("message"), str), "the acknowledgement has no message text", subscribe,
            ack.raw, '{"messageType": "acknowledgement", "message": <string>}')
    chat = chat_from_second(peer, "event for kotlin")
    expect_event(peer, KWOT, chat, subscribe["messageId"], "event for kotlin")
    peer.main.send(peer.request(KWOT, "unsubscribeevent", event="messageReceived"))
    peer.sync(peer.main, KWOT)
    chat = chat_from_second(peer, "kotlin unsubscribed")
    stray = peer.main.drain(QUIET)
    require(not stray, "events arrived after unsubscribeevent", chat, [a.raw for a in stray], "nothing")


@check("subscribeAllEvents.LMOS", "subscribeAllEvents -> messageReceived correlated to it; unsubscribeAllEvents "
       "stops it")
def _(peer: Peer) -> None:
    subscribe = peer.request(LMOS, "subscribeAllEvents")
    peer.main.send(subscribe)
    peer.sync(peer.main)
    chat = chat_from_second(peer, "all events")
    expect_event(peer, LMOS, chat, subscribe["messageID"], "all events")
    peer.main.send(peer.request(LMOS, "unsubscribeAllEvents"))
    peer.sync(peer.main)
    chat = chat_from_second(peer, "no events")
    stray = peer.main.drain(QUIET)
    require(not stray, "events arrived after unsubscribeAllEvents", chat, [a.raw for a in stray], "nothing")


@check("connection.clean", "nothing unexpected is left on either connection")
def _(peer: Peer) -> None:
    for connection in (peer.main, peer.second):
        stray = connection.drain(0.1)
        require(not stray, f"{connection.label}: messages nobody asked for", connection.last_sent,
                [a.raw for a in stray], "nothing")


# ---------------------------------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ws", help="the agent's WebSocket URL, e.g. ws://127.0.0.1:9000/ws")
    parser.add_argument("--thing-id", help="the agent's id (urn:uuid:...)")
    CHECKS.add_arguments(parser)
    args = parser.parse_args()
    if CHECKS.listed(args):
        return 0
    if not args.ws or not args.thing_id:
        parser.error("--ws and --thing-id are required")

    peer = Peer(args.ws, args.thing_id)
    return run(
        CHECKS, peer, args.skip, close=peer.close_all, last_sent=lambda: peer.main.last_sent if peer.main else None,
        watchdog_seconds=WATCHDOG_SECONDS)


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())
