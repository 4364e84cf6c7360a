#!/usr/bin/env python3
"""An independent MQTT 5 peer (paho-mqtt) for the MQTT binding of the swift-lmos example agent.

    mqtt_paho_peer.py --broker 127.0.0.1:PORT --thing-id urn:uuid:... [--skip NAME ...] [--list]

It connects to the broker the agent uses (e.g. mosquitto) and drives a *fresh* `lmos example agent` through it
with hand-written LMOS JSON (thingID/messageID/correlationID, `name`/`value`):

- actions: PUBLISH QoS 1 to `lmos/{thing}/actions/{action}` with the MQTT 5 properties ResponseTopic and
  CorrelationData and an `invokeAction` payload; the agent answers on the ResponseTopic with `actionStatus`
  (or `error`) messages that echo the CorrelationData (request/response, one or many responses);
- events: `event` messages on `lmos/{thing}/events/{event}`, QoS 1, not retained;
- properties: a retained `propertyReading` on `lmos/{thing}/properties/{name}`, at start and on every change.

`{thing}` is the thing id with `%`, `/`, `+` and `#` percent-encoded. See README.md in this directory for the
list of checks. It uses nothing of swift-lmos.

Output: one line per check on stdout ("pass K NAME: what"), "took S s", then "ok N checks"; exit 0. On the first
failure: what was sent, what came back and what was expected on stderr; exit 1. Every wait (CONNACK, SUBACK,
PUBACK, each reply) lasts at most 5 s, and the whole run at most WATCHDOG_SECONDS, so it never hangs.
`--skip NAME` (repeatable, a check name or a prefix ending in "*") skips checks, which are then reported as
skipped; `--list` prints the check names.
"""

from __future__ import annotations

import argparse
import json
import queue
import re
import signal
import sys
import threading
import time
import uuid
from datetime import datetime
from typing import Any, Callable

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode
from paho.mqtt.subscribeoptions import SubscribeOptions
from peerkit import CheckFailed, Checks, require, run

RECEIVE_TIMEOUT = 5.0  # the longest wait for any one packet or message
QUIET = 0.4  # how long "nothing more arrives" is watched for
WATCHDOG_SECONDS = 120  # the whole run
KEEPALIVE = 30

UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", re.IGNORECASE)
RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


# ---------------------------------------------------------------------------------------------------------------
# Failures

# CheckFailed, show and require come from peerkit.py, shared by the peers of this folder.


def new_id() -> str:
    return str(uuid.uuid4())


def topic_segment(thing_id: str) -> str:
    """The thing id as one topic level: `%` first, then `/`, `+`, `#` percent-encoded; everything else as is."""
    return thing_id.replace("%", "%25").replace("/", "%2F").replace("+", "%2B").replace("#", "%23")


# ---------------------------------------------------------------------------------------------------------------
# One MQTT 5 client with a backlog: messages that arrive while we wait for another one are kept, in order.

class Arrival:
    def __init__(self, message: mqtt.MQTTMessage, at: float):
        self.topic: str = message.topic
        self.payload: bytes = message.payload
        self.qos: int = message.qos
        self.retain: bool = bool(message.retain)
        props = message.properties
        self.correlation_data: bytes | None = getattr(props, "CorrelationData", None) if props else None
        self.response_topic: str | None = getattr(props, "ResponseTopic", None) if props else None
        self.at = at
        try:
            self.text = self.payload.decode("utf-8")
        except UnicodeDecodeError:
            self.text = None
        try:
            self.message: Any = json.loads(self.text) if self.text is not None else None
        except ValueError:
            self.message = None

    @property
    def raw(self) -> str:
        flags = f"qos {self.qos}{', retained' if self.retain else ''}"
        if self.correlation_data is not None:
            flags += f", CorrelationData {self.correlation_data!r}"
        body = self.text if self.text is not None else repr(self.payload)
        return f"[{self.topic}] ({flags}) {body}"


class Client:
    def __init__(self, label: str, host: str, port: int):
        self.label, self.host, self.port = label, host, port
        self.client_id = f"lmos-paho-peer-{label}-{uuid.uuid4().hex[:12]}"
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=self.client_id,
                                  protocol=mqtt.MQTTv5)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_unsubscribe = self._on_unsubscribe
        self.client.on_publish = self._on_publish
        self.client.on_message = self._on_message
        self.client.on_disconnect = self._on_disconnect
        self.inbox: queue.Queue[Arrival] = queue.Queue()
        self.backlog: list[Arrival] = []
        self.seen: list[str] = []
        self.last_sent: str | None = None
        self.lock = threading.Lock()
        self.connected = threading.Event()
        self.connack: tuple[Any, Any, Any] | None = None  # (flags, reason code, properties)
        self.disconnected = threading.Event()
        self.disconnect_reason: Any = None
        self.acks: dict[int, tuple[threading.Event, list]] = {}  # mid -> (done, [reason codes])
        self.looping = False

    # -- paho callbacks (network thread) -------------------------------------------------------------------

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        self.connack = (flags, reason_code, properties)
        self.connected.set()

    def _ack(self, mid: int, codes: list) -> None:
        with self.lock:
            entry = self.acks.setdefault(mid, (threading.Event(), []))
        entry[1].extend(codes)
        entry[0].set()

    def _on_subscribe(self, client, userdata, mid, reason_code_list, properties) -> None:
        self._ack(mid, list(reason_code_list))

    def _on_unsubscribe(self, client, userdata, mid, reason_code_list, properties) -> None:
        self._ack(mid, list(reason_code_list) if isinstance(reason_code_list, list) else [reason_code_list])

    def _on_publish(self, client, userdata, mid, reason_code, properties) -> None:
        self._ack(mid, [reason_code])

    def _on_message(self, client, userdata, message) -> None:
        self.inbox.put(Arrival(message, time.monotonic()))

    def _on_disconnect(self, client, userdata, flags, reason_code, properties) -> None:
        self.disconnect_reason = reason_code
        self.disconnected.set()

    # -- driving -------------------------------------------------------------------------------------------

    def connect(self) -> Any:
        sent = f"CONNECT to {self.host}:{self.port} (MQTT 5, clean start, client id {self.client_id})"
        self.last_sent = sent
        try:
            self.client.connect(self.host, self.port, keepalive=KEEPALIVE, clean_start=True)
        except OSError as error:
            raise CheckFailed(f"{self.label}: cannot reach the broker: {error!r}", sent, None,
                              "a TCP connection and a CONNACK") from error
        self.client.loop_start()
        self.looping = True
        require(self.connected.wait(RECEIVE_TIMEOUT), f"{self.label}: no CONNACK within {RECEIVE_TIMEOUT:g} s",
                sent, None, "CONNACK")
        flags, reason, _ = self.connack
        require(not reason.is_failure, f"{self.label}: the broker refused the connection: {reason}", sent,
                f"CONNACK {reason}", "CONNACK Success")
        return self.connack

    def _wait_ack(self, mid: int | None, what: str, sent: str) -> list:
        require(mid is not None, f"{self.label}: paho did not send the {what}", sent)
        with self.lock:
            entry = self.acks.setdefault(mid, (threading.Event(), []))
        require(entry[0].wait(RECEIVE_TIMEOUT), f"{self.label}: no {what} within {RECEIVE_TIMEOUT:g} s", sent, None,
                what)
        with self.lock:
            self.acks.pop(mid, None)
        return entry[1]

    def subscribe(self, topic: str, qos: int = 1) -> int:
        """SUBSCRIBE with Retain As Published (so a live message shows how it was published); returns the QoS."""
        sent = f"SUBSCRIBE {topic} (QoS {qos}, retain as published)"
        self.last_sent = sent
        result, mid = self.client.subscribe(topic, options=SubscribeOptions(qos=qos, retainAsPublished=True))
        require(result == mqtt.MQTT_ERR_SUCCESS, f"{self.label}: SUBSCRIBE could not be sent: {result}", sent)
        codes = self._wait_ack(mid, "SUBACK", sent)
        require(len(codes) == 1 and not codes[0].is_failure, f"{self.label}: the broker refused the subscription",
                sent, f"SUBACK {[str(c) for c in codes]}", f"SUBACK Granted QoS {qos}")
        return codes[0].value

    def unsubscribe(self, topic: str) -> None:
        sent = f"UNSUBSCRIBE {topic}"
        self.last_sent = sent
        result, mid = self.client.unsubscribe(topic)
        require(result == mqtt.MQTT_ERR_SUCCESS, f"{self.label}: UNSUBSCRIBE could not be sent: {result}", sent)
        self._wait_ack(mid, "UNSUBACK", sent)

    def publish(self, topic: str, payload: str | bytes, response_topic: str | None = None,
                correlation_data: bytes | None = None, qos: int = 1) -> Any:
        """PUBLISH (QoS 1) and wait for its PUBACK; returns the PUBACK's reason code."""
        properties = None
        if response_topic is not None or correlation_data is not None:
            properties = Properties(PacketTypes.PUBLISH)
            if response_topic is not None:
                properties.ResponseTopic = response_topic
            if correlation_data is not None:
                properties.CorrelationData = correlation_data
        body = payload if isinstance(payload, str) else repr(payload)
        sent = f"PUBLISH {topic} (QoS {qos}"
        if response_topic is not None:
            sent += f", ResponseTopic {response_topic}"
        if correlation_data is not None:
            sent += f", CorrelationData {correlation_data!r}"
        sent += f") {body}"
        self.last_sent = sent
        info = self.client.publish(topic, payload, qos=qos, properties=properties)
        require(info.rc == mqtt.MQTT_ERR_SUCCESS, f"{self.label}: PUBLISH could not be sent: {info.rc}", sent)
        if qos == 0:
            return None
        codes = self._wait_ack(info.mid, "PUBACK", sent)
        reason = codes[0] if codes else None
        # 16 = "No matching subscribers": nobody (i.e. not the agent) subscribes to this topic.
        require(reason is None or reason.value == 0, f"{self.label}: the broker answered PUBACK {reason}; "
                "is the agent subscribed to its action topics (lmos/{thing}/actions/+)?", sent, f"PUBACK {reason}",
                "PUBACK Success")
        return reason

    def _receive(self, timeout: float) -> Arrival | None:
        try:
            arrival = self.inbox.get(timeout=max(timeout, 0.001))
        except queue.Empty:
            return None
        self.seen.append(arrival.raw)
        return arrival

    def wait(self, predicate: Callable[[Arrival], bool], what: str, timeout: float = RECEIVE_TIMEOUT) -> Arrival:
        """The first message (backlog first) that matches; the others stay in the backlog, in order."""
        for index, arrival in enumerate(self.backlog):
            if predicate(arrival):
                return self.backlog.pop(index)
        deadline = time.monotonic() + timeout
        others: list[str] = []
        while True:
            arrival = self._receive(deadline - time.monotonic())
            if arrival is None:
                raise CheckFailed(f"{self.label}: waited {timeout:g} s in vain for {what}", self.last_sent,
                                  others or [a.raw for a in self.backlog], what)
            if predicate(arrival):
                return arrival
            self.backlog.append(arrival)
            others.append(arrival.raw)

    def drain(self, seconds: float, predicate: Callable[[Arrival], bool] = lambda a: True) -> list[Arrival]:
        """Everything matching that is in the backlog or arrives within `seconds`."""
        taken = [a for a in self.backlog if predicate(a)]
        self.backlog = [a for a in self.backlog if not predicate(a)]
        deadline = time.monotonic() + seconds
        while True:
            arrival = self._receive(deadline - time.monotonic())
            if arrival is None:
                return taken
            (taken if predicate(arrival) else self.backlog).append(arrival)

    def disconnect(self) -> Any:
        sent = "DISCONNECT (Normal disconnection)"
        self.last_sent = sent
        self.client.disconnect(reasoncode=ReasonCode(PacketTypes.DISCONNECT, "Normal disconnection"))
        done = self.disconnected.wait(RECEIVE_TIMEOUT)
        self.stop()
        require(done, f"{self.label}: the disconnect did not finish within {RECEIVE_TIMEOUT:g} s", sent)
        return self.disconnect_reason

    def stop(self) -> None:
        if self.looping:
            self.looping = False
            try:
                self.client.loop_stop()
            except Exception:
                pass

    def close(self) -> None:
        if not self.disconnected.is_set():
            try:
                self.client.disconnect()
                self.disconnected.wait(1.0)
            except Exception:
                pass
        self.stop()


# ---------------------------------------------------------------------------------------------------------------
# The peer: the state the checks share, and the LMOS rules every message must follow

class Peer:
    def __init__(self, host: str, port: int, thing_id: str):
        self.host, self.port, self.thing_id = host, port, thing_id
        self.segment = topic_segment(thing_id)
        self.main: Client | None = None
        self.opened: list[Client] = []
        self.reply_topic = ""
        self.persona = "helpful"  # a fresh agent's; property.persona.retained reads the real one
        self.conversations: int | None = None
        self.reply_ids: set[str] = set()
        self.texts_sent: set[str] = set()  # chat texts; their messageReceived events may come at any time
        self.chat_request: dict | None = None  # the chat of invoke.chat, for the checks after it

    def open(self, label: str) -> Client:
        client = Client(label, self.host, self.port)
        self.opened.append(client)
        return client

    def close_all(self) -> None:
        for client in self.opened:
            client.close()

    # -- topics and requests -------------------------------------------------------------------------------

    def topic(self, kind: str, name: str) -> str:
        return f"lmos/{self.segment}/{kind}/{name}"

    def request(self, message_type: str, correlation: str | None = None, **members: Any) -> dict:
        message: dict[str, Any] = {"thingID": self.thing_id, "messageID": new_id(), "messageType": message_type}
        if correlation is not None:
            message["correlationID"] = correlation
        message.update(members)
        return message

    @staticmethod
    def correlation_data() -> bytes:
        # Not UTF-8 on purpose: CorrelationData is binary data, the agent must echo the bytes as they are.
        return b"\x00\xfepeer-" + uuid.uuid4().bytes

    def invoke(self, action: str, payload: dict | str, data: bytes) -> Any:
        return self.main.publish(self.topic("actions", action), payload if isinstance(payload, str)
                                 else json.dumps(payload), response_topic=self.reply_topic, correlation_data=data)

    def reply_for(self, data: bytes, correlation: str | None = None) -> Callable[[Arrival], bool]:
        """A reply to one request: its CorrelationData, or (so that a missing echo is reported as such) its
        correlationID."""
        return lambda a: a.topic == self.reply_topic and (a.correlation_data == data or (
            correlation is not None and isinstance(a.message, dict) and a.message.get("correlationID") == correlation))

    def on_topic(self, topic: str) -> Callable[[Arrival], bool]:
        return lambda a: a.topic == topic

    # -- message rules -------------------------------------------------------------------------------------

    @staticmethod
    def json_object(request: Any, arrival: Arrival) -> dict:
        require(arrival.text is not None, "the payload is not UTF-8", request, arrival.raw, "a JSON object (UTF-8)")
        require(isinstance(arrival.message, dict), "the payload is not a JSON object", request, arrival.raw,
                "a JSON object")
        return arrival.message

    def check_envelope(self, request: Any, arrival: Arrival, message_type: str, correlation: str | None = None,
                       thing_required: bool = True, fresh: bool = True) -> dict:
        """An LMOS-dialect message of that type: thingID, a new UUIDv4 messageID, the correlationID if given.
        `fresh=False`: the message may have been seen before (a retained message delivered again)."""
        m = self.json_object(request, arrival)
        require(m.get("messageType") == message_type,
                f"expected a {message_type} message, got {m.get('messageType')!r}", request, arrival.raw,
                f"messageType {message_type}")
        foreign = [k for k in ("thingId", "messageId", "correlationId") if k in m]
        require(not foreign, f"the message uses kotlin-wot members {foreign}", request, arrival.raw,
                "only thingID/messageID/correlationID (LMOS dialect)")
        if thing_required:
            require(m.get("thingID") == self.thing_id, "the message's thingID is not the agent's id", request,
                    arrival.raw, f'thingID = "{self.thing_id}"')
        else:
            require(m.get("thingID", "") in ("", self.thing_id), "the message's thingID is another thing's", request,
                    arrival.raw, f'thingID = "{self.thing_id}" (or empty)')
        message_id = m.get("messageID")
        require(isinstance(message_id, str) and UUID4.match(message_id) is not None,
                "the message's messageID is not a UUIDv4", request, arrival.raw, "messageID: a UUIDv4")
        sent_id = request.get("messageID") if isinstance(request, dict) else None
        require(message_id != sent_id, "the reply reuses the request's messageID", request, arrival.raw,
                "a new messageID")
        require(not fresh or message_id not in self.reply_ids,
                f"messageID {message_id} was already used by an earlier message", request, arrival.raw,
                "a new messageID for every message")
        self.reply_ids.add(message_id)
        if correlation is not None:
            require(m.get("correlationID") == correlation, "the reply's correlationID is not the request's",
                    request, arrival.raw, f'correlationID = "{correlation}"')
        return m

    def check_reply(self, request: Any, arrival: Arrival, data: bytes) -> None:
        """The MQTT side of a reply: on the ResponseTopic, QoS 1, not retained, the CorrelationData echoed."""
        require(arrival.topic == self.reply_topic, "the reply came on another topic", request, arrival.raw,
                f"topic {self.reply_topic}")
        require(arrival.correlation_data == data, "the reply does not echo the CorrelationData", request,
                arrival.raw, f"CorrelationData {data!r}")
        require(arrival.qos == 1, f"the reply came with QoS {arrival.qos}", request, arrival.raw,
                "QoS 1 (the agent publishes replies with QoS 1, the peer subscribes with QoS 1)")
        require(not arrival.retain, "the reply was published retained", request, arrival.raw, "retain = 0")

    @staticmethod
    def check_timestamp(request: Any, arrival: Arrival, key: str = "timestamp") -> None:
        value = arrival.message.get(key)
        ok = isinstance(value, str) and RFC3339.match(value) is not None
        if ok:
            try:
                datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00"))
            except ValueError:
                ok = False
        require(ok, f"{key} is not an RFC 3339 date-time string", request, arrival.raw,
                f"{key}: e.g. 2024-01-01T12:00:00.000Z")

    def check_reading(self, request: Any, arrival: Arrival, name: str, fresh: bool = True) -> Any:
        m = self.check_envelope(request, arrival, "propertyReading", fresh=fresh)
        require(m.get("name") == name, "the propertyReading names the wrong property", request, arrival.raw,
                f'name = "{name}"')
        require("value" in m, "the propertyReading has no value", request, arrival.raw, "the value in 'value'")
        require("property" not in m and "data" not in m, "an LMOS propertyReading carries property/data",
                request, arrival.raw, "the property in 'name', the value in 'value'")
        self.check_timestamp(request, arrival)
        return m["value"]

    def check_error(self, request: Any, arrival: Arrival, status: str, correlation: str | None,
                    thing_required: bool) -> dict:
        m = self.check_envelope(request, arrival, "error", correlation, thing_required)
        require(isinstance(m.get("status"), str), "the error's status is not a string", request, arrival.raw,
                f'status: "{status}" (a string)')
        require(m["status"] == status, f"the error has status {m['status']}, not {status}", request, arrival.raw,
                f'status "{status}"')
        require(isinstance(m.get("title"), str) and m["title"] != "", "the error has no title", request,
                arrival.raw, "title: a string (RFC 7807)")
        for key in ("type", "detail"):
            require(key not in m or isinstance(m[key], str), f"the error's {key} is not a string", request,
                    arrival.raw, f"{key}: a string (RFC 7807)")
        return m

    # -- chat ------------------------------------------------------------------------------------------------

    def chat_input(self, text: str) -> dict:
        self.texts_sent.add(text)
        return {"messages": [{"role": "user", "content": text, "format": "text"}]}

    def answer(self, text: str) -> str:
        return f"({self.persona}) You said: {text}"

    @staticmethod
    def output(content: str) -> dict:
        return {"messages": [{"role": "assistant", "content": content, "format": "text"}]}

    def check_status(self, request: dict, arrival: Arrival, data: bytes, action: str,
                     statuses: tuple[str, ...]) -> dict:
        self.check_reply(request, arrival, data)
        m = self.check_envelope(request, arrival, "actionStatus", request.get("correlationID"))
        require(m.get("action") == action, "the actionStatus names the wrong action", request, arrival.raw,
                f'action = "{action}"')
        require(m.get("status") in statuses, f"unexpected status {m.get('status')!r}", request, arrival.raw,
                f"status one of {list(statuses)}")
        return m

    def statuses_until_final(self, request: dict, data: bytes, action: str) -> list[Arrival]:
        arrivals: list[Arrival] = []
        while True:
            arrival = self.main.wait(self.reply_for(data, request.get("correlationID")),
                                     f"the next actionStatus of {action} (CorrelationData {data!r}); "
                                     f"so far: {[a.message.get('status') for a in arrivals]}")
            self.check_status(request, arrival, data, action, ("pending", "running", "completed", "failed"))
            arrivals.append(arrival)
            if arrival.message["status"] in ("completed", "failed"):
                return arrivals

    @staticmethod
    def event_content(arrival: Arrival) -> Any:
        m = arrival.message
        return m["data"].get("content") if isinstance(m, dict) and isinstance(m.get("data"), dict) else None

    def wait_event(self, trigger: Any, text: str) -> Arrival:
        topic = self.topic("events", "messageReceived")
        arrival = self.main.wait(lambda a: a.topic == topic and self.event_content(a) == text,
                                 f"a messageReceived event with content {text!r} on {topic}")
        m = self.check_envelope(trigger, arrival, "event")
        require(m.get("event") == "messageReceived", "the event names the wrong event", trigger, arrival.raw,
                'event = "messageReceived"')
        require(m.get("data") == {"role": "user", "content": text}, "the event carries the wrong data", trigger,
                arrival.raw, f'data = {{"role": "user", "content": {json.dumps(text)}}}')
        self.check_timestamp(trigger, arrival)
        require(arrival.qos == 1, f"the event came with QoS {arrival.qos}", trigger, arrival.raw,
                "QoS 1 (the agent publishes events with QoS 1, the peer subscribes with QoS 1)")
        require(not arrival.retain, "the event was published retained", trigger, arrival.raw,
                "retain = 0 (the subscription has Retain As Published)")
        return arrival


# ---------------------------------------------------------------------------------------------------------------
# Checks, in order. Each is (name, description, function(peer) -> optional note).

CHECKS = Checks()
check = CHECKS.add


def need_main(peer: Peer) -> Client:
    require(peer.main is not None and peer.main.connected.is_set(), "not connected (the connect check was skipped "
            "or failed)", None, None, "a connected client")
    return peer.main


@check("connect.mqtt5", "CONNECT (MQTT 5, clean start) -> CONNACK Success without a session; the reply topic "
       "lmos/replies/<client id> is subscribed with QoS 1")
def _(peer: Peer) -> None:
    peer.main = peer.open("main")
    flags, reason, _ = peer.main.connect()
    require(not flags.session_present, "the broker kept a session for a clean start", peer.main.last_sent,
            "CONNACK session present = 1", "session present = 0")
    require(peer.main.client.protocol == mqtt.MQTTv5, "the client is not speaking MQTT 5")
    peer.reply_topic = f"lmos/replies/{peer.main.client_id}"
    granted = peer.main.subscribe(peer.reply_topic)
    require(granted == 1, f"the broker granted QoS {granted} on the reply topic", peer.main.last_sent,
            f"SUBACK {granted}", "Granted QoS 1")


@check("property.persona.retained", "subscribing to lmos/{thing}/properties/persona -> the retained "
       "propertyReading at once: name persona, value a JSON string, an RFC 3339 timestamp")
def _(peer: Peer) -> str:
    main = need_main(peer)
    topic = peer.topic("properties", "persona")
    subscribed = time.monotonic()
    main.subscribe(topic)
    arrival = main.wait(peer.on_topic(topic), f"the retained persona reading on {topic}")
    sent = main.last_sent
    require(arrival.retain, "the persona reading is not a retained message", sent, arrival.raw,
            "retain = 1 (the agent publishes properties retained)")
    require(arrival.qos == 1, f"the persona reading came with QoS {arrival.qos}", sent, arrival.raw, "QoS 1")
    value = peer.check_reading(sent, arrival, "persona")
    require(isinstance(value, str), "the persona value is not a JSON string", sent, arrival.raw,
            'value: a string, e.g. "helpful"')
    peer.persona = value
    return f"persona {json.dumps(value)} after {1000 * (arrival.at - subscribed):.0f} ms"


@check("property.conversations.retained", "subscribing to lmos/{thing}/properties/conversations -> the retained "
       "propertyReading at once with an integer value")
def _(peer: Peer) -> str:
    main = need_main(peer)
    topic = peer.topic("properties", "conversations")
    main.subscribe(topic)
    arrival = main.wait(peer.on_topic(topic), f"the retained conversations reading on {topic}")
    sent = main.last_sent
    require(arrival.retain, "the conversations reading is not a retained message", sent, arrival.raw, "retain = 1")
    value = peer.check_reading(sent, arrival, "conversations")
    require(type(value) is int and value >= 0, "conversations is not a non-negative integer", sent, arrival.raw,
            "value: an integer >= 0")
    peer.conversations = value
    return f"conversations {value}"


@check("subscribe.events", "subscribe to lmos/{thing}/events/# -> SUBACK QoS 1, and no retained event comes")
def _(peer: Peer) -> None:
    main = need_main(peer)
    topic = peer.topic("events", "#")
    granted = main.subscribe(topic)
    require(granted == 1, f"the broker granted QoS {granted} on the events topic", main.last_sent, f"SUBACK {granted}",
            "Granted QoS 1")
    prefix = peer.topic("events", "")
    stray = main.drain(QUIET, lambda a: a.topic.startswith(prefix))
    require(not stray, "events arrived at once after subscribing (retained events?)", main.last_sent,
            [a.raw for a in stray], "nothing: events are not retained")


@check("invoke.chat", "chat (ResponseTopic, binary CorrelationData, correlationID) -> exactly one completed "
       "actionStatus on the ResponseTopic, QoS 1, echoing both, with the answer")
def _(peer: Peer) -> None:
    main = need_main(peer)
    text = "hello over mqtt"
    data = peer.correlation_data()
    correlation = f"peer-mqtt-chat-{new_id()}"
    request = peer.request("invokeAction", correlation, action="chat", input=peer.chat_input(text))
    peer.invoke("chat", request, data)
    arrival = main.wait(peer.reply_for(data, correlation),
                        f"an actionStatus on {peer.reply_topic} with CorrelationData {data!r}")
    peer.check_status(request, arrival, data, "chat", ("completed",))
    want = peer.output(peer.answer(text))
    require(arrival.message.get("output") == want, "wrong chat output", request, arrival.raw,
            f"output = {json.dumps(want)}")
    more = main.drain(QUIET, peer.reply_for(data, correlation))
    require(not more, "more replies followed the completed status of a quick action", request,
            [a.raw for a in more], "nothing after completed (no pending, no running)")
    peer.chat_request = request  # for the event check


@check("event.messageReceived", "after the chat, an event message on lmos/{thing}/events/messageReceived: event "
       "messageReceived, data {role: user, content}, QoS 1, not retained")
def _(peer: Peer) -> None:
    need_main(peer)
    trigger = peer.chat_request
    require(trigger is not None, "no chat was sent (invoke.chat was skipped or failed)")
    peer.wait_event(trigger, trigger["input"]["messages"][0]["content"])


@check("property.conversations.change", "the chat changed conversations -> a new retained reading (N+1) "
       "arrives; a new subscriber gets N+1 at once")
def _(peer: Peer) -> str:
    main = need_main(peer)
    require(peer.conversations is not None, "conversations is unknown (its retained check was skipped)")
    topic = peer.topic("properties", "conversations")
    want = peer.conversations + 1
    arrival = main.wait(peer.on_topic(topic), f"a conversations reading of {want} on {topic}")
    sent = peer.chat_request or main.last_sent
    value = peer.check_reading(sent, arrival, "conversations")
    require(value == want, "the conversations reading after one chat is not N+1", sent, arrival.raw,
            f"value = {want}")
    require(arrival.retain, "the changed reading was not published retained", sent, arrival.raw,
            "retain = 1 (the subscription has Retain As Published)")
    main.unsubscribe(topic)
    late = peer.open("late")
    late.connect()
    late.subscribe(topic)
    arrival = late.wait(peer.on_topic(topic), f"the retained conversations reading on {topic} (new subscriber)")
    require(arrival.retain, "the new subscriber's reading is not retained", late.last_sent, arrival.raw, "retain = 1")
    value = peer.check_reading(late.last_sent, arrival, "conversations", fresh=False)  # the same retained message
    require(value == want, "a new subscriber does not get the current value", late.last_sent, arrival.raw,
            f"value = {want}")
    late.disconnect()
    peer.conversations = want
    return f"conversations {want}"


@check("invoke.chat-stream", "chat-stream -> (pending,) >= 2 running statuses whose partial outputs join in order "
       "to the answer, then completed with the whole answer; all echo CorrelationData and correlationID")
def _(peer: Peer) -> str:
    main = need_main(peer)
    text = "streams arrive word by word over mqtt"
    whole = peer.answer(text)
    data = peer.correlation_data()
    correlation = f"peer-mqtt-stream-{new_id()}"
    request = peer.request("invokeAction", correlation, action="chat-stream", input=peer.chat_input(text))
    peer.invoke("chat-stream", request, data)
    arrivals = peer.statuses_until_final(request, data, "chat-stream")
    raws = [a.raw for a in arrivals]
    statuses = [a.message["status"] for a in arrivals]
    body = statuses[1:] if statuses[:1] == ["pending"] else statuses
    running = len(body) - 1
    require(running >= 2 and body[:-1] == ["running"] * running and body[-1] == "completed",
            "the chat-stream statuses are not (pending,) running >= 2 times, completed", request, raws,
            "statuses [pending,] running, running, ..., completed")
    partials = []
    for arrival in arrivals[len(statuses) - len(body):-1]:
        out = arrival.message.get("output")
        ok = (isinstance(out, dict) and isinstance(out.get("messages"), list) and len(out["messages"]) == 1
              and isinstance(out["messages"][0], dict) and out["messages"][0].get("role") == "assistant"
              and isinstance(out["messages"][0].get("content"), str))
        require(ok, "a running status has no partial output {messages:[{role:assistant,content}]}", request,
                arrival.raw, 'output {"messages":[{"role":"assistant","content":"<part>",...}]}')
        partials.append(out["messages"][0]["content"])
    require("".join(partials) == whole, "the running partials, joined in order, are not the whole answer", request,
            raws, f"partials joining to {whole!r}; got {partials!r}")
    require(arrivals[-1].message.get("output") == peer.output(whole),
            "the completed status does not carry the whole answer", request, arrivals[-1].raw,
            f"output = {json.dumps(peer.output(whole))}")
    more = main.drain(QUIET, peer.reply_for(data, correlation))
    require(not more, "replies followed the completed status", request, [a.raw for a in more],
            "nothing after completed")
    spread = arrivals[-1].at - arrivals[0].at
    return f"{statuses.count('pending')} pending, {running} running, completed; {1000 * spread:.0f} ms"


@check("invoke.noResponseTopic", "a chat without ResponseTopic is ignored: it is not run (no messageReceived event) "
       "and nothing is answered")
def _(peer: Peer) -> None:
    main = need_main(peer)
    ignored_text = f"nobody will answer {new_id()[:8]}"
    ignored = peer.request("invokeAction", f"peer-mqtt-ignored-{new_id()}", action="chat",
                           input=peer.chat_input(ignored_text))
    main.publish(peer.topic("actions", "chat"), json.dumps(ignored), response_topic=None,
                 correlation_data=b"ignored")
    # A round trip after it: a normal chat, answered, and its event seen.
    text = "after the ignored one"
    data = peer.correlation_data()
    chat = peer.request("invokeAction", f"peer-mqtt-sync-{new_id()}", action="chat", input=peer.chat_input(text))
    peer.invoke("chat", chat, data)
    peer.check_status(chat, main.wait(peer.reply_for(data, chat["correlationID"]),
                                                 "the actionStatus of the chat after the ignored one"),
                      data, "chat", ("completed",))
    peer.wait_event(chat, text)

    def about_ignored(a: Arrival) -> bool:
        return (a.correlation_data == b"ignored" or ignored_text in (a.text or "")
                or (isinstance(a.message, dict) and a.message.get("correlationID") == ignored["correlationID"]))
    stray = main.drain(QUIET, about_ignored)
    require(not stray, "the request without ResponseTopic was run or answered", ignored, [a.raw for a in stray],
            "nothing: a request without ResponseTopic is ignored")


@check("error.notJSON", "a payload that is not JSON (with a ResponseTopic) -> an LMOS error message, status \"400\", "
       "on the ResponseTopic with the CorrelationData")
def _(peer: Peer) -> None:
    main = need_main(peer)
    data = peer.correlation_data()
    payload = "this is {not json"
    peer.invoke("chat", payload, data)
    sent = main.last_sent
    arrival = main.wait(peer.reply_for(data), f"an error on {peer.reply_topic} with CorrelationData {data!r}")
    peer.check_reply(sent, arrival, data)
    peer.check_error(sent, arrival, "400", None, thing_required=False)


@check("error.notLMOS", "JSON that is not an LMOS message (an array; an object without messageType) -> an LMOS "
       "error, status \"400\", with the CorrelationData")
def _(peer: Peer) -> None:
    main = need_main(peer)
    for payload in (json.dumps(["not", "a", "message"]),
                    json.dumps({"thingID": peer.thing_id, "messageID": new_id(), "action": "chat",
                                "input": peer.chat_input("no message type")})):
        data = peer.correlation_data()
        peer.invoke("chat", payload, data)
        sent = main.last_sent
        arrival = main.wait(peer.reply_for(data), f"an error on {peer.reply_topic} with CorrelationData {data!r}")
        peer.check_reply(sent, arrival, data)
        peer.check_error(sent, arrival, "400", None, thing_required=False)


@check("error.unknownAction", "invokeAction of an unknown action on lmos/{thing}/actions/no-such-action -> an error "
       "\"404\" or a failed actionStatus, correlated, with the CorrelationData")
def _(peer: Peer) -> str:
    main = need_main(peer)
    data = peer.correlation_data()
    correlation = f"peer-mqtt-unknown-{new_id()}"
    request = peer.request("invokeAction", correlation, action="no-such-action", input={})
    peer.invoke("no-such-action", request, data)
    arrival = main.wait(peer.reply_for(data, correlation), f"an error or actionStatus on {peer.reply_topic} with "
                        f"CorrelationData {data!r}")
    peer.check_reply(request, arrival, data)
    m = peer.json_object(request, arrival)
    if m.get("messageType") == "error":
        peer.check_error(request, arrival, "404", correlation, thing_required=True)
        note = "answered by error 404"
    else:
        m = peer.check_envelope(request, arrival, "actionStatus", correlation)
        require(m.get("status") == "failed", f"an unknown action got status {m.get('status')!r}", request,
                arrival.raw, 'an error "404" or an actionStatus "failed"')
        problem = m.get("error")
        require(isinstance(problem, dict) and isinstance(problem.get("title"), str), "the failed status has no "
                "problem in error", request, arrival.raw, "error: {type, title, status, detail} (RFC 7807)")
        note = f"answered by a failed actionStatus (error status {problem.get('status')!r})"
    more = main.drain(QUIET, peer.reply_for(data, correlation))
    require(not more, "more replies followed", request, [a.raw for a in more], "one reply")
    return note


@check("connection.clean", "nothing unexpected is left: no reply nobody asked for, no other event, no persona "
       "reading")
def _(peer: Peer) -> None:
    main = need_main(peer)
    events = peer.topic("events", "messageReceived")

    counts = peer.topic("properties", "conversations")

    def expected(a: Arrival) -> bool:  # messageReceived of a chat we sent (e.g. the stream's), a new count
        return (a.topic == events and peer.event_content(a) in peer.texts_sent) or a.topic == counts
    stray = [a for a in main.drain(0.1) if not expected(a)]
    require(not stray, "messages nobody asked for", main.last_sent, [a.raw for a in stray], "nothing")


@check("disconnect.clean", "DISCONNECT (Normal disconnection) -> the connection ends without error")
def _(peer: Peer) -> None:
    main = need_main(peer)
    reason = main.disconnect()
    require(reason is None or not reason.is_failure, f"the disconnect ended with {reason}", main.last_sent,
            str(reason), "Success")


# ---------------------------------------------------------------------------------------------------------------

def parse_broker(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    host = host.strip("[]")
    if not host or not port.isdigit():
        raise ValueError(f"--broker wants HOST:PORT, not {text!r}")
    return host, int(port)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--broker", help="the MQTT broker the agent uses, HOST:PORT (e.g. 127.0.0.1:1883)")
    parser.add_argument("--thing-id", help="the agent's id (urn:uuid:...)")
    CHECKS.add_arguments(parser)
    args = parser.parse_args()
    if CHECKS.listed(args):
        return 0
    if not args.broker or not args.thing_id:
        parser.error("--broker and --thing-id are required")
    try:
        host, port = parse_broker(args.broker)
    except ValueError as error:
        parser.error(str(error))

    peer = Peer(host, port, args.thing_id)
    return run(
        CHECKS, peer, args.skip, close=peer.close_all, last_sent=lambda: peer.main.last_sent if peer.main else None,
        watchdog_seconds=WATCHDOG_SECONDS)


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())
