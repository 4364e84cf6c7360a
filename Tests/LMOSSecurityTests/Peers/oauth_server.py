#!/usr/bin/env python3
"""A small OAuth 2.0 authorization server for tests: the client-credentials grant (RFC 6749 4.4) with JWT access
tokens (RFC 9068 `at+jwt`), a JWKS endpoint, and helpers that mint any token a test needs.

    oauth_server.py --port 0 --audience lmos-directory --client agent:s3cret:lmos:read,lmos:write

At start it makes fresh keys (RSA 2048 "rsa-1" RS256, EC P-256 "ec-1" ES256, Ed25519 "ed-1" EdDSA), writes the
public JWKS to --jwks-file if given, prints exactly one line `listening http://HOST:PORT` on stdout and serves
until SIGTERM/SIGINT (or until --lifetime runs out). One log line per request goes to stderr; nothing more goes
to stdout.

Endpoints:
  GET  /jwks.json  the public keys {"keys": [...]}
  POST /token      client credentials (HTTP Basic, RFC 6749 2.3.1, or client_id/client_secret in the body)
  POST /mint       test helper, JSON body: any token, well formed or not (see README.md in this directory)
  POST /rotate     adds an EC P-256 key "ec-2" (then "ec-3", ...) that signs ES256 tokens from then on
  GET  /stats      {"jwks_fetches": N, "tokens_issued": M, "tokens_minted": K}

It uses nothing of swift-lmos: PyJWT's signing primitives and `cryptography`'s keys only.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import os
import secrets
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote_plus

from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from jwt.algorithms import get_default_algorithms

ALGORITHMS = ("RS256", "ES256", "EdDSA")
DEFAULT_ALG = "ES256"
MINT_DEFAULT_LIFETIME = 300
FORM_TYPE = "application/x-www-form-urlencoded"
MAX_BODY = 1 << 20


# ---------------------------------------------------------------------------------------------------------------
# Keys and JWS

def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def int_bytes(value: int, length: int | None = None) -> bytes:
    return value.to_bytes(length or max(1, (value.bit_length() + 7) // 8), "big")


def new_private_key(alg: str) -> Any:
    if alg == "RS256":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if alg == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    if alg == "EdDSA":
        return ed25519.Ed25519PrivateKey.generate()
    raise ValueError(f"unknown alg {alg!r}")


def public_jwk(key: Any, kid: str, alg: str) -> dict:
    """The public JWK (RFC 7517/7518/8037) of a private key, written out field by field."""
    public = key.public_key()
    if isinstance(public, rsa.RSAPublicKey):
        numbers = public.public_numbers()
        fields = {"kty": "RSA", "n": b64url(int_bytes(numbers.n)), "e": b64url(int_bytes(numbers.e))}
    elif isinstance(public, ec.EllipticCurvePublicKey):
        numbers = public.public_numbers()
        fields = {"kty": "EC", "crv": "P-256", "x": b64url(int_bytes(numbers.x, 32)),
                  "y": b64url(int_bytes(numbers.y, 32))}
    elif isinstance(public, ed25519.Ed25519PublicKey):
        fields = {"kty": "OKP", "crv": "Ed25519", "x": b64url(public.public_bytes(Encoding.Raw, PublicFormat.Raw))}
    else:
        raise TypeError(f"unsupported key {type(key).__name__}")
    return {**fields, "kid": kid, "alg": alg, "use": "sig"}


def compact(header: dict, claims: dict, key: Any | None) -> str:
    """A JWS compact serialization (RFC 7515 7.1). `key` None: unsigned (alg "none", empty signature)."""
    signing_input = (b64url(json.dumps(header, separators=(",", ":")).encode()) + "."
                     + b64url(json.dumps(claims, separators=(",", ":")).encode()))
    if key is None:
        return signing_input + "."
    algorithm = get_default_algorithms()[header["alg"]]
    return signing_input + "." + b64url(algorithm.sign(signing_input.encode("ascii"), key))


def tampered(token: str) -> str:
    """The token with one character in the middle of its signature replaced, so the signature bytes change."""
    head, _, signature = token.rpartition(".")
    if not signature:
        return token
    index = len(signature) // 2  # a middle character: all of its 6 bits are signature bits
    replacement = "A" if signature[index] != "A" else "B"
    return head + "." + signature[:index] + replacement + signature[index + 1:]


class Keys:
    """The signing keys. The JWKS lists all of them; one key per alg signs (the newest EC key for ES256)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entries: list[tuple[str, str, Any]] = []  # (kid, alg, private key), in JWKS order
        self.signing: dict[str, str] = {}  # alg -> kid
        for kid, alg in (("rsa-1", "RS256"), ("ec-1", "ES256"), ("ed-1", "EdDSA")):
            self.add(kid, alg, new_private_key(alg))

    def add(self, kid: str, alg: str, key: Any) -> None:
        with self.lock:
            self.entries.append((kid, alg, key))
            self.signing[alg] = kid

    def rotate(self) -> str:
        """Adds the next EC P-256 key (ec-2, ec-3, ...) and makes it sign ES256 tokens."""
        with self.lock:
            number = 1 + sum(1 for _, alg, _ in self.entries if alg == "ES256")
        kid = f"ec-{number}"
        self.add(kid, "ES256", new_private_key("ES256"))
        return kid

    def signer(self, alg: str) -> tuple[str, Any]:
        with self.lock:
            kid = self.signing[alg]
            return kid, next(key for k, _, key in self.entries if k == kid)

    def jwks(self) -> dict:
        with self.lock:
            return {"keys": [public_jwk(key, kid, alg) for kid, alg, key in self.entries]}


# ---------------------------------------------------------------------------------------------------------------
# Clients

class Client:
    def __init__(self, client_id: str, secret: str, scopes: list[str], subject: str):
        self.id, self.secret, self.scopes, self.subject = client_id, secret, scopes, subject


def parse_client(text: str) -> Client:
    """ID:SECRET:SCOPES[:SUB]. SCOPES is comma-separated and may be empty. A scope may itself hold one ':'
    (lmos:read), so the SUB (which may hold ':' too) is found in the last comma item like this: an item that starts
    with ':' is only the SUB ("ID:SECRET::alice", "ID:SECRET:lmos:read,:alice"); after plain scopes ("read,write:
    alice") the SUB follows the item's first ':'; otherwise it follows the item's second ':'
    ("lmos:read,lmos:write:urn:x:alice"). An item with a single ':' ("lmos:read") is a scope, and there is no SUB."""
    parts = text.split(":", 2)
    if len(parts) < 3 or not parts[0]:
        raise argparse.ArgumentTypeError(f"--client {text!r}: expected ID:SECRET:SCOPE1,SCOPE2[:SUB]")
    client_id, secret, rest = parts
    items = rest.split(",")
    last, subject = items[-1], None
    if last.startswith(":"):
        last, subject = "", last[1:]
    elif ":" in last and items[:-1] and all(":" not in item for item in items[:-1]):
        last, _, subject = last.partition(":")
    elif last.count(":") >= 2:
        first, _, after = last.partition(":")
        second, _, subject = after.partition(":")
        last = f"{first}:{second}"
    scopes = [scope for scope in items[:-1] + [last] if scope]
    return Client(client_id, secret, scopes, subject or client_id)


# ---------------------------------------------------------------------------------------------------------------
# The server

class OAuthServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], args: argparse.Namespace):
        super().__init__(address, Handler)
        self.args = args
        self.keys = Keys()
        self.clients = {client.id: client for client in args.client}
        self.audiences: list[str] = args.audience
        host, port = self.server_address[:2]
        shown = f"[{host}]" if ":" in host else host
        self.base_url = f"http://{shown}:{port}"
        self.issuer: str = args.issuer or self.base_url
        self.counter_lock = threading.Lock()
        self.jwks_fetches = self.tokens_issued = self.tokens_minted = 0

    def count(self, name: str) -> None:
        with self.counter_lock:
            setattr(self, name, getattr(self, name) + 1)

    def write_jwks_file(self) -> None:
        if not self.args.jwks_file:
            return
        temporary = self.args.jwks_file + ".tmp"
        with open(temporary, "w", encoding="utf-8") as file:
            json.dump(self.keys.jwks(), file, indent=2)
            file.write("\n")
        os.replace(temporary, self.args.jwks_file)

    def audience_claim(self) -> str | list[str] | None:
        if not self.audiences:
            return None
        return self.audiences[0] if len(self.audiences) == 1 else list(self.audiences)


class Refusal(Exception):
    """An OAuth error response (RFC 6749 5.2)."""

    def __init__(self, status: int, error: str, description: str, headers: dict | None = None):
        super().__init__(description)
        self.status, self.error, self.description, self.headers = status, error, description, headers or {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "lmos-test-oauth/1.0"
    server: OAuthServer

    def log_message(self, format: str, *args: Any) -> None:  # stderr only, one line per request
        sys.stderr.write(f"oauth_server: {self.address_string()} {format % args}\n")
        sys.stderr.flush()

    # -- plumbing --------------------------------------------------------------------------------------------

    def parse_request(self) -> bool:
        self.body_read = False
        return super().parse_request()

    def finish_body(self) -> None:
        """Before answering: reads a body nobody read, so that the next request on the connection starts clean;
        a chunked or unreadable body ends the connection instead."""
        if self.body_read:
            return
        self.body_read = True
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if 0 < length <= MAX_BODY:
            self.rfile.read(length)
        elif length != 0:
            self.close_connection = True

    def send_json(self, status: int, body: Any, headers: dict | None = None) -> None:
        self.finish_body()
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def refuse(self, refusal: Refusal) -> None:
        self.send_json(refusal.status, {"error": refusal.error, "error_description": refusal.description},
                       {"Cache-Control": "no-store", "Pragma": "no-cache", **refusal.headers})

    def body(self) -> bytes:
        if self.headers.get("Transfer-Encoding"):
            raise Refusal(400, "invalid_request", "send the body with a Content-Length, not chunked")
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise Refusal(400, "invalid_request", "Content-Length is not a number") from None
        if length < 0 or length > MAX_BODY:
            raise Refusal(400, "invalid_request", "the body is too large")
        self.body_read = True
        return self.rfile.read(length) if length else b""

    def path_only(self) -> str:
        return self.path.split("?", 1)[0]

    def not_found(self) -> None:
        self.send_json(404, {"error": "not_found", "error_description": f"no such endpoint {self.path_only()}"})

    def wrong_method(self, allowed: str) -> None:
        self.send_json(405, {"error": "method_not_allowed", "error_description": f"use {allowed}"},
                       {"Allow": allowed})

    # -- routes ----------------------------------------------------------------------------------------------

    ROUTES = {"/jwks.json": "GET", "/stats": "GET", "/token": "POST", "/mint": "POST", "/rotate": "POST"}

    def do_GET(self) -> None:
        path = self.path_only()
        if path not in self.ROUTES:
            return self.not_found()
        if self.ROUTES[path] != "GET":
            return self.wrong_method(self.ROUTES[path])
        if path == "/jwks.json":
            self.server.count("jwks_fetches")
            return self.send_json(200, self.server.keys.jwks(), {"Cache-Control": "max-age=300"})
        with self.server.counter_lock:
            stats = {"jwks_fetches": self.server.jwks_fetches, "tokens_issued": self.server.tokens_issued,
                     "tokens_minted": self.server.tokens_minted}
        self.send_json(200, stats, {"Cache-Control": "no-store"})

    def do_POST(self) -> None:
        path = self.path_only()
        if path not in self.ROUTES:
            return self.not_found()
        if self.ROUTES[path] != "POST":
            return self.wrong_method(self.ROUTES[path])
        try:
            if path == "/token":
                self.token()
            elif path == "/mint":
                self.mint()
            else:
                self.body()
                kid = self.server.keys.rotate()
                self.server.write_jwks_file()
                self.send_json(200, {"kid": kid}, {"Cache-Control": "no-store"})
        except Refusal as refusal:
            self.refuse(refusal)

    def do_PUT(self) -> None:
        self.other_method()

    def do_DELETE(self) -> None:
        self.other_method()

    def do_PATCH(self) -> None:
        self.other_method()

    def other_method(self) -> None:
        path = self.path_only()
        if path not in self.ROUTES:
            return self.not_found()
        self.wrong_method(self.ROUTES[path])

    # -- POST /token -----------------------------------------------------------------------------------------

    def authenticate(self, form: dict[str, str]) -> Client:
        basic_challenge = {"WWW-Authenticate": 'Basic realm="oauth"'}
        authorization = self.headers.get("Authorization")
        if authorization is not None:
            scheme, _, credentials = authorization.strip().partition(" ")
            if scheme.lower() != "basic":
                raise Refusal(401, "invalid_client", f"unsupported authentication scheme {scheme!r}",
                              basic_challenge)
            if "client_secret" in form:
                raise Refusal(400, "invalid_request", "more than one client authentication method (RFC 6749 2.3)")
            try:
                decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                raise Refusal(401, "invalid_client", "the Basic credentials are not base64 of UTF-8",
                              basic_challenge) from None
            if ":" not in decoded:
                raise Refusal(401, "invalid_client", "the Basic credentials have no ':'", basic_challenge)
            raw_id, _, raw_secret = decoded.partition(":")
            client_id, secret = unquote_plus(raw_id), unquote_plus(raw_secret)  # RFC 6749 2.3.1
            if "client_id" in form and form["client_id"] != client_id:
                raise Refusal(400, "invalid_request", "client_id in the body differs from the Basic credentials")
        elif "client_id" in form and "client_secret" in form:
            client_id, secret = form["client_id"], form["client_secret"]
        else:
            raise Refusal(401, "invalid_client", "no client authentication", basic_challenge)
        client = self.server.clients.get(client_id)
        if client is None or not secrets.compare_digest(client.secret.encode(), secret.encode()):
            raise Refusal(401, "invalid_client", "unknown client or wrong secret", basic_challenge)
        return client

    def token(self) -> None:
        media_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        body = self.body()
        if media_type != FORM_TYPE:
            raise Refusal(400, "invalid_request", f"the body must be {FORM_TYPE}")
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body))
        except (UnicodeDecodeError, ValueError):
            raise Refusal(400, "invalid_request", "the body is not a valid form") from None
        form: dict[str, str] = {}
        for key, value in pairs:
            if key in form:
                raise Refusal(400, "invalid_request", f"parameter {key} is repeated")
            form[key] = value
        grant_type = form.get("grant_type")
        if grant_type is None:
            raise Refusal(400, "invalid_request", "grant_type is missing")
        if grant_type != "client_credentials":
            raise Refusal(400, "unsupported_grant_type", f"grant_type {grant_type!r} is not supported")
        client = self.authenticate(form)
        if "scope" in form:
            requested = [s for s in form["scope"].split(" ") if s]
            unknown = [s for s in requested if s not in client.scopes]
            if unknown:
                raise Refusal(400, "invalid_scope", f"scope not granted to this client: {' '.join(unknown)}")
            granted = list(dict.fromkeys(requested))
        else:
            granted = list(client.scopes)
        scope = " ".join(granted)
        expires_in = self.server.args.expires_in
        now = int(time.time())
        claims: dict[str, Any] = {"iss": self.server.issuer, "sub": client.subject}
        audience = self.server.audience_claim()
        if audience is not None:
            claims["aud"] = audience
        claims.update({"iat": now, "nbf": now, "exp": now + expires_in, "scope": scope, "client_id": client.id,
                       "jti": secrets.token_urlsafe(16)})
        alg = self.server.args.alg
        kid, key = self.server.keys.signer(alg)
        access_token = compact({"alg": alg, "kid": kid, "typ": "at+jwt"}, claims, key)
        self.server.count("tokens_issued")
        self.send_json(200, {"access_token": access_token, "token_type": "Bearer", "expires_in": expires_in,
                             "scope": scope}, {"Cache-Control": "no-store", "Pragma": "no-cache"})

    # -- POST /mint ------------------------------------------------------------------------------------------

    def mint(self) -> None:
        raw = self.body()
        try:
            request = json.loads(raw.decode("utf-8")) if raw.strip() else {}
        except (UnicodeDecodeError, ValueError):
            raise Refusal(400, "invalid_request", "the body is not JSON") from None
        if not isinstance(request, dict):
            raise Refusal(400, "invalid_request", "the body is not a JSON object")
        alg = request.get("alg", DEFAULT_ALG)
        if alg not in ALGORITHMS:
            raise Refusal(400, "invalid_request", f"alg must be one of {', '.join(ALGORITHMS)}")
        extra = request.get("claims", {})
        omit = request.get("omit", [])
        if not isinstance(extra, dict) or not isinstance(omit, list):
            raise Refusal(400, "invalid_request", "claims must be an object and omit a list")
        for field in ("expires_in", "not_before_in"):
            if field in request and (isinstance(request[field], bool)
                                     or not isinstance(request[field], (int, float))):
                raise Refusal(400, "invalid_request", f"{field} must be a number of seconds")

        now = int(time.time())
        claims: dict[str, Any] = {"iss": self.server.issuer, "sub": "tester"}
        if self.server.audiences:
            claims["aud"] = self.server.audiences[0]
        claims.update({"iat": now, "nbf": now, "exp": now + MINT_DEFAULT_LIFETIME, "scope": ""})
        if "expires_in" in request:
            claims["exp"] = int(now + request["expires_in"])
        if "not_before_in" in request:
            claims["nbf"] = int(now + request["not_before_in"])
        claims.update(extra)
        for name in omit:
            claims.pop(name, None)

        if request.get("unknown_key"):
            kid, key = "stranger", new_private_key(alg)
        else:
            kid, key = self.server.keys.signer(alg)
        if "kid" in request:
            kid = request["kid"]
        header: dict[str, Any] = {"alg": "none" if request.get("alg_none") else alg}
        if kid is not None:
            header["kid"] = kid
        header["typ"] = request.get("typ", "at+jwt")
        if header["typ"] is None:
            del header["typ"]
        token = compact(header, claims, None if request.get("alg_none") else key)
        if request.get("tamper"):
            token = tampered(token)
        self.server.count("tokens_minted")
        self.send_json(200, {"token": token}, {"Cache-Control": "no-store"})


# ---------------------------------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n\n".join(__doc__.split("\n\n")[1:]))
    parser.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="the TCP port; 0 = any free port (default 0)")
    parser.add_argument("--issuer", help="the iss of every token (default: the server's own base URL)")
    parser.add_argument("--audience", action="append", default=[], metavar="AUD",
                        help="an audience (repeatable): one -> aud is a string, several -> a list, none -> no aud")
    parser.add_argument("--client", action="append", default=[], type=parse_client,
                        metavar="ID:SECRET:SCOPES[:SUB]",
                        help="a client (repeatable); SCOPES comma-separated, may be empty; a scope may hold one "
                             "':' (lmos:read). SUB (default: ID) follows the last scope's second ':' "
                             "(lmos:read,lmos:write:SUB), or a plain scope's first ':' (read,write:SUB), or "
                             "stands alone after ',:' or '::' (ID:SECRET::SUB, ID:SECRET:lmos:read,:SUB)")
    parser.add_argument("--alg", choices=ALGORITHMS, default=DEFAULT_ALG,
                        help=f"the algorithm of the tokens /token issues (default {DEFAULT_ALG})")
    parser.add_argument("--expires-in", type=int, default=300, metavar="SECONDS",
                        help="lifetime of the tokens /token issues (default 300)")
    parser.add_argument("--jwks-file", metavar="PATH",
                        help="also write the public JWKS here (before the ready line, and again after /rotate)")
    parser.add_argument("--lifetime", type=float, default=900, metavar="SECONDS",
                        help="watchdog: exit after this many seconds (default 900)")
    args = parser.parse_args()

    server = OAuthServer((args.host, args.port), args)
    server.write_jwks_file()
    stop = threading.Event()
    reason: list[str] = []

    def on_signal(number: int, _frame: Any) -> None:
        reason.append(signal.Signals(number).name)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    serving.start()
    print(f"listening {server.base_url}", flush=True)

    if not stop.wait(args.lifetime):
        print(f"oauth_server: watchdog: --lifetime {args.lifetime:g} s is over, exiting", file=sys.stderr,
              flush=True)
        server.shutdown()
        server.server_close()
        return 2
    print(f"oauth_server: {reason[0] if reason else 'stop'}, exiting", file=sys.stderr, flush=True)
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
