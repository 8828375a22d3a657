#!/usr/bin/env python3
"""refplat -- the reference platform the kiosk uploads to.

A real HTTP(S) server, Python 3.11 standard library only, that
  * takes the kiosk's outbox uploads (POST /v1/records) and deduplicates them by key,
  * answers the online services (queue tickets, appointment slots and bookings,
    progress of applications, certificates) from platform/seed.json,
  * serves the public rating page a receipt's QR code opens (GET/POST /rate): it
    checks the kiosk's Ed25519 signature on the link (verified here in pure
    Python, RFC 8032) and takes one rating per transaction,
  * lets tests inject faults, register kiosks' keys and read what arrived
    (/_admin/..., loopback only).

README.md ("The platform API") is the contract; this file is one implementation of it. A
production platform may look nothing like this inside, but must answer the same.

    refplat.py [--host 127.0.0.1] [--port 8443|0] [--port-file F] [--db PATH]
               [--tls-cert F --tls-key F [--client-ca F]] [--token-file F]
               [--seed-data platform/seed.json] [--fault-rate R] [--fault-kinds K,K]
               [--seed N] [--retry-after S] [--slow-seconds S] [--fault-online]
               [--device-keys F] [--rating-max-age-days N] [--quiet]
"""

import argparse
import base64
import binascii
import contextlib
import datetime as dt
import email.utils
import hashlib
import hmac
import html
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


# ---------------------------------------------------------------------------
# Ed25519 signature verification, RFC 8032 section 5.1 (pure Python: the
# platform must not need a crypto package to check a kiosk's rating link).
# Points are in extended coordinates (X, Y, Z, T) with x = X/Z, y = Y/Z,
# x*y = T/Z on the curve -x^2 + y^2 = 1 + d x^2 y^2 over GF(2^255 - 19).

ED_P = 2 ** 255 - 19
ED_L = 2 ** 252 + 27742317777372353535851937790883648493   # order of the base point
ED_D = -121665 * pow(121666, ED_P - 2, ED_P) % ED_P
ED_SQRT_M1 = pow(2, (ED_P - 1) // 4, ED_P)                 # a square root of -1
ED_ZERO = (0, 1, 1, 0)                                      # the neutral element


def ed_add(a, b):
    """a + b (the unified formula: also doubles)."""
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    p = ED_P
    aa = (y1 - x1) * (y2 - x2) % p
    bb = (y1 + x1) * (y2 + x2) % p
    cc = 2 * t1 * t2 * ED_D % p
    dd = 2 * z1 * z2 % p
    e, f, g, h = bb - aa, dd - cc, dd + cc, bb + aa
    return (e * f % p, g * h % p, f * g % p, e * h % p)


def ed_mul(k, pt):
    """[k]pt, double and add from the top bit."""
    q = ED_ZERO
    for i in reversed(range(k.bit_length())):
        q = ed_add(q, q)
        if (k >> i) & 1:
            q = ed_add(q, pt)
    return q


def ed_equal(a, b):
    """Same point, whatever the Z of each."""
    return ((a[0] * b[2] - b[0] * a[2]) % ED_P == 0
            and (a[1] * b[2] - b[1] * a[2]) % ED_P == 0)


def ed_decode(s):
    """32 bytes -> a point, or None when they encode none (RFC 8032 5.1.3):
    y below p, x recovered from the curve equation, its sign from the top bit."""
    if len(s) != 32:
        return None
    y = int.from_bytes(s, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    if y >= ED_P:
        return None
    u = (y * y - 1) % ED_P
    v = (ED_D * y * y + 1) % ED_P
    x = u * pow(v, 3, ED_P) * pow(u * pow(v, 7, ED_P), (ED_P - 5) // 8, ED_P) % ED_P
    vxx = v * x * x % ED_P
    if vxx == (-u) % ED_P:
        x = x * ED_SQRT_M1 % ED_P
    elif vxx != u:
        return None
    if x == 0 and sign:
        return None
    if x & 1 != sign:
        x = ED_P - x
    return (x, y, 1, x * y % ED_P)


ED_B = ed_decode((4 * pow(5, ED_P - 2, ED_P) % ED_P).to_bytes(32, "little"))  # y = 4/5, x even


def ed_small_order(pt):
    return ed_equal(ed_mul(8, pt), ED_ZERO)


def ed25519_verify(pub, msg, sig):
    """True when sig (64 bytes) is pub's (32 bytes) signature of msg: [S]B == R + [k]A
    with k = SHA-512(R || A || msg) mod L. Like libsodium it refuses S >= L, encodings
    of no point, and a key or R of small order."""
    if len(pub) != 32 or len(sig) != 64:
        return False
    a, r = ed_decode(pub), ed_decode(sig[:32])
    if a is None or r is None or ed_small_order(a) or ed_small_order(r):
        return False
    s = int.from_bytes(sig[32:], "little")
    if s >= ED_L:
        return False
    k = int.from_bytes(hashlib.sha512(sig[:32] + pub + msg).digest(), "little") % ED_L
    return ed_equal(ed_mul(s, ED_B), ed_add(r, ed_mul(k, a)))


def decode_pubkey(text):
    """A device's public key as kioskctl device pubkey prints it (base64, base64url or
    hex) -> 32 bytes that encode a point, else None."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    raw = None
    if re.fullmatch(r"[0-9a-fA-F]{64}", text):
        raw = bytes.fromhex(text)
    elif re.fullmatch(r"[A-Za-z0-9+/_-]{43}=?", text):
        try:
            raw = base64.b64decode(text.rstrip("=").replace("-", "+").replace("_", "/") + "=",
                                   validate=True)
        except (binascii.Error, ValueError):
            raw = None
    if raw is None or len(raw) != 32 or ed_decode(raw) is None:
        return None
    return raw


# The rating link (kiosk/rating/rating_sign.h): the default template's parameter
# names, the value forms, and the signed message rebuilt from the parameters.
RATING_MESSAGE_PREFIX = "kiosk-rating-v1"
RATING_PARAMS = (("txn", "txn", "the transaction number"), ("item", "item", "the service item code"),
                 ("time", "t", "the time"), ("device", "dev", "the device id"),
                 ("sig", "sig", "the signature"))
RATING_FORMS = {
    "txn": (re.compile(r"[A-Za-z0-9._-]{1,50}"), "1 to 50 letters, digits, '-', '_' or '.'"),
    "item": (re.compile(r"[A-Za-z0-9._-]{1,64}"), "1 to 64 letters, digits, '-', '_' or '.'"),
    "device": (re.compile(r"[A-Za-z0-9._:-]{1,64}"), "1 to 64 letters, digits, '-', '_', '.' or ':'"),
    "time": (re.compile(r"\d{8}T\d{6}"), "YYYYMMDDThhmmss, a real date and time, e.g. 20261202T091500"),
    "sig": (re.compile(r"[A-Za-z0-9_-]{86}"), "86 characters of base64url (64 bytes)"),
}
RATING_LEVELS = (("very_satisfied", "非常满意", "Very satisfied"), ("satisfied", "满意", "Satisfied"),
                 ("basic", "基本满意", "Fairly satisfied"), ("dissatisfied", "不满意", "Dissatisfied"),
                 ("very_dissatisfied", "非常不满意", "Very dissatisfied"))
POOR_LEVELS = {"dissatisfied", "very_dissatisfied"}
# the kiosk's built-in reasons (kiosk.conf [rating] reasons); a platform would have its own list
RATING_REASONS = (("attitude", "服务态度", "Staff attitude"), ("efficiency", "办事效率", "Efficiency"),
                  ("materials", "材料要求不清", "Unclear material requirements"),
                  ("system", "系统故障", "System fault"), ("waiting", "等候时间长", "Long wait"),
                  ("other", "其他", "Other"))
REASON_RE = re.compile(r"[a-z0-9_]{1,24}")
FUTURE_SLACK = dt.timedelta(hours=1)   # kiosk clocks are not always synchronised


def rating_message(v):
    return (f"{RATING_MESSAGE_PREFIX}\ndevice={v['device']}\ntxn={v['txn']}\nitem={v['item']}"
            f"\ntime={v['time']}\n").encode()


class LinkProblem(Exception):
    """What is wrong with a rating link: HTTP status, kind, and the words for it."""

    def __init__(self, status, kind, message):
        super().__init__(message)
        self.status, self.kind, self.message = status, kind, message


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
-- kiosks' public keys for signed rating links (configuration: a reset keeps them)
CREATE TABLE IF NOT EXISTS devices (
  device_id TEXT PRIMARY KEY, pubkey TEXT NOT NULL, registered_at TEXT);
-- ratings made later through a receipt's link: one per transaction
CREATE TABLE IF NOT EXISTS ratings (
  txn TEXT PRIMARY KEY, device_id TEXT, service_code TEXT, link_time TEXT, level TEXT,
  reasons TEXT, rated_at TEXT);
-- the kiosk's own rating records, found by transaction (one rating per transaction)
CREATE INDEX IF NOT EXISTS records_rating_txn ON records(json_extract(payload, '$.transaction'))
  WHERE kind = 'rating';
"""
TABLES = ("records", "deliveries", "tickets", "appointments", "ratings")


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

    def __init__(self, store, seed, token, quiet, rating_max_age_days=30):
        self.store, self.seed, self.token, self.quiet = store, seed, token, quiet
        self.rating_max_age = dt.timedelta(days=rating_max_age_days)
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

    # --- devices and rating links
    def register_device(self, device_id, pubkey_text):
        """Stores a kiosk's public key; True when it replaced another key."""
        if not isinstance(device_id, str) or not RATING_FORMS["device"][0].fullmatch(device_id):
            raise bad("device_id must be " + RATING_FORMS["device"][1])
        raw = decode_pubkey(pubkey_text)
        if raw is None:
            raise bad("pubkey must be an Ed25519 public key, 32 bytes in base64 or hex, as "
                      "kioskctl device pubkey prints it")
        text = base64.b64encode(raw).decode()
        with self.store.tx() as db:
            old = db.execute("SELECT pubkey FROM devices WHERE device_id=?", (device_id,)).fetchone()
            db.execute("INSERT OR REPLACE INTO devices VALUES (?,?,?)", (device_id, text, utc_stamp()))
        return old is not None and old["pubkey"] != text

    def check_link(self, pairs):
        """The values of a rating link given as (name, value) pairs, or LinkProblem: the
        same checks in the same order as kioskctl rating verify, the device's key taken
        from the registered ones."""
        v = {}
        for field, name, what in RATING_PARAMS:
            got = [x for k, x in pairs if k == name]
            if not got:
                raise LinkProblem(400, "missing", f"parameter '{name}' ({what}) is missing: "
                                                  "the link may have been cut short")
            if len(got) > 1:
                raise LinkProblem(400, "duplicate", f"parameter '{name}' ({what}) appears "
                                                    f"{len(got)} times")
            v[field] = got[0]
        when = None
        for field, name, what in RATING_PARAMS:
            form, rule = RATING_FORMS[field]
            ok = form.fullmatch(v[field]) is not None
            if ok and field == "time":
                try:
                    when = dt.datetime.strptime(v["time"], "%Y%m%dT%H%M%S").replace(tzinfo=self.tz)
                except ValueError:
                    ok = False
            if ok and field == "sig":
                try:
                    sig = base64.urlsafe_b64decode(v["sig"] + "==")
                    ok = len(sig) == 64 and base64.urlsafe_b64encode(sig).decode().rstrip("=") == v["sig"]
                except (binascii.Error, ValueError):
                    ok = False
            if not ok:
                raise LinkProblem(400, "malformed", f"parameter '{name}' ({what}) must be {rule}")
        row = self.store.one("SELECT pubkey FROM devices WHERE device_id=?", (v["device"],))
        if row is None:
            raise LinkProblem(403, "device", f"device '{v['device']}' is not registered at this "
                                             "platform (POST /_admin/devices)")
        if not ed25519_verify(base64.b64decode(row["pubkey"]), rating_message(v), sig):
            raise LinkProblem(403, "signature", "the signature does not match: the transaction "
                              "number, item code, time or device id was changed, or another key "
                              "signed it")
        now = self.now_local()
        if when > now + FUTURE_SLACK:
            raise LinkProblem(403, "future", f"the link's time {v['time']} is ahead of the "
                                             "platform's clock")
        if now - when > self.rating_max_age:
            raise LinkProblem(403, "expired", f"the link is {(now - when).days} days old; a link "
                              f"takes ratings for {self.rating_max_age.days} days")
        v["when"] = when
        return v

    @staticmethod
    def rated(db, txn):
        """How the transaction was rated already ("link" or "kiosk"), or None."""
        if db.execute("SELECT 1 FROM ratings WHERE txn=?", (txn,)).fetchone():
            return "link"
        if db.execute("SELECT 1 FROM records WHERE kind='rating'"
                      " AND json_extract(payload, '$.transaction')=? LIMIT 1", (txn,)).fetchone():
            return "kiosk"
        return None

    def queue_for(self, code):
        q = self.seed.get("queue", {})
        return q.get(code[:10]) or q.get("default") or {
            "prefix": "Z", "start": 0, "waiting": 0, "window": {"zh": "综合窗口", "en": "Window"}}

    def title(self, code):
        return self.seed.get("services", {}).get(code) or {"zh": code, "en": code}


# ---------------------------------------------------------------------------
# HTTP

PAGE_STYLE = ("body{font-family:sans-serif;font-size:18px;line-height:1.5;margin:0;padding:16px;"
              "max-width:640px}h1{font-size:24px}fieldset{border:1px solid #888;margin:12px 0}"
              "label{display:block;padding:12px 4px;min-height:44px}"
              "label.level{font-size:20px}button{font-size:20px;padding:12px 24px;min-height:60px}"
              ".detail{color:#555;font-size:14px}")


def page(title, body):
    """A whole HTML page in Chinese with English beside it; title and body are ours
    (escaped where they carry a link's values)."""
    return (f'<!doctype html><html lang="zh"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{PAGE_STYLE}</style></head>"
            f"<body><main><h1>{html.escape(title)}</h1>{body}</main></body></html>\n")


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
    "/_admin/devices": {"GET": "a_devices", "POST": "a_devices"},
    "/_admin/ratings": {"GET": "a_ratings"},
    "/rate": {"GET": "rate_page", "POST": "rate_submit"},
}
# Public pages for residents' phones: no token, never faulted, not counted as /v1/ requests.
PUBLIC_PATHS = {"/rate"}


class Html:
    """A reply that is an HTML page rather than JSON."""

    def __init__(self, text):
        self.text = text


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

    def send_html(self, status, text, headers=None):
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        # the page is ours alone: no framing, no scripts from elsewhere
        self.send_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; "
                                                    "form-action 'self'; frame-ancestors 'none'")
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
        admin = path.startswith("/_admin/")
        public = path in PUBLIC_PATHS
        # neither is counted, faulted or taken down with the API
        self.is_admin = admin or public
        self.nrec = self.fault = None
        self.accounted = False
        outcome = None
        if not self.is_admin:
            plat.note_start()
        try:
            if not self.is_admin:
                plat.note_arrival(path)
                if plat.is_down():
                    # the outage: admin stays reachable so tests can end it
                    outcome = "down"
                    self.abort()
                    return
            outcome = self.serve(plat, path, admin, public)
        except Exception:   # a bug here must answer 500, not hang the client
            plat.log("internal error:\n" + traceback.format_exc())
            outcome = 500
            with contextlib.suppress(OSError):
                self.close_connection = True
                self.send_json(500, {"error": "internal_error", "message": "see the platform log"})
        finally:
            if self.is_admin:
                plat.log(f"{self.client_address[0]} {self.command} {path} {outcome}"
                         f" {(time.monotonic() - t0) * 1000:.1f}ms")
            elif not self.accounted:
                self.account(outcome)   # no reply: reset, lost, down

    def serve(self, plat, path, admin, public=False):
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
            elif plat.token is not None and not public:
                scheme, _, cred = self.headers.get("Authorization", "").partition(" ")
                if scheme.lower() != "bearer" or not hmac.compare_digest(
                        cred.strip().encode(), plat.token.encode()):
                    raise HttpError(401, "unauthorized", "missing or wrong bearer token",
                                    headers={"WWW-Authenticate": 'Bearer realm="refplat"'},
                                    close=unread)
            raw = self.read_body()
            if not admin and not public:
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
        if isinstance(obj, Html):
            self.send_html(status, obj.text, headers)
            return status
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

    # --- the public rating page (GET shows the form, POST takes the rating)
    def link_pairs(self, text):
        return urllib.parse.parse_qsl(text, keep_blank_values=True)

    def rate_problem(self, plat, e):
        """The page for a link that cannot be used: what to do, and the exact problem."""
        if e.kind in ("missing", "duplicate", "malformed"):
            zh = "评价链接不完整或已损坏，请重新扫描回执上的二维码。"
            en = "The rating link is incomplete or damaged: scan the QR code on the receipt again."
        elif e.kind == "expired":
            zh = f"评价链接已过期：办理后{plat.rating_max_age.days}天内可以补充评价。"
            en = f"The rating link has expired: a service can be rated within {plat.rating_max_age.days} days."
        elif e.kind == "future":
            zh = "评价链接的时间不正确，请到窗口或拨打服务热线评价。"
            en = "The rating link's time is wrong: please rate at a window or by the hotline."
        else:
            zh = "无法确认这个评价链接来自本中心的自助终端，不能用于评价。"
            en = "This rating link cannot be confirmed as coming from one of our kiosks."
        plat.log(f"{self.client_address[0]} rating link refused: {e.kind}")
        return e.status, Html(page("无法评价 · Cannot rate",
                                   f"<p>{html.escape(zh)}</p><p lang=\"en\">{html.escape(en)}</p>"
                                   f"<p class=\"detail\">{html.escape(e.kind)}: "
                                   f"{html.escape(e.message)}</p>")), None

    def already_rated(self, via):
        return 409, Html(page("已评价 · Already rated",
                              "<p>这笔业务已经评价过了，谢谢您的参与。每笔业务只能评价一次。</p>"
                              "<p lang=\"en\">This service has already been rated. Thank you: "
                              "each service can be rated once.</p>"
                              f"<p class=\"detail\">already_rated: by {html.escape(via)}</p>")), None

    def h_rate_page(self, plat, q, raw):
        pairs = self.link_pairs(urllib.parse.urlsplit(self.path).query)
        try:
            v = plat.check_link(pairs)
        except LinkProblem as e:
            return self.rate_problem(plat, e)
        with plat.store.lock:
            via = plat.rated(plat.store.db, v["txn"])
        if via:
            return self.already_rated(via)
        title = plat.title(v["item"])
        hidden = "".join(f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(v[field])}">'
                         for field, name, _ in RATING_PARAMS)
        # the five levels equal in size and order, best first, none chosen beforehand:
        # nobody may steer a rating (DB2203/T 8-2024 4.8)
        levels = "".join(f'<label class="level"><input type="radio" name="level" value="{n}" required>'
                         f' {zh} <span lang="en">{en}</span></label>' for n, zh, en in RATING_LEVELS)
        reasons = "".join(f'<label><input type="checkbox" name="reason" value="{n}"> {zh} '
                          f'<span lang="en">{en}</span></label>' for n, zh, en in RATING_REASONS)
        body = (f"<p>事项 <span lang=\"en\">Service</span>: {html.escape(title.get('zh', v['item']))}"
                f" <span lang=\"en\">{html.escape(title.get('en', ''))}</span>"
                f" ({html.escape(v['item'])})</p>"
                f"<p>办件编号 <span lang=\"en\">Transaction</span>: {html.escape(v['txn'])}</p>"
                f"<p>办理时间 <span lang=\"en\">Handled</span>: {v['when']:%Y-%m-%d %H:%M}</p>"
                f'<form method="post" action="/rate">{hidden}'
                f"<fieldset><legend>您对这次服务满意吗？ <span lang=\"en\">How satisfied are you "
                f"with this service?</span></legend>{levels}</fieldset>"
                f"<fieldset><legend>如不满意，原因是（可多选）<span lang=\"en\">If not satisfied, "
                f"why (any)</span></legend>{reasons}</fieldset>"
                f'<button type="submit">提交评价 <span lang="en">Submit</span></button></form>')
        return 200, Html(page("服务评价 · Rate this service", body)), None

    def h_rate_submit(self, plat, q, raw):
        ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if ctype != "application/x-www-form-urlencoded":
            return 415, Html(page("无法评价 · Cannot rate",
                                  "<p class=\"detail\">unsupported_media_type: the form is sent as "
                                  "application/x-www-form-urlencoded</p>")), None
        try:
            pairs = self.link_pairs(raw.decode("utf-8"))
        except UnicodeDecodeError:
            pairs = []
        try:
            v = plat.check_link(pairs)
        except LinkProblem as e:
            return self.rate_problem(plat, e)
        levels = [x for k, x in pairs if k == "level"]
        if len(levels) != 1 or levels[0] not in {n for n, _, _ in RATING_LEVELS}:
            return 400, Html(page("请选择 · Choose a level",
                                  "<p>请在五个满意度中选择一个。</p><p lang=\"en\">Choose one of the "
                                  "five levels.</p><p class=\"detail\">bad_level: level must be one of "
                                  + ", ".join(n for n, _, _ in RATING_LEVELS) + "</p>")), None
        level = levels[0]
        reasons = [x for k, x in pairs if k == "reason"]
        if len(reasons) > 12 or len(set(reasons)) != len(reasons) or not all(
                REASON_RE.fullmatch(r) for r in reasons):
            return 400, Html(page("无法评价 · Cannot rate", "<p class=\"detail\">bad_reasons: "
                                  "at most 12 different reason ids of a-z, 0-9 and _</p>")), None
        if level not in POOR_LEVELS:
            reasons = []   # reasons explain a poor rating only
        try:
            with plat.store.tx() as db:
                via = plat.rated(db, v["txn"])
                if via:
                    raise LinkProblem(409, "already_rated", via)
                db.execute("INSERT INTO ratings VALUES (?,?,?,?,?,?,?)",
                           (v["txn"], v["device"], v["item"], v["time"], level,
                            json.dumps(reasons), utc_stamp()))
        except LinkProblem as e:
            return self.already_rated(e.message)
        except sqlite3.IntegrityError:   # the same form sent twice at once
            return self.already_rated("link")
        plat.log(f"{self.client_address[0]} rating stored")
        return 200, Html(page("谢谢 · Thank you",
                              "<p>感谢您的评价，我们会认真改进。</p>"
                              "<p lang=\"en\">Thank you for your rating.</p>")), None

    # --- /_admin
    def h_a_devices(self, plat, q, raw):
        if self.command == "POST":
            body = self.json_body(raw, strict=False)
            if not isinstance(body, dict):
                raise bad("body must be a JSON object")
            replaced = plat.register_device(body.get("device_id"), body.get("pubkey"))
            row = plat.store.one("SELECT * FROM devices WHERE device_id=?", (body["device_id"],))
            return 200, {"device_id": row["device_id"], "pubkey": row["pubkey"],
                         "registered_at": row["registered_at"], "replaced": replaced}, None
        rows = plat.store.all("SELECT * FROM devices ORDER BY device_id")
        return 200, {"devices": [dict(r) for r in rows]}, None

    def h_a_ratings(self, plat, q, raw):
        out = [{"via": "link", "transaction": r["txn"], "device_id": r["device_id"],
                "service_code": r["service_code"], "link_time": r["link_time"], "level": r["level"],
                "reasons": json.loads(r["reasons"] or "[]"), "rated_at": r["rated_at"]}
               for r in plat.store.all("SELECT * FROM ratings ORDER BY rated_at, txn")]
        for r in plat.store.all("SELECT key, device_id, service_code, created_at, payload FROM records"
                                " WHERE kind='rating' ORDER BY first_at, key"):
            p = json.loads(r["payload"] or "{}")
            # what a rating says, never who gave it: no personal fields, no phone
            out.append({"via": "kiosk", "key": r["key"], "transaction": p.get("transaction"),
                        "device_id": r["device_id"], "service_code": r["service_code"],
                        "level": p.get("level"), "code": p.get("code"), "scheme": p.get("scheme"),
                        "reasons": p.get("reasons") if isinstance(p.get("reasons"), list) else [],
                        "created_at": r["created_at"]})
        return 200, {"ratings": out}, None

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
            "ratings": n("SELECT count(*) FROM ratings"),
            "devices": n("SELECT count(*) FROM devices"),
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
    p.add_argument("--device-keys", help="kiosks' rating keys: lines 'DEVICE_ID PUBKEY' (base64 or hex)")
    p.add_argument("--rating-max-age-days", type=int, default=30,
                   help="how long a receipt's rating link takes a rating (default 30)")
    p.add_argument("--quiet", action="store_true", help="no log lines")
    a = p.parse_args(argv)
    if bool(a.tls_cert) != bool(a.tls_key):
        p.error("--tls-cert and --tls-key go together")
    if a.client_ca and not a.tls_cert:
        p.error("--client-ca needs --tls-cert and --tls-key")
    if not 1 <= a.rating_max_age_days <= 365:
        p.error("--rating-max-age-days must be 1..365")
    return a


def read_device_keys(path):
    """[(line, device_id, pubkey text)] from a --device-keys file; ValueError names the line."""
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split()
            if len(parts) != 2:
                raise ValueError(f"{path}:{n}: expected 'DEVICE_ID PUBKEY'")
            out.append((n, parts[0], parts[1]))
    return out


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
        device_keys = read_device_keys(a.device_keys) if a.device_keys else []
    except (OSError, ValueError, ssl.SSLError) as e:
        print(f"refplat: {e}", file=sys.stderr)
        return 2
    tmpdir = None
    if not a.db:
        tmpdir = tempfile.mkdtemp(prefix="refplat-")
        a.db = os.path.join(tmpdir, "refplat.db")
    store = Store(a.db)
    plat = Platform(store, seed, token, a.quiet, a.rating_max_age_days)
    try:
        for n, device_id, pubkey in device_keys:
            try:
                plat.register_device(device_id, pubkey)
            except HttpError as e:
                raise HttpError(400, "bad_request", f"{a.device_keys}:{n}: {e.body['message']}") from None
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
