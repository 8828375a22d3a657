#!/usr/bin/env python3
"""refplat -- the reference platform the kiosk uploads to.

A real HTTP(S) server, Python 3.11 standard library only, that
  * takes the kiosk's outbox uploads (POST /v1/records) and deduplicates them by key,
  * answers the online services (queue tickets, appointment slots and bookings,
    progress of applications, certificates) from platform/seed.json,
  * lets tests inject faults and read what arrived (/_admin/..., loopback only).

README.md ("The platform API") is the contract; this file is one implementation of it. A
production platform may look nothing like this inside, but must answer the same.

    refplat.py [--host 127.0.0.1] [--port 8443|0] [--port-file F] [--db PATH]
               [--tls-cert F --tls-key F [--client-ca F]] [--token-file F]
               [--seed-data platform/seed.json] [--fault-rate R] [--fault-kinds K,K]
               [--seed N] [--retry-after S] [--slow-seconds S] [--fault-online] [--quiet]
"""

import argparse
import contextlib
import datetime as dt
import email.utils
import hashlib
import hmac
import http
import http.server
import ipaddress
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import socketserver
import sqlite3
import ssl
import statistics
import struct
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse

UTC = dt.timezone.utc
MAX_BODY = 16 * 1024 * 1024   # a full outbox batch is far below this; more is a client bug
MAX_BATCH = 1000              # records per request
# Fault kinds. The first eight are the ones tests are promised; "stall" and
# "partial" are extras (platform/README.md) so the 409 tracking and per-record "retry" can be tested too.
FAULT_KINDS = ("500", "503", "429", "slow", "reset", "lost", "malformed", "409", "stall", "partial")
DEFAULT_KINDS = FAULT_KINDS[:8]
PRE_FAULTS = {"500", "503", "429", "409", "reset"}   # act before anything is read or stored

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
ID_RE = re.compile(r"^\d{17}[\dX]$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PHONE_RE = re.compile(r"^\+?[\d -]{5,20}$")
# RFC 3339 date-time: the offset is mandatory (a time without one is ambiguous)
RFC3339_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$")


class HttpError(Exception):
    """An answer other than success: status, machine code, human message, extra fields."""

    def __init__(self, status, code, message=None, headers=None, close=False, **extra):
        super().__init__(code)
        self.status = status
        self.body = {"error": code, "message": message or http.HTTPStatus(status).phrase, **extra}
        self.headers = headers or {}
        self.close = close


def bad(message, **extra):
    return HttpError(400, "bad_request", message, **extra)


def parse_time(s):
    """RFC 3339 with offset -> aware datetime, else None."""
    if not isinstance(s, str) or not RFC3339_RE.match(s):
        return None
    s = s.upper().replace(" ", "T").replace("Z", "+00:00")
    if "." in s:   # fromisoformat takes at most 6 fraction digits
        head, rest = s.split(".", 1)
        digits = re.match(r"\d+", rest).group(0)
        s = head + "." + digits[:6].ljust(6, "0") + rest[len(digits):]
    try:
        return dt.datetime.fromisoformat(s)
    except ValueError:
        return None


def utc_stamp(t=None):
    t = t or dt.datetime.now(UTC)
    return t.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def need_str(body, name, maxlen=256):
    v = body.get(name)
    if not isinstance(v, str) or not v.strip() or len(v) > maxlen:
        raise bad(f"{name} must be a non-empty string of at most {maxlen} characters")
    return v


def need_id_number(v, name="id_number"):
    if not isinstance(v, str) or not ID_RE.match(v.upper()):
        raise bad(f"{name} must be an 18-character ID number")
    return v.upper()


def record_digest(r):
    """What a record says, to tell a faithful redelivery from a reused key, and
    one transaction sent under two keys (same digest, other key)."""
    what = [r.get("kind"), r.get("service_code"), r.get("created_at"), r.get("payload")]
    return hashlib.sha256(json.dumps(what, sort_keys=True, ensure_ascii=False,
                                     separators=(",", ":")).encode()).hexdigest()


SCHEMA = """
-- one row per key ever stored: the unique index on key is the whole of deduplication
CREATE TABLE IF NOT EXISTS records (
  key TEXT PRIMARY KEY, device_id TEXT, seq INTEGER, kind TEXT, service_code TEXT,
  created_at TEXT, clock_synced INTEGER, payload TEXT, receipt_no TEXT, id_number TEXT,
  digest TEXT, first_at TEXT, deliveries INTEGER NOT NULL DEFAULT 1);
CREATE INDEX IF NOT EXISTS records_receipt ON records(receipt_no);
CREATE INDEX IF NOT EXISTS records_id ON records(id_number);
CREATE INDEX IF NOT EXISTS records_digest ON records(digest);
-- every delivery of every record, whatever became of it (tests count these)
CREATE TABLE IF NOT EXISTS deliveries (
  id INTEGER PRIMARY KEY, key TEXT, at TEXT, device_id TEXT, kind TEXT, outcome TEXT,
  same_content INTEGER);
CREATE INDEX IF NOT EXISTS deliveries_key ON deliveries(key);
CREATE TABLE IF NOT EXISTS tickets (
  key TEXT PRIMARY KEY, device_id TEXT, service_code TEXT, day TEXT, prefix TEXT,
  issued REAL, reply TEXT);
CREATE TABLE IF NOT EXISTS appointments (
  key TEXT PRIMARY KEY, device_id TEXT, service_code TEXT, date TEXT, slot_id TEXT,
  id_number TEXT, name TEXT, phone TEXT, created_at TEXT, reply TEXT);
"""
TABLES = ("records", "deliveries", "tickets", "appointments")


class Store:
    """SQLite behind one lock: simple, and far faster than any kiosk fleet test needs.
    WAL so a crash of the platform never loses an acknowledged record."""

    def __init__(self, path):
        self.lock = threading.Lock()
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        # NORMAL+WAL: durable against a platform crash; a power cut may lose the last
        # commits, which a test platform can afford
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)

    @contextlib.contextmanager
    def tx(self):
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    def one(self, sql, args=()):
        with self.lock:
            return self.db.execute(sql, args).fetchone()

    def all(self, sql, args=()):
        with self.lock:
            return self.db.execute(sql, args).fetchall()

    def clear(self):
        with self.tx() as db:
            for t in TABLES:
                db.execute(f"DELETE FROM {t}")

    def close(self):
        with self.lock:
            self.db.close()


class Faults:
    """What goes wrong, and when: at random (rate, kinds, seed) or scripted (next)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.configure({})

    def configure(self, cfg):
        if not isinstance(cfg, dict):
            raise bad("fault settings must be a JSON object")
        unknown = set(cfg) - {"rate", "kinds", "retry_after", "retry_after_date",
                              "slow_seconds", "seed", "online", "next"}
        if unknown:
            raise bad("unknown fault settings: " + ", ".join(sorted(unknown)))

        def kind_list(name, default, extra=()):
            v = cfg.get(name, default)
            if not isinstance(v, list):
                raise bad(f"{name} must be a list")
            out = [str(k) for k in v]
            for k in out:
                if k not in FAULT_KINDS and k not in extra:
                    raise bad(f"unknown fault kind {k!r} in {name}")
            return out

        def number(name, default, lo, hi):
            v = cfg.get(name, default)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not lo <= v <= hi:
                raise bad(f"{name} must be a number from {lo} to {hi}")
            return v

        rate = number("rate", 0, 0, 1)
        kinds = kind_list("kinds", list(DEFAULT_KINDS))
        if rate > 0 and not kinds:
            raise bad("kinds must not be empty when rate > 0")
        nxt = kind_list("next", [], extra=("none",))
        retry_after = number("retry_after", 1, 0, 86400)
        slow = number("slow_seconds", 5, 0, 3600)
        seed = cfg.get("seed")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise bad("seed must be an integer")
        for name in ("retry_after_date", "online"):
            if not isinstance(cfg.get(name, False), bool):
                raise bad(f"{name} must be true or false")
        with self.lock:
            self.rate, self.kinds, self.next = float(rate), kinds, nxt
            self.retry_after, self.slow_seconds, self.seed = retry_after, float(slow), seed
            self.retry_after_date = cfg.get("retry_after_date", False)
            self.online = cfg.get("online", False)
            # a seed makes a fault sequence repeatable run after run
            self.rng = random.Random(seed)

    def describe(self):
        with self.lock:
            return {"rate": self.rate, "kinds": self.kinds, "next": self.next,
                    "retry_after": self.retry_after, "retry_after_date": self.retry_after_date,
                    "slow_seconds": self.slow_seconds, "seed": self.seed, "online": self.online}

    def pick(self, records_endpoint):
        """The fault for this request, or None. Online endpoints only when "online"."""
        with self.lock:
            if not records_endpoint and not self.online:
                return None
            if self.next:
                k = self.next.pop(0)
                return None if k == "none" else k
            if self.rate > 0 and self.rng.random() < self.rate:
                return self.rng.choice(self.kinds)
            return None

    def retry_after_value(self):
        with self.lock:
            secs, as_date = self.retry_after, self.retry_after_date
        if as_date:   # HTTP-date form: clients must handle both (RFC 9110 10.2.3)
            return email.utils.formatdate(time.time() + secs, usegmt=True)
        return str(math.ceil(secs))


class Platform:
    """Everything the request handlers share."""

    def __init__(self, store, seed, token, quiet):
        self.store, self.seed, self.token, self.quiet = store, seed, token, quiet
        self.faults = Faults()
        self.kinds = set(seed.get("record_kinds") or ["application", "help", "rating", "probe"])
        off = seed.get("timezone", "+08:00")
        sign = -1 if off.startswith("-") else 1
        hh, mm = off.lstrip("+-").split(":")
        self.tz = dt.timezone(sign * dt.timedelta(hours=int(hh), minutes=int(mm)))
        self.mu = threading.Lock()        # guards the in-memory state below
        # /v1/ requests being served: a reply goes out before its request is
        # counted, so stats and reset first wait for those to be counted
        self.active = 0
        self.counted = threading.Condition(self.mu)
        self.log_lock = threading.Lock()
        self.in_progress = set()          # keys some request is storing right now
        self.down_until = 0.0             # time.monotonic() until which we are "down"
        self.t0 = time.monotonic()
        self.t0_wall = time.time()
        self.reset_memory()

    def reset_memory(self):
        with self.mu:
            self.requests = 0
            self.by_status = {}
            self.arrivals = []            # (monotonic time, path) of every non-admin request

    # --- logging: one line per request, never a payload (they hold personal data)
    def log(self, line):
        if self.quiet:
            return
        with self.log_lock:
            sys.stderr.write(f"{utc_stamp()} {line}\n")
            sys.stderr.flush()

    # --- bookkeeping
    def note_arrival(self, path):
        with self.mu:
            self.arrivals.append((time.monotonic(), path))

    def note_start(self):
        with self.mu:
            self.active += 1

    def note_outcome(self, outcome):
        with self.mu:
            self.requests += 1
            self.by_status[str(outcome)] = self.by_status.get(str(outcome), 0) + 1
            self.active -= 1
            self.counted.notify_all()

    def wait_quiet(self, limit=1.0):
        """Until every /v1/ request already answered is counted (at most limit
        seconds: a stalled or slow fault may hold one much longer)."""
        end = time.monotonic() + limit
        with self.mu:
            while self.active > 0 and time.monotonic() < end:
                self.counted.wait(end - time.monotonic())

    def is_down(self):
        return time.monotonic() < self.down_until

    def now_local(self):
        return dt.datetime.now(self.tz).replace(microsecond=0)

    # --- in-progress keys: a second request carrying a key that a first request is
    # still storing gets 409 instead of racing it
    def claim(self, keys):
        with self.mu:
            busy = sorted(k for k in keys if k in self.in_progress)
            if not busy:
                self.in_progress.update(keys)
            return busy

    def release(self, keys):
        with self.mu:
            self.in_progress.difference_update(keys)

    # --- records
    def check_record(self, r):
        """Why this record is refused for good, or None."""
        kind = r.get("kind")
        if not isinstance(kind, str) or not kind:
            return "missing kind"
        if kind not in self.kinds:
            return f"unknown kind {kind[:40]!r}"
        sc = r.get("service_code")
        if sc is not None and not isinstance(sc, str):
            return "service_code must be a string"
        # probes come from `kioskctl queue probe` with no service behind them
        if kind != "probe" and not (sc or "").strip():
            return "missing service_code"
        if not isinstance(r.get("payload"), dict):
            return "payload is not an object"
        seq = r.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
            return "seq must be a non-negative integer"
        if parse_time(r.get("created_at")) is None:
            return "created_at must be an RFC 3339 time with an offset"
        if not isinstance(r.get("clock_synced"), bool):
            return "clock_synced must be true or false"
        return None

    def put_records(self, device_id, recs, partial):
        """Store a batch in one transaction; one result per record, in order."""
        now = utc_stamp()
        results = []
        with self.store.tx() as db:
            def delivery(key, kind, outcome, same=None):
                db.execute("INSERT INTO deliveries (key, at, device_id, kind, outcome, same_content)"
                           " VALUES (?,?,?,?,?,?)",
                           (key, now, device_id, kind if isinstance(kind, str) else None, outcome, same))

            for i, r in enumerate(recs):
                given = r["key"]
                key = given.lower()   # a UUID is the same UUID in either case
                kind = r.get("kind")
                if partial and i % 2 == 0:
                    delivery(key, kind, "retry")
                    results.append({"key": given, "status": "retry",
                                    "reason": "injected fault (partial): send this record again"})
                    continue
                digest = record_digest(r)
                row = db.execute("SELECT digest FROM records WHERE key=?", (key,)).fetchone()
                if row:
                    same = row["digest"] == digest
                    db.execute("UPDATE records SET deliveries=deliveries+1 WHERE key=?", (key,))
                    delivery(key, kind, "duplicate", int(same))
                    res = {"key": given, "status": "duplicate"}
                    if not same:
                        res["reason"] = "key already stored with other content; the first is kept"
                    results.append(res)
                    continue
                reason = self.check_record(r)
                if reason:
                    delivery(key, kind, "rejected")
                    results.append({"key": given, "status": "rejected", "reason": reason})
                    continue
                payload = r["payload"]
                probe = kind == "probe"
                receipt = payload.get("receipt_no")
                receipt = receipt.upper() if isinstance(receipt, str) and not probe else None
                db.execute(
                    "INSERT INTO records (key, device_id, seq, kind, service_code, created_at,"
                    " clock_synced, payload, receipt_no, id_number, digest, first_at)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    (key, device_id, r["seq"], kind, r.get("service_code"), r["created_at"],
                     int(r["clock_synced"]),
                     # a probe's payload is not residents' data and is not kept
                     None if probe else json.dumps(payload, ensure_ascii=False),
                     receipt, None if probe else self.payload_id_number(payload), digest, now))
                delivery(key, kind, "accepted")
                results.append({"key": given, "status": "accepted"})
        return results

    @staticmethod
    def payload_id_number(p):
        """The resident's ID number if the payload names one, so /v1/progress finds it."""
        for v in (p.get("id_number"), (p.get("resident") or {}).get("id_number")
                  if isinstance(p.get("resident"), dict) else None,
                  (p.get("personal") or {}).get("id_number")
                  if isinstance(p.get("personal"), dict) else None):
            if isinstance(v, str) and ID_RE.match(v.upper()):
                return v.upper()
        return None

    # --- appointments: slots are computed, never stored; only bookings are
    def slot_rules(self, code):
        ap = self.seed.get("appointments", {})
        if code not in ap.get("services", {}):
            return None
        rules = {k: ap.get(k) for k in ("sessions", "slot_minutes", "capacity", "prebooked")}
        rules.update(ap["services"][code] or {})
        return rules

    def slots(self, db, code, date):
        """The slots of a service on a date with places left; [] on days without any."""
        rules = self.slot_rules(code)
        ap = self.seed.get("appointments", {})
        d = dt.date.fromisoformat(date)
        today = self.now_local().date()
        if (d.weekday() >= 5 or date in ap.get("holidays", []) or d <= today
                or d > today + dt.timedelta(days=ap.get("days_ahead", 30))):
            return []
        booked = {row["slot_id"]: row["n"] for row in db.execute(
            "SELECT slot_id, count(*) AS n FROM appointments WHERE service_code=? AND date=?"
            " GROUP BY slot_id", (code, date))}
        cap, step, out = rules["capacity"], rules["slot_minutes"], []
        for start, end in rules["sessions"]:
            t = dt.datetime.combine(d, dt.time.fromisoformat(start))
            stop = dt.datetime.combine(d, dt.time.fromisoformat(end))
            while t + dt.timedelta(minutes=step) <= stop:
                sid = t.strftime("%H%M")
                # other residents' bookings, deterministic so tests and screenshots repeat
                pre = (hashlib.sha256(f"{code}|{date}|{sid}".encode()).digest()[0] % (cap + 1)
                       if rules["prebooked"] else 0)
                u = t + dt.timedelta(minutes=step)
                out.append({"slot_id": sid, "start": t.strftime("%H:%M"), "end": u.strftime("%H:%M"),
                            "free": max(0, cap - pre - booked.get(sid, 0))})
                t = u
        return out

    def queue_for(self, code):
        q = self.seed.get("queue", {})
        return q.get(code[:10]) or q.get("default") or {
            "prefix": "Z", "start": 0, "waiting": 0, "window": {"zh": "综合窗口", "en": "Window"}}

    def title(self, code):
        return self.seed.get("services", {}).get(code) or {"zh": code, "en": code}


# ---------------------------------------------------------------------------
# HTTP

ROUTES = {
    "/v1/records": {"POST": "records"},
    "/v1/queue/tickets": {"POST": "tickets"},
    "/v1/appointments/slots": {"GET": "slots"},
    "/v1/appointments": {"POST": "appointments"},
    "/v1/progress": {"POST": "progress"},
    "/v1/certificates": {"POST": "certificates"},
    "/v1/health": {"GET": "health"},
    "/_admin/stats": {"GET": "a_stats"},
    "/_admin/keys": {"GET": "a_keys"},
    "/_admin/rate": {"GET": "a_rate"},
    "/_admin/reset": {"POST": "a_reset"},
    "/_admin/faults": {"GET": "a_faults", "POST": "a_faults"},
    "/_admin/down": {"GET": "a_down", "POST": "a_down"},
}


class Handler(http.server.BaseHTTPRequestHandler):
    # HTTP/1.1: kiosks keep connections open across batches (and curl sends
    # Expect: 100-continue, which the base class answers for 1.1 only)
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, the second waits
    # for the client's delayed ACK (40 ms on Linux) on a kept-alive connection.
    disable_nagle_algorithm = True
    server_version = "refplat/1"
    sys_version = ""
    timeout = 30   # an idle or stuck client must not hold a thread for ever

    def setup(self):
        ctx = self.server.tls
        if ctx is not None:
            # handshake here, in this connection's thread: in the accepting thread one
            # slow client would hold up every other one
            self.request.settimeout(self.timeout)
            tls = ctx.wrap_socket(self.request, server_side=True, do_handshake_on_connect=False)
            try:
                tls.do_handshake()
            except (ssl.SSLError, OSError):
                # OpenSSL has sent its alert (say "certificate expired"). Under TLS 1.3
                # the client thinks the handshake is done and has sent its request: a
                # plain close with that request unread answers with a reset that can
                # overtake the alert. Close the way web servers do: our side first,
                # then drain what the client sent (below TLS), so the alert arrives.
                with contextlib.suppress(OSError):
                    socket.socket.shutdown(tls, socket.SHUT_WR)
                    tls.settimeout(1)
                    while socket.socket.recv(tls, 65536):
                        pass
                with contextlib.suppress(OSError):
                    tls.close()
                raise
            self.request = tls
        super().setup()

    def finish(self):
        try:
            super().finish()
        finally:
            if self.server.tls is not None:
                # wrap_socket detached the server's own socket object: this one is ours
                with contextlib.suppress(OSError):
                    self.connection.close()

    # the base class's logging goes through ours (or nowhere)
    def log_request(self, code="-", size="-"):
        pass

    def log_message(self, fmt, *args):
        self.server.plat.log(f"{self.client_address[0]} {fmt % args}")

    def send_error(self, code, message=None, explain=None):
        """Errors the base class finds itself (bad request line, unknown method) as JSON too."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.send_json(code, {"error": http.HTTPStatus(code).phrase.lower().replace(" ", "_"),
                                  "message": message or http.HTTPStatus(code).phrase})

    def version_string(self):
        return self.server_version

    def do_GET(self):
        self.dispatch()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    # --- plumbing
    def account(self, outcome):
        """Counts and logs a /v1/ request once, as soon as its outcome is known:
        before the reply is written, so a client that reads the reply and then
        asks for the stats (or the log) finds its request there."""
        if self.accounted or self.is_admin:
            return
        self.accounted = True
        plat = self.server.plat
        plat.note_outcome(outcome)
        extra = ""
        if self.nrec is not None:
            extra += f" records={self.nrec}"
        if self.fault:
            extra += f" fault={self.fault}"
        plat.log(f"{self.client_address[0]} {self.command} {self.url_path} {outcome}{extra}"
                 f" {(time.monotonic() - self.t0) * 1000:.1f}ms")

    def send_json(self, status, obj, headers=None, raw=None):
        self.account(status)
        body = raw if raw is not None else json.dumps(obj, ensure_ascii=False).encode()
        self.send_response(status)   # adds Date: clients measure clock skew from it
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = bytearray()
            while True:
                try:
                    size = int(self.rfile.readline(64).split(b";")[0].strip() or b"0", 16)
                except ValueError:
                    raise HttpError(400, "bad_request", "bad chunk size", close=True) from None
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass   # trailers
                    return bytes(out)
                if len(out) + size > MAX_BODY:
                    raise HttpError(413, "too_large", f"body over {MAX_BODY} bytes", close=True)
                out += self.rfile.read(size)
                self.rfile.readline(8)
        n = self.headers.get("Content-Length")
        if n is None:
            if self.command in ("POST", "PUT", "PATCH"):
                raise HttpError(411, "length_required", "Content-Length or chunked body required",
                                close=True)
            return b""
        if not n.isdigit():
            raise HttpError(400, "bad_request", "bad Content-Length", close=True)
        if int(n) > MAX_BODY:
            raise HttpError(413, "too_large", f"body over {MAX_BODY} bytes", close=True)
        return self.rfile.read(int(n))

    def json_body(self, raw, strict=True):
        ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if strict and ctype != "application/json":
            raise HttpError(415, "unsupported_media_type", "Content-Type must be application/json")
        if not raw.strip() and not strict:
            return {}
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            raise HttpError(400, "malformed_json", f"body is not JSON: {e}") from None

    def json_obj(self, raw):
        body = self.json_body(raw)
        if not isinstance(body, dict):
            raise bad("body must be a JSON object")
        need_str(body, "device_id", 128)
        return body

    def abort(self, partial=b""):
        """Reset the connection: optional partial bytes, then RST (SO_LINGER 0)."""
        self.close_connection = True
        sock = self.connection
        with contextlib.suppress(OSError):
            if partial:
                sock.sendall(partial)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        # the socket closes for real only once rfile's reference to it is gone
        with contextlib.suppress(OSError):
            self.rfile.close()
        with contextlib.suppress(OSError):
            sock.close()

    def is_loopback(self):
        a = ipaddress.ip_address(self.client_address[0].split("%")[0])
        if a.version == 6 and a.ipv4_mapped:
            a = a.ipv4_mapped
        return a.is_loopback

    # --- one request
    def dispatch(self):
        t0 = self.t0 = time.monotonic()
        plat = self.server.plat
        path = self.url_path = urllib.parse.urlsplit(self.path).path
        admin = self.is_admin = path.startswith("/_admin/")
        self.nrec = self.fault = None
        self.accounted = False
        outcome = None
        if not admin:
            plat.note_start()
        try:
            if not admin:
                plat.note_arrival(path)
                if plat.is_down():
                    # the outage: admin stays reachable so tests can end it
                    outcome = "down"
                    self.abort()
                    return
            outcome = self.serve(plat, path, admin)
        except Exception:   # a bug here must answer 500, not hang the client
            plat.log("internal error:\n" + traceback.format_exc())
            outcome = 500
            with contextlib.suppress(OSError):
                self.close_connection = True
                self.send_json(500, {"error": "internal_error", "message": "see the platform log"})
        finally:
            if admin:
                plat.log(f"{self.client_address[0]} {self.command} {path} {outcome}"
                         f" {(time.monotonic() - t0) * 1000:.1f}ms")
            elif not self.accounted:
                self.account(outcome)   # no reply: reset, lost, down

    def serve(self, plat, path, admin):
        """Route, authenticate, inject the fault, answer. Returns what to log."""
        faults = plat.faults
        try:
            # a body we do not read would be taken for the next request: close instead
            unread = bool(self.headers.get("Content-Length", "0") not in ("", "0")
                          or self.headers.get("Transfer-Encoding"))
            route = ROUTES.get(path)
            if route is None:
                raise HttpError(404, "not_found", f"no endpoint {path}", close=unread)
            name = route.get(self.command)
            if name is None:
                raise HttpError(405, "method_not_allowed", f"{path} takes {', '.join(route)}",
                                headers={"Allow": ", ".join(route)}, close=unread)
            if admin:
                if not self.is_loopback():
                    raise HttpError(403, "forbidden", "admin endpoints answer loopback only",
                                    close=unread)
            elif plat.token is not None:
                scheme, _, cred = self.headers.get("Authorization", "").partition(" ")
                if scheme.lower() != "bearer" or not hmac.compare_digest(
                        cred.strip().encode(), plat.token.encode()):
                    raise HttpError(401, "unauthorized", "missing or wrong bearer token",
                                    headers={"WWW-Authenticate": 'Bearer realm="refplat"'},
                                    close=unread)
            raw = self.read_body()
            if not admin:
                self.fault = faults.pick(path == "/v1/records")
            f = self.fault
            # faults that strike before anything is stored
            if f == "reset":
                self.abort(partial=b"HTTP/1.1 50")   # part of a status line, then RST
                return "reset"
            if f == "500":
                raise HttpError(500, "internal_error", "injected fault")
            if f in ("503", "429"):
                raise HttpError(int(f), "unavailable" if f == "503" else "rate_limited",
                                "injected fault", headers={"Retry-After": faults.retry_after_value()})
            if f == "409":
                raise HttpError(409, "in_progress", "injected fault: retry later")
            status, obj, headers = getattr(self, "h_" + name)(plat, self.query(), raw)
        except HttpError as e:
            if e.close:
                self.close_connection = True
            status, obj, headers = e.status, e.body, e.headers
        # faults that strike after the work is done (and stored)
        f = self.fault
        if f == "slow":
            time.sleep(faults.slow_seconds)
        if f == "lost":
            self.close_connection = True   # close without a word
            return "lost"
        raw_body = None
        if f == "malformed":
            text = json.dumps(obj, ensure_ascii=False)
            raw_body = text[:max(1, len(text) // 2)].encode()   # a cut object never parses
        try:
            self.send_json(status, obj, headers, raw=raw_body)
        except OSError:   # the client gave up (timeout after "slow"): that is the point
            self.close_connection = True
            return f"{status}(client gone)"
        return status

    def query(self):
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        return {k: v[-1] for k, v in q.items()}

    # --- /v1/records
    def h_records(self, plat, q, raw):
        body = self.json_body(raw)
        if not isinstance(body, dict):
            raise bad("body must be a JSON object")
        device_id = need_str(body, "device_id", 128)
        if parse_time(body.get("sent_at")) is None:
            raise bad("sent_at must be an RFC 3339 time")
        recs = body.get("records")
        if not isinstance(recs, list):
            raise bad("records must be a list")
        self.nrec = len(recs)
        if len(recs) > MAX_BATCH:
            raise HttpError(413, "too_large", f"at most {MAX_BATCH} records per request")
        for i, r in enumerate(recs):
            if not isinstance(r, dict):
                raise bad(f"records[{i}] is not an object")
            if not isinstance(r.get("key"), str) or not UUID_RE.match(r["key"]):
                raise bad(f"records[{i}].key must be a UUID")
        for r in recs:
            p = r.get("payload")
            if isinstance(p, dict) and p.get("poison") is True:
                # the whole batch is refused: the client must find and set aside the record
                raise HttpError(400, "poison_record", "a record of this batch cannot be stored",
                                key=r["key"])
        keys = {r["key"].lower() for r in recs}
        busy = plat.claim(keys)
        if busy:
            raise HttpError(409, "in_progress",
                            "a record of this batch is being stored by another request", keys=busy)
        try:
            if self.fault == "stall":   # hold the keys, so a concurrent retry meets 409
                time.sleep(plat.faults.slow_seconds)
            results = plat.put_records(device_id, recs, self.fault == "partial")
        finally:
            # released once committed: a redelivery after "slow" is a duplicate, not a 409
            plat.release(keys)
        return 200, {"results": results}, None

    # --- online services
    def h_health(self, plat, q, raw):
        return 200, {"status": "ok", "time": utc_stamp()}, None

    def h_tickets(self, plat, q, raw):
        body = self.json_obj(raw)
        key = need_str(body, "key", 128)
        code = need_str(body, "service_code", 64)
        if code not in plat.seed.get("services", {}):
            raise HttpError(404, "unknown_service", f"no service {code}")
        with plat.store.tx() as db:
            row = db.execute("SELECT service_code, reply FROM tickets WHERE key=?", (key,)).fetchone()
            if row:   # the same key is the same ticket, however often it is asked for
                if row["service_code"] != code:
                    raise HttpError(422, "key_reused", "this key was used for another service")
                return 200, json.loads(row["reply"]), None
            qd = plat.queue_for(code)
            now = plat.now_local()
            day, stamp = now.date().isoformat(), time.time()
            n = db.execute("SELECT count(*) FROM tickets WHERE day=? AND prefix=?",
                           (day, qd["prefix"])).fetchone()[0]
            # people waiting: the seed's base plus tickets of the last 10 minutes
            recent = db.execute("SELECT count(*) FROM tickets WHERE prefix=? AND issued>?",
                                (qd["prefix"], stamp - 600)).fetchone()[0]
            reply = {"ticket": f"{qd['prefix']}{qd.get('start', 0) + n + 1:03d}",
                     "waiting": qd.get("waiting", 0) + recent, "window": qd["window"],
                     "service_code": code, "issued_at": now.isoformat()}
            db.execute("INSERT INTO tickets VALUES (?,?,?,?,?,?,?)",
                       (key, body["device_id"], code, day, qd["prefix"], stamp,
                        json.dumps(reply, ensure_ascii=False)))
        return 200, reply, None

    def h_slots(self, plat, q, raw):
        code, date = q.get("service_code"), q.get("date")
        if not code or not date or not DATE_RE.match(date):
            raise bad("service_code and date=YYYY-MM-DD are required")
        try:
            dt.date.fromisoformat(date)
        except ValueError:
            raise bad("no such date") from None
        if plat.slot_rules(code) is None:
            raise HttpError(404, "unknown_service", f"no appointments for {code}")
        with plat.store.lock:
            slots = plat.slots(plat.store.db, code, date)
        return 200, {"service_code": code, "date": date, "slots": slots}, None

    def h_appointments(self, plat, q, raw):
        body = self.json_obj(raw)
        key = need_str(body, "key", 128)
        code = need_str(body, "service_code", 64)
        date = need_str(body, "date", 10)
        sid = need_str(body, "slot_id", 16)
        try:
            dt.date.fromisoformat(date)
        except ValueError:
            raise bad("date must be YYYY-MM-DD") from None
        res = body.get("resident")
        if not isinstance(res, dict):
            raise bad("resident must be an object")
        idn = need_id_number(res.get("id_number"), "resident.id_number")
        name = need_str(res, "name", 64)
        phone = res.get("phone")
        if not isinstance(phone, str) or not PHONE_RE.match(phone):
            raise bad("resident.phone must be a phone number")
        with plat.store.tx() as db:
            row = db.execute("SELECT service_code, date, slot_id, reply FROM appointments"
                             " WHERE key=?", (key,)).fetchone()
            if row:   # a retry: the booking already made, even if the slot is full now
                if (row["service_code"], row["date"], row["slot_id"]) != (code, date, sid):
                    raise HttpError(422, "key_reused", "this key was used for another booking")
                return 200, json.loads(row["reply"]), None
            if plat.slot_rules(code) is None:
                raise HttpError(404, "unknown_service", f"no appointments for {code}")
            slot = next((s for s in plat.slots(db, code, date) if s["slot_id"] == sid), None)
            if slot is None:
                raise HttpError(404, "unknown_slot", f"no slot {sid} on {date}")
            if slot["free"] <= 0:
                raise HttpError(422, "slot_full", "no place left in this slot")
            ap = plat.seed.get("appointments", {})
            n = db.execute("SELECT count(*) FROM appointments WHERE date=?", (date,)).fetchone()[0]
            reply = {"confirmation": f"{ap.get('confirmation_prefix', 'YY')}{date.replace('-', '')}"
                                     f"-{ap.get('confirmation_start', 0) + n + 1:04d}",
                     "service_code": code, "date": date, "start": slot["start"], "end": slot["end"],
                     "window": plat.queue_for(code)["window"]}
            db.execute("INSERT INTO appointments VALUES (?,?,?,?,?,?,?,?,?,?)",
                       (key, body["device_id"], code, date, sid, idn, name, phone, utc_stamp(),
                        json.dumps(reply, ensure_ascii=False)))
        return 200, reply, None

    def h_progress(self, plat, q, raw):
        body = self.json_obj(raw)
        no, idn = body.get("application_no"), body.get("id_number")
        if (no is None) == (idn is None):
            raise bad("give exactly one of application_no and id_number")
        seed_apps = plat.seed.get("applications", {})
        if no is not None:
            no = need_str(body, "application_no", 64).strip().upper()
            found = [a for apps in seed_apps.values() for a in apps if a["number"].upper() == no]
            rows = plat.store.all("SELECT * FROM records WHERE receipt_no=?", (no,))
        else:
            idn = need_id_number(idn)
            found = list(seed_apps.get(idn, []))
            rows = plat.store.all("SELECT * FROM records WHERE id_number=?", (idn,))
        texts = plat.seed.get("status_text", {})

        def view(a):
            v = {"number": a["number"], "service_code": a["service_code"],
                 "title": plat.title(a["service_code"]), "status": a["status"],
                 "status_text": texts.get(a["status"], {"zh": a["status"], "en": a["status"]}),
                 "updated_at": a["updated_at"]}
            if a.get("note"):
                v["note"] = a["note"]
            return v

        apps = [view(a) for a in found]
        for r in rows:   # the kiosk's own receipts: the platform has them, nobody acted yet
            at = dt.datetime.fromisoformat(r["first_at"].replace("Z", "+00:00")).astimezone(plat.tz)
            apps.append(view({"number": r["receipt_no"] or r["key"], "service_code": r["service_code"],
                              "status": "received", "updated_at": at.isoformat(timespec="seconds")}))
        apps.sort(key=lambda a: parse_time(a["updated_at"]), reverse=True)
        return 200, {"applications": apps}, None

    def h_certificates(self, plat, q, raw):
        body = self.json_obj(raw)
        kind = need_str(body, "kind", 64)
        idn = need_id_number(body.get("id_number"))
        kinds = plat.seed.get("certificate_kinds", {})
        if kind not in kinds:
            raise HttpError(400, "unknown_kind",
                            f"unknown certificate kind; known: {', '.join(sorted(kinds))}")
        c = plat.seed.get("certificates", {}).get(idn, {}).get(kind)
        if c is None:
            raise HttpError(404, "no_certificate", "the platform holds no such certificate for this person")
        issued = plat.now_local().isoformat()
        # the verification code ties the URL to this printout; a real platform signs it
        code = hashlib.sha256(f"{c['number']}|{issued}".encode()).hexdigest()[:16]
        cert = {"kind": kind, "title": kinds[kind]["title"], "number": c["number"],
                "holder_name": c["holder_name"], "id_number": idn, "issued_at": issued,
                "issuer": kinds[kind]["issuer"], "fields": c["fields"]}
        return 200, {"certificate": cert,
                     "verify_url": f"{plat.seed.get('verify_base', 'https://verify.example.com/')}"
                                   f"{urllib.parse.quote(c['number'])}?code={code}"}, None

    # --- /_admin
    def h_a_stats(self, plat, q, raw):
        def n(sql):
            return plat.store.one(sql)[0]
        ok = "outcome IN ('accepted','duplicate')"
        with plat.mu:
            out = {"requests": plat.requests, "by_status": dict(plat.by_status),
                   "in_progress": len(plat.in_progress)}
        out.update({
            "records_total": n(f"SELECT count(*) FROM deliveries WHERE {ok}"),
            "records_unique": n("SELECT count(*) FROM records"),
            "duplicates": n("SELECT count(*) FROM deliveries WHERE outcome='duplicate'"),
            "rejected": n("SELECT count(*) FROM deliveries WHERE outcome='rejected'"),
            "retry": n("SELECT count(*) FROM deliveries WHERE outcome='retry'"),
            "probes": n(f"SELECT count(*) FROM deliveries WHERE kind='probe' AND {ok}"),
            "probes_unique": n("SELECT count(*) FROM records WHERE kind='probe'"),
            "max_deliveries_per_key": n("SELECT coalesce(max(deliveries), 0) FROM records"),
            "conflicts": n("SELECT count(*) FROM deliveries WHERE outcome='duplicate' AND same_content=0"),
            "rekeyed": n("SELECT count(*) FROM (SELECT digest FROM records GROUP BY digest"
                         " HAVING count(*) > 1)"),
            "tickets": n("SELECT count(*) FROM tickets"),
            "appointments": n("SELECT count(*) FROM appointments"),
        })
        return 200, out, None

    def h_a_keys(self, plat, q, raw):
        key = q.get("key")
        if key is None:
            limit = int(q.get("limit", "1000")) if q.get("limit", "1000").isdigit() else 1000
            rows = plat.store.all("SELECT key, kind, service_code, device_id, seq, deliveries"
                                  " FROM records ORDER BY deliveries DESC, first_at LIMIT ?", (limit,))
            return 200, {"keys": [dict(r) for r in rows]}, None
        key = key.lower()
        row = plat.store.one("SELECT * FROM records WHERE key=?", (key,))
        log = plat.store.all("SELECT at, device_id, outcome, same_content FROM deliveries"
                             " WHERE key=? ORDER BY id", (key,))
        out = {"key": key, "stored": row is not None, "deliveries": row["deliveries"] if row else 0,
               "log": [{"at": r["at"], "device_id": r["device_id"], "outcome": r["outcome"],
                        "same_content": None if r["same_content"] is None else bool(r["same_content"])}
                       for r in log]}
        if row:
            out.update({k: row[k] for k in ("kind", "service_code", "device_id", "seq",
                                            "created_at", "first_at", "receipt_no")})
            out["clock_synced"] = bool(row["clock_synced"])
            out["payload"] = json.loads(row["payload"]) if row["payload"] else None
        return 200, out, None

    def h_a_rate(self, plat, q, raw):
        try:
            bucket = int(q.get("bucket_ms", "100"))
        except ValueError:
            raise bad("bucket_ms must be an integer") from None
        if not 1 <= bucket <= 3_600_000:
            raise bad("bucket_ms must be 1..3600000")
        prefix = q.get("path", "")
        with plat.mu:
            times = [t for t, p in plat.arrivals if p.startswith(prefix)]
        out = {"bucket_ms": bucket, "path": prefix or None, "total": len(times)}
        if not times:
            return 200, dict(out, buckets=[], peak=0, median=0, mean=0), None
        first = times[0]
        nb = int((times[-1] - first) * 1000 // bucket) + 1
        if nb > 100_000:
            raise bad("too many buckets; use a larger bucket_ms")
        counts = [0] * nb
        for t in times:
            counts[int((t - first) * 1000 // bucket)] += 1
        per_s = 1000 / bucket
        out.update({"first_at": utc_stamp(dt.datetime.fromtimestamp(plat.t0_wall + first - plat.t0, UTC)),
                    "buckets": counts, "peak": max(counts), "median": statistics.median(counts),
                    "mean": round(len(times) / nb, 3), "peak_per_s": max(counts) * per_s,
                    "median_per_s": statistics.median(counts) * per_s})
        return 200, out, None

    def h_a_reset(self, plat, q, raw):
        plat.wait_quiet()
        plat.store.clear()
        plat.reset_memory()
        plat.faults.configure({})
        plat.down_until = 0.0
        return 200, {"reset": True}, None

    def h_a_faults(self, plat, q, raw):
        if self.command == "POST":
            plat.faults.configure(self.json_body(raw, strict=False))
        return 200, plat.faults.describe(), None

    def h_a_down(self, plat, q, raw):
        if self.command == "POST":
            body = self.json_body(raw, strict=False)
            if not isinstance(body, dict):
                raise bad("body must be a JSON object")
            if "seconds" in body:
                s = body["seconds"]
                if isinstance(s, bool) or not isinstance(s, (int, float)) or s < 0:
                    raise bad("seconds must be a number >= 0")
                plat.down_until = time.monotonic() + s
            elif isinstance(body.get("down"), bool):
                plat.down_until = math.inf if body["down"] else 0.0
            else:
                raise bad('give {"seconds": N} or {"down": true|false}')
        left = plat.down_until - time.monotonic()
        return 200, {"down": left > 0,
                     "remaining": None if left <= 0 or math.isinf(left) else round(left, 3)}, None


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True        # a stuck client never keeps the process alive
    block_on_close = False
    request_queue_size = 1024    # a fleet of 200+ kiosks reconnecting at once after an outage
    allow_reuse_address = True

    def __init__(self, addr, plat, tls):
        self.plat, self.tls = plat, tls
        if ":" in addr[0]:
            self.address_family = socket.AF_INET6
        super().__init__(addr, Handler)

    def server_bind(self):
        # HTTPServer.server_bind does a reverse DNS lookup (getfqdn), which can stall
        # for seconds on a machine without DNS; the name is never used
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address):
        # mostly failed TLS handshakes (no or expired client certificate): one line, no trace
        e = sys.exc_info()[1]
        self.plat.log(f"{client_address[0]} connection failed: {type(e).__name__}: {e}")


def tls_context(cert, key, client_ca):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert, key)
    if client_ca:
        ctx.verify_mode = ssl.CERT_REQUIRED   # mutual TLS: no certificate from our CA, no talk
        ctx.load_verify_locations(client_ca)
    return ctx


def parse_args(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description="Reference platform for the kiosk (see README.md, 'The platform API').")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8443, help="0: any free port (see --port-file)")
    p.add_argument("--port-file", help="write the port here once listening (atomically)")
    p.add_argument("--db", help="SQLite file (default: in a temporary directory, removed at exit)")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--client-ca", help="require client certificates signed by this CA")
    p.add_argument("--token-file", help="require Authorization: Bearer <token in this file>")
    p.add_argument("--seed-data", default=os.path.join(here, "seed.json"))
    p.add_argument("--fault-rate", type=float, default=0.0)
    p.add_argument("--fault-kinds", default=",".join(DEFAULT_KINDS))
    p.add_argument("--seed", type=int, help="random seed for the fault sequence")
    p.add_argument("--retry-after", type=float, default=1)
    p.add_argument("--slow-seconds", type=float, default=5)
    p.add_argument("--fault-online", action="store_true", help="faults on the online endpoints too")
    p.add_argument("--quiet", action="store_true", help="no log lines")
    a = p.parse_args(argv)
    if bool(a.tls_cert) != bool(a.tls_key):
        p.error("--tls-cert and --tls-key go together")
    if a.client_ca and not a.tls_cert:
        p.error("--client-ca needs --tls-cert and --tls-key")
    return a


class Stop(BaseException):
    """Raised by the signal handler. Not an Exception: socketserver catches those
    (and would swallow a signal that lands while a connection is being handed on)."""


def main(argv=None):
    a = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        with open(a.seed_data, encoding="utf-8") as f:
            seed = json.load(f)
        token = None
        if a.token_file:
            with open(a.token_file, encoding="utf-8") as f:
                token = f.read().strip()
            if not token:
                raise ValueError(f"{a.token_file} is empty")
        tls = tls_context(a.tls_cert, a.tls_key, a.client_ca) if a.tls_cert else None
    except (OSError, ValueError, ssl.SSLError) as e:
        print(f"refplat: {e}", file=sys.stderr)
        return 2
    tmpdir = None
    if not a.db:
        tmpdir = tempfile.mkdtemp(prefix="refplat-")
        a.db = os.path.join(tmpdir, "refplat.db")
    store = Store(a.db)
    plat = Platform(store, seed, token, a.quiet)
    try:
        plat.faults.configure({"rate": a.fault_rate, "seed": a.seed, "online": a.fault_online,
                               "kinds": [k for k in a.fault_kinds.split(",") if k],
                               "retry_after": a.retry_after, "slow_seconds": a.slow_seconds})
        srv = Server((a.host, a.port), plat, tls)
    except (HttpError, OSError) as e:
        print(f"refplat: {e.body['message'] if isinstance(e, HttpError) else e}", file=sys.stderr)
        return 2
    port = srv.server_address[1]
    if a.port_file:
        # written only now that the socket listens, and atomically: a reader never
        # sees a half-written port, and a port it sees already accepts connections
        tmp = f"{a.port_file}.{os.getpid()}.tmp"
        with open(tmp, "w") as f:
            f.write(f"{port}\n")
        os.replace(tmp, a.port_file)

    def stop(signum, frame):
        raise Stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    plat.log(f"refplat listening on {'https' if tls else 'http'}://{a.host}:{port}"
             f"{' (mutual TLS)' if a.client_ca else ''}{' (token)' if token else ''} db={a.db}")
    try:
        srv.serve_forever(poll_interval=0.2)
    except Stop:
        pass
    finally:
        srv.server_close()
        store.close()
        if tmpdir:
            shutil.rmtree(tmpdir, ignore_errors=True)
    plat.log("refplat stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
