#!/usr/bin/env python3
"""An independent HTTP client for the HTTP binding of the swift-lmos example agent (W3C WoT HTTP binding with
RFC 7807 problems, async actions and Server-Sent Events).

    http_binding_peer.py --description http://127.0.0.1:PORT/urn:uuid:... [--skip NAME ...] [--list]

It reads the agent's Thing Description first and takes every URL from it (`base` and the forms), then drives a
*fresh* `lmos example agent` (persona "helpful", conversations 0) with `requests` and hand-written JSON. It
uses nothing of swift-lmos. See README.md in this directory for the list of checks.

Output: one line per check on stdout ("pass K NAME: what"), "took S s", then "ok N checks"; exit 0. On the first
failure: what was sent, what came back and what was expected on stderr; exit 1. Every request and every read
of a stream waits at most 5 s, and the whole run at most WATCHDOG_SECONDS, so it never hangs.
"""

from __future__ import annotations

import argparse
import codecs
import json
import re
import signal
import sys
import time
import uuid
from typing import Any, Callable, Iterator
from urllib.parse import urljoin, urlsplit

import requests
from peerkit import CheckFailed, Checks, require, run, skipped

TIMEOUT = 5.0  # connect and read timeout of every request; the longest wait for any one event
WATCHDOG_SECONDS = 120
POLL_INTERVAL = 0.02
QUIET = 0.4

TD_TYPE = "application/td+json"
JSON_TYPE = "application/json"
PROBLEM_TYPE = "application/problem+json"
SSE_TYPE = "text/event-stream"

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"
TRACEPARENT_FORMAT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")


# ---------------------------------------------------------------------------------------------------------------
# Failures

# CheckFailed, show and require come from peerkit.py, shared by the peers of this folder.


def describe_request(method: str, url: str, headers: dict | None = None, body: Any = None) -> str:
    text = f"{method} {url}"
    for key, value in (headers or {}).items():
        text += f"\n            {key}: {value}"
    if body is not None:
        text += f"\n            {body if isinstance(body, str) else json.dumps(body)}"
    return text


def describe_response(response: requests.Response, body: str | None = None) -> str:
    interesting = ("Content-Type", "Location", "traceparent")
    text = f"{response.status_code} {response.reason}"
    for key in interesting:
        if key in response.headers:
            text += f"\n            {key}: {response.headers[key]}"
    if body is None:
        try:
            body = response.text
        except Exception:
            body = "(unreadable body)"
    if body:
        text += f"\n            {body[:2000]}"
    return text


def media_type(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip().lower()


# ---------------------------------------------------------------------------------------------------------------
# Server-Sent Events

class EventStream:
    """Reads `event:`/`data:` blocks as they arrive; each socket read waits at most TIMEOUT."""

    def __init__(self, response: requests.Response, sent: str):
        self.response, self.sent = response, sent
        self.chunks: Iterator[bytes] = response.iter_content(chunk_size=None)
        self.buffer = ""
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.seen: list[str] = []
        self.ended = False

    def close(self) -> None:
        try:
            self.response.close()
        except Exception:
            pass

    def _lines(self, deadline: float) -> Iterator[str]:
        while True:
            match = re.search(r"\r\n|\n|\r", self.buffer)
            if match and not (match.group() == "\r" and match.end() == len(self.buffer)):
                line, self.buffer = self.buffer[:match.start()], self.buffer[match.end():]
                yield line
                continue
            if time.monotonic() > deadline:
                return
            try:
                chunk = next(self.chunks)
            except StopIteration:
                self.ended = True
                return
            except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError):
                return  # the read timed out (no byte for TIMEOUT seconds) or the stream broke
            self.buffer += self.decoder.decode(chunk)

    def next_event(self, what: str, timeout: float = TIMEOUT) -> dict:
        deadline = time.monotonic() + timeout
        event: dict[str, Any] = {"data": []}
        for line in self._lines(deadline):
            self.seen.append(line)
            if line == "":
                if event["data"] or "event" in event:
                    event["data"] = "\n".join(event["data"])
                    event.setdefault("event", "message")
                    return event
                continue
            if line.startswith(":"):
                continue
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "data":
                event["data"].append(value)
            elif field in ("event", "id", "retry"):
                event[field] = value
        raise CheckFailed(f"no {what} within {timeout:g} s" + (" (the stream ended)" if self.ended else ""),
                          self.sent, "\n            ".join(self.seen[-40:]) or "(nothing)", what)

    def quiet(self, seconds: float) -> list[str]:
        """Lines of events (not comments) that arrive within `seconds`."""
        deadline = time.monotonic() + seconds
        got = []
        for line in self._lines(deadline):
            self.seen.append(line)
            if line and not line.startswith(":"):
                got.append(line)
        return got


# ---------------------------------------------------------------------------------------------------------------
# The peer

class Peer:
    def __init__(self, description_url: str):
        self.description_url = description_url
        self.session = requests.Session()
        self.session.trust_env = False  # never a proxy: the agent is on 127.0.0.1
        self.td: dict = {}
        self.base = ""
        self.persona = "helpful"
        self.streams: list[EventStream] = []

    def close(self) -> None:
        for stream in self.streams:
            stream.close()
        self.session.close()

    def url(self, relative: str) -> str:
        return urljoin(self.base, relative)

    def call(self, method: str, url: str, body: Any = ..., headers: dict | None = None, raw: str | None = None,
             **kwargs: Any) -> tuple[requests.Response, str]:
        headers = dict(headers or {})
        data = None
        if raw is not None:
            data = raw.encode()
            headers.setdefault("Content-Type", JSON_TYPE)
        elif body is not ...:
            data = json.dumps(body).encode()
            headers.setdefault("Content-Type", JSON_TYPE)
        sent = describe_request(method, url, headers, raw if raw is not None else (None if body is ... else body))
        try:
            response = self.session.request(method, url, data=data, headers=headers, timeout=(TIMEOUT, TIMEOUT),
                                            allow_redirects=False, **kwargs)
        except requests.RequestException as error:
            raise CheckFailed(f"the request failed: {error!r}", sent, None, "an HTTP response within 5 s") from None
        return response, sent

    def json_of(self, response: requests.Response, sent: str, content_type: str = JSON_TYPE) -> Any:
        require(media_type(response) == content_type, f"Content-Type is not {content_type}", sent,
                describe_response(response), f"Content-Type: {content_type}")
        try:
            return response.json()
        except ValueError:
            raise CheckFailed("the body is not JSON", sent, describe_response(response), "a JSON body") from None

    def expect_status(self, response: requests.Response, sent: str, status: int) -> None:
        require(response.status_code == status, f"HTTP status {response.status_code}, not {status}", sent,
                describe_response(response), f"HTTP {status}")

    def expect_problem(self, response: requests.Response, sent: str, status: int, title: str | None = None) -> dict:
        self.expect_status(response, sent, status)
        problem = self.json_of(response, sent, PROBLEM_TYPE)
        ok = (isinstance(problem, dict) and isinstance(problem.get("type"), str)
              and isinstance(problem.get("title"), str) and problem.get("status") == status
              and type(problem.get("status")) is int and isinstance(problem.get("detail"), str))
        require(ok, "the body is not an RFC 7807 problem matching the HTTP status", sent, describe_response(response),
                f'{{"type": <string>, "title": <string>, "status": {status}, "detail": <string>}}')
        if title is not None:
            require(problem["title"] == title, f"the problem's title is not {title!r}", sent,
                    describe_response(response), f'title "{title}"')
        return problem

    @staticmethod
    def chat_input(text: str) -> dict:
        return {"messages": [{"role": "user", "content": text, "format": "text"}]}

    def answer(self, text: str) -> str:
        return f"({self.persona}) You said: {text}"

    @staticmethod
    def output(content: str) -> dict:
        return {"messages": [{"role": "assistant", "content": content, "format": "text"}]}

    def read_property(self, name: str) -> Any:
        response, sent = self.call("GET", self.url(f"properties/{name}"))
        self.expect_status(response, sent, 200)
        return self.json_of(response, sent)

    def check_status_body(self, body: Any, sent: str, response_text: str, statuses: tuple[str, ...]) -> dict:
        require(isinstance(body, dict) and body.get("action") == "chat-stream" and body.get("status") in statuses,
                "not an action status of chat-stream", sent, response_text,
                f'{{"action": "chat-stream", "status": one of {list(statuses)}, ...}}')
        return body

    def invoke_async(self, text: str, headers: dict | None = None) -> tuple[str, dict, str]:
        """POST chat-stream -> 201 + Location; returns (absolute Location, status body, sent)."""
        url = self.url("actions/chat-stream")
        response, sent = self.call("POST", url, self.chat_input(text), headers)
        self.expect_status(response, sent, 201)
        location = response.headers.get("Location")
        require(bool(location), "a 201 without a Location header", sent, describe_response(response),
                "Location: the invocation's status URL")
        body = self.json_of(response, sent)
        self.check_status_body(body, sent, describe_response(response), ("pending", "running"))
        return urljoin(url, location), body, sent

    def poll(self, location: str, until: Callable[[dict], bool], what: str) -> list[dict]:
        """GETs the status URL until `until`; returns every status body seen (checked), at most TIMEOUT."""
        deadline = time.monotonic() + TIMEOUT
        seen: list[dict] = []
        while True:
            response, sent = self.call("GET", location)
            self.expect_status(response, sent, 200)
            body = self.check_status_body(self.json_of(response, sent), sent, describe_response(response),
                                          ("pending", "running", "completed", "failed"))
            seen.append(body)
            if until(body):
                return seen
            require(time.monotonic() < deadline, f"{what} did not happen within {TIMEOUT:g} s", sent,
                    [json.dumps(s) for s in seen[-5:]], what)
            time.sleep(POLL_INTERVAL)

    def check_order(self, statuses: list[str], sent: str, seen: Any) -> None:
        rank = {"pending": 0, "running": 1, "completed": 2, "failed": 2}
        require(all(rank[a] <= rank[b] for a, b in zip(statuses, statuses[1:])),
                "the statuses went backwards", sent, seen, "pending -> running -> completed, never back")

    def open_stream(self, url: str, what: str) -> EventStream:
        headers = {"Accept": SSE_TYPE}
        response, sent = self.call("GET", url, headers=headers, stream=True)
        require(response.status_code == 200 and media_type(response) == SSE_TYPE,
                f"{what} is not a 200 text/event-stream", sent,
                describe_response(response, "" if media_type(response) == SSE_TYPE else None),
                f"200 with Content-Type: {SSE_TYPE}")
        stream = EventStream(response, sent)
        self.streams.append(stream)
        return stream



# ---------------------------------------------------------------------------------------------------------------
# Checks, in order

CHECKS = Checks()
check = CHECKS.add


@check("description", "GET the description URL -> 200 application/td+json with id, base and the affordances")
def _(peer: Peer) -> None:
    response, sent = peer.call("GET", peer.description_url)
    peer.expect_status(response, sent, 200)
    td = peer.json_of(response, sent, TD_TYPE)
    shown = describe_response(response)
    require(isinstance(td, dict) and isinstance(td.get("id"), str) and isinstance(td.get("base"), str),
            "the description has no id or base", sent, shown, "a Thing Description with id and base")
    require(peer.description_url.rstrip("/").endswith("/" + td["id"]), "the description URL does not end in its id",
            sent, shown, f"the URL {peer.description_url} ending in /{td['id']}")
    require(td["base"].endswith("/") and urlsplit(td["base"]).hostname == "127.0.0.1",
            "base is not an http://127.0.0.1... URL ending in /", sent, shown, "base: http://127.0.0.1:PORT/ID/")
    properties, actions, events = td.get("properties", {}), td.get("actions", {}), td.get("events", {})
    require(set(properties) >= {"persona", "conversations"} and set(actions) >= {"chat", "chat-stream"}
            and "messageReceived" in events, "the affordances are missing", sent, shown,
            "properties persona, conversations; actions chat, chat-stream; event messageReceived")
    require(properties["conversations"].get("readOnly") is True and not properties["persona"].get("readOnly"),
            "conversations is not read-only or persona is", sent, shown,
            "conversations readOnly: true; persona writable")
    require(properties["persona"].get("observable") is True and properties["conversations"].get("observable") is True,
            "the properties are not observable", sent, shown, "observable: true on both")
    for name, affordance in list(properties.items()) + list(actions.items()) + list(events.items()):
        hrefs = [f.get("href") for f in affordance.get("forms", [])]
        require(any(isinstance(h, str) and not h.startswith("ws") for h in hrefs), f"{name} has no HTTP form",
                sent, shown, f"an HTTP form for {name}")
    peer.td, peer.base = td, td["base"]


@check("wellKnown", "GET /.well-known/wot -> 200 application/td+json, the same description")
def _(peer: Peer) -> None:
    url = urljoin(peer.description_url, "/.well-known/wot")
    response, sent = peer.call("GET", url)
    peer.expect_status(response, sent, 200)
    td = peer.json_of(response, sent, TD_TYPE)
    require(isinstance(td, dict) and td.get("id") == peer.td["id"] and td.get("base") == peer.base,
            "/.well-known/wot is not the agent's description", sent, describe_response(response),
            f'id "{peer.td["id"]}", base "{peer.base}"')


@check("unknownThing", "GET an unknown thing (and a property of it) -> 404 application/problem+json")
def _(peer: Peer) -> None:
    nobody = urljoin(peer.description_url, f"/urn:uuid:{uuid.uuid4()}")
    for url in (nobody, nobody + "/properties/persona"):
        response, sent = peer.call("GET", url)
        peer.expect_problem(response, sent, 404)


@check("readProperty", "GET properties/persona -> 200 JSON \"helpful\"; properties/conversations -> 0")
def _(peer: Peer) -> None:
    for name, value in (("persona", "helpful"), ("conversations", 0)):
        url = peer.url(f"properties/{name}")
        response, sent = peer.call("GET", url)
        peer.expect_status(response, sent, 200)
        got = peer.json_of(response, sent)
        require(got == value and type(got) is type(value), f"{name} has the wrong value", sent,
                describe_response(response), json.dumps(value))


@check("writeProperty", "PUT properties/persona -> 204; a GET then shows the new value")
def _(peer: Peer) -> None:
    response, sent = peer.call("PUT", peer.url("properties/persona"), "analyst")
    peer.expect_status(response, sent, 204)
    peer.persona = "analyst"
    got = peer.read_property("persona")
    require(got == "analyst", "GET after PUT does not show the new value", sent, json.dumps(got), '"analyst"')


@check("writeProperty.readOnly", "PUT properties/conversations -> 405 problem+json (type, title, status, detail); "
       "unchanged")
def _(peer: Peer) -> None:
    response, sent = peer.call("PUT", peer.url("properties/conversations"), 12)
    peer.expect_problem(response, sent, 405)
    got = peer.read_property("conversations")
    require(got == 0, "conversations changed after a refused PUT", sent, json.dumps(got), "0")


@check("writeProperty.badType", "PUT a number to properties/persona -> 400 problem+json; unchanged")
def _(peer: Peer) -> None:
    response, sent = peer.call("PUT", peer.url("properties/persona"), 42)
    peer.expect_problem(response, sent, 400)
    got = peer.read_property("persona")
    require(got == peer.persona, "persona changed after a refused PUT", sent, json.dumps(got),
            json.dumps(peer.persona))


@check("unknownProperty", "GET / PUT an unknown property -> 404 problem+json")
def _(peer: Peer) -> None:
    url = peer.url("properties/no-such-property")
    for method, body in (("GET", ...), ("PUT", "x")):
        response, sent = peer.call(method, url, body)
        peer.expect_problem(response, sent, 404)


@check("readAllProperties", "GET properties -> 200 JSON object of all properties")
def _(peer: Peer) -> None:
    response, sent = peer.call("GET", peer.url("properties"))
    peer.expect_status(response, sent, 200)
    got = peer.json_of(response, sent)
    want = {"persona": peer.persona, "conversations": 0}
    require(got == want, "GET properties has the wrong values", sent, describe_response(response), json.dumps(want))


@check("writeMultipleProperties", "PUT properties {persona} -> 204; GET properties/persona shows it")
def _(peer: Peer) -> None:
    response, sent = peer.call("PUT", peer.url("properties"), {"persona": "critic"})
    peer.expect_status(response, sent, 204)
    peer.persona = "critic"
    got = peer.read_property("persona")
    require(got == "critic", "the value written with PUT properties is not read back", sent, json.dumps(got),
            '"critic"')


@check("invokeAction.chat", "POST actions/chat -> 200 JSON output with the answer; conversations counts it")
def _(peer: Peer) -> None:
    before = peer.read_property("conversations")
    text = "hello over http"
    response, sent = peer.call("POST", peer.url("actions/chat"), peer.chat_input(text))
    peer.expect_status(response, sent, 200)
    got = peer.json_of(response, sent)
    require(got == peer.output(peer.answer(text)), "the chat output is wrong", sent, describe_response(response),
            json.dumps(peer.output(peer.answer(text))))
    after = peer.read_property("conversations")
    require(after == before + 1, "conversations did not grow by one", sent, json.dumps(after), str(before + 1))


@check("invokeAction.badInput", "POST actions/chat without messages, or not JSON -> 400 application/problem+json")
def _(peer: Peer) -> None:
    url = peer.url("actions/chat")
    for body, raw in (({"text": "no messages"}, None), (..., '{"messages": [')):
        response, sent = peer.call("POST", url, body, raw=raw)
        peer.expect_problem(response, sent, 400)


@check("unknownAction", "POST an unknown action -> 404 problem+json")
def _(peer: Peer) -> None:
    response, sent = peer.call("POST", peer.url("actions/no-such-action"), peer.chat_input("x"))
    peer.expect_problem(response, sent, 404)


for _name, _headers in (("invokeAction.async", None), ("invokeAction.respondAsync", {"Prefer": "respond-async"})):
    @check(_name, "POST actions/chat-stream" + (" with Prefer: respond-async" if _headers else "") +
           " -> 201, Location, status body; polling the Location reaches completed with the whole answer")
    def _(peer: Peer, headers: dict | None = _headers) -> None:
        text = "poll me until done"
        location, _, sent = peer.invoke_async(text, headers)
        seen = peer.poll(location, lambda s: s["status"] in ("completed", "failed"), "status completed")
        peer.check_order([s["status"] for s in seen], sent, [json.dumps(s) for s in seen])
        final = seen[-1]
        require(final["status"] == "completed" and final.get("output") == peer.output(peer.answer(text)),
                "the invocation did not complete with the whole answer", sent, json.dumps(final),
                f'status completed, output {json.dumps(peer.output(peer.answer(text)))}')


@check("unknownInvocation", "GET the status of an unknown invocation -> 404 problem+json")
def _(peer: Peer) -> None:
    response, sent = peer.call("GET", peer.url(f"actions/chat-stream/{uuid.uuid4()}"))
    peer.expect_problem(response, sent, 404)


@check("cancelAction", "DELETE a running invocation's Location -> 200, status failed, error Cancelled/409; it "
       "stays failed")
def _(peer: Peer) -> None:
    text = " ".join(f"word{i}" for i in range(40))
    location, _, sent = peer.invoke_async(text)
    peer.poll(location, lambda s: s["status"] != "pending", "status running")
    response, deleted = peer.call("DELETE", location)
    peer.expect_status(response, deleted, 200)
    body = peer.json_of(response, deleted)
    error = body.get("error") if isinstance(body, dict) else None
    ok = (isinstance(body, dict) and body.get("status") == "failed" and isinstance(error, dict)
          and error.get("title") == "Cancelled" and error.get("status") == 409
          and isinstance(error.get("type"), str) and isinstance(error.get("detail"), str))
    require(ok, "DELETE did not answer the failed, cancelled status", deleted, describe_response(response),
            '{"status": "failed", "error": {"type": <string>, "title": "Cancelled", "status": 409, "detail": ...}}')
    time.sleep(QUIET)
    response, again = peer.call("GET", location)
    peer.expect_status(response, again, 200)
    later = peer.json_of(response, again)
    require(isinstance(later, dict) and later.get("status") == "failed" and later.get("error") == error,
            "the cancelled invocation did not stay failed", again, describe_response(response),
            f'status failed with error {json.dumps(error)}')


@check("invokeAction.sse", "POST actions/chat-stream with Accept: text/event-stream -> actionStatus events: "
       "pending, running (one word each, in order), completed with the whole answer")
def _(peer: Peer) -> None:
    text = "streamed as server sent events"
    url = peer.url("actions/chat-stream")
    headers = {"Accept": SSE_TYPE, "Content-Type": JSON_TYPE}
    response, sent = peer.call("POST", url, peer.chat_input(text), headers, stream=True)
    require(response.status_code in (200, 201) and media_type(response) == SSE_TYPE,
            "the response is not an event stream", sent, describe_response(response, ""),
            f"200 with Content-Type: {SSE_TYPE}")
    stream = EventStream(response, sent)
    peer.streams.append(stream)
    statuses: list[dict] = []
    raw: list[str] = []
    while not statuses or statuses[-1].get("status") not in ("completed", "failed"):
        event = stream.next_event(f"the next actionStatus event (so far {[s.get('status') for s in statuses]})")
        raw.append(f"event: {event['event']} data: {event['data']}")
        require(event["event"] == "actionStatus", "an event that is not actionStatus", sent, raw,
                "event: actionStatus")
        try:
            status = json.loads(event["data"])
        except ValueError:
            raise CheckFailed("an actionStatus event's data is not JSON", sent, raw, "a status object") from None
        require(isinstance(status, dict) and status.get("action") == "chat-stream", "the data is not a status of "
                "chat-stream", sent, raw, '{"action": "chat-stream", "status": ...}')
        statuses.append(status)
    whole = peer.answer(text)
    words = whole.split(" ")
    got = [s.get("status") for s in statuses]
    want = ["pending"] + ["running"] * len(words) + ["completed"]
    require(got == want, "the event stream's statuses are not pending, running per word, completed", sent, raw,
            f"statuses {want}")
    partials = []
    for status in statuses[1:-1]:
        try:
            partials.append(status["output"]["messages"][0]["content"])
        except (KeyError, IndexError, TypeError):
            raise CheckFailed("a running status has no partial output", sent, raw,
                              'output {"messages":[{"role":"assistant","content":<word>}]}') from None
    require("".join(partials) == whole, "the partials, joined in order, are not the whole answer", sent, raw,
            f"{whole!r}; got {partials!r}")
    require(statuses[-1].get("output") == peer.output(whole), "the completed event lacks the whole answer", sent,
            raw[-1], json.dumps(peer.output(whole)))
    stream.close()


@check("subscribeEvent.sse", "GET events/messageReceived (SSE); a chat POST -> event: messageReceived with "
       "{role: user, content}")
def _(peer: Peer) -> None:
    stream = peer.open_stream(peer.url("events/messageReceived"), "events/messageReceived")
    text = "an event, please"
    response, sent = peer.call("POST", peer.url("actions/chat"), peer.chat_input(text))
    peer.expect_status(response, sent, 200)
    event = stream.next_event("event: messageReceived")
    want = {"role": "user", "content": text}
    require(event["event"] == "messageReceived" and json.loads(event["data"] or "null") == want,
            "the event is not messageReceived with the chat's message", sent,
            f"event: {event['event']} data: {event['data']}", f"event: messageReceived data: {json.dumps(want)}")
    stream.close()


@check("subscribeAllEvents.sse", "GET events (SSE); a chat POST -> event: messageReceived")
def _(peer: Peer) -> None:
    stream = peer.open_stream(peer.url("events"), "events")
    text = "all events, please"
    response, sent = peer.call("POST", peer.url("actions/chat"), peer.chat_input(text))
    peer.expect_status(response, sent, 200)
    event = stream.next_event("event: messageReceived")
    want = {"role": "user", "content": text}
    require(event["event"] == "messageReceived" and json.loads(event["data"] or "null") == want,
            "the event is not messageReceived with the chat's message", sent,
            f"event: {event['event']} data: {event['data']}", f"event: messageReceived data: {json.dumps(want)}")
    stream.close()


@check("unknownEvent", "GET events/<unknown> -> 404 problem+json")
def _(peer: Peer) -> None:
    response, sent = peer.call("GET", peer.url("events/no-such-event"))
    peer.expect_problem(response, sent, 404)


@check("observeProperty.sse", "GET properties/persona/observation (SSE); each PUT of persona -> the new value "
       "arrives")
def _(peer: Peer) -> None:
    stream = peer.open_stream(peer.url("properties/persona/observation"), "properties/persona/observation")
    for value in ("observer-one", "observer-two"):
        response, sent = peer.call("PUT", peer.url("properties/persona"), value)
        peer.expect_status(response, sent, 204)
        peer.persona = value
        event = stream.next_event("the new persona value")
        try:
            got = json.loads(event["data"])
        except ValueError:
            got = ...
        require(got == value, "the observation did not carry the new value", sent,
                f"event: {event['event']} data: {event['data']}", f"data: {json.dumps(value)}")
    stream.close()


@check("observeProperty.conversations.sse", "GET properties/conversations/observation (SSE); a chat -> the new count")
def _(peer: Peer) -> None:
    before = peer.read_property("conversations")
    stream = peer.open_stream(peer.url("properties/conversations/observation"), "conversations/observation")
    response, sent = peer.call("POST", peer.url("actions/chat"), peer.chat_input("count"))
    peer.expect_status(response, sent, 200)
    event = stream.next_event("the new conversations count")
    require(json.loads(event["data"] or "null") == before + 1, "the observation did not carry the new count", sent,
            f"event: {event['event']} data: {event['data']}", f"data: {before + 1}")
    stream.close()


@check("traceparent", "a traceparent header is accepted (GET, PUT, POST); a traceparent answered keeps the trace id")
def _(peer: Peer) -> None:
    headers = {"traceparent": TRACEPARENT, "tracestate": "peer=1"}
    text = "traced"
    for method, url, body, status in (("GET", peer.url("properties/persona"), ..., 200),
                                      ("PUT", peer.url("properties/persona"), peer.persona, 204),
                                      ("POST", peer.url("actions/chat"), peer.chat_input(text), 200)):
        response, sent = peer.call(method, url, body, headers)
        peer.expect_status(response, sent, status)
        answered = response.headers.get("traceparent")
        if answered is not None:
            match = TRACEPARENT_FORMAT.match(answered)
            require(match is not None and match.group(2) == TRACE_ID, "the answered traceparent has another trace id",
                    sent, describe_response(response), f"trace id {TRACE_ID}")
        if method == "POST":
            require(peer.json_of(response, sent) == peer.output(peer.answer(text)), "the traced chat's answer is wrong",
                    sent, describe_response(response), json.dumps(peer.output(peer.answer(text))))


# ---------------------------------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--description", help="the agent's description URL, http://127.0.0.1:PORT/urn:uuid:...")
    CHECKS.add_arguments(parser)
    args = parser.parse_args()
    if CHECKS.listed(args):
        return 0
    if not args.description:
        parser.error("--description is required")
    if skipped("description", args.skip):
        parser.error("the description check cannot be skipped: every other check needs it")

    peer = Peer(args.description)
    return run(
        CHECKS, peer, args.skip, close=peer.close, last_sent=lambda: None,
        watchdog_seconds=WATCHDOG_SECONDS)


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main())
