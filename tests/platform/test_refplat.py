#!/usr/bin/env python3
"""Self-test of the reference platform (platform/refplat.py), standard library only.

Starts refplat.py on free loopback ports -- plain HTTP with a bearer token, and
HTTPS with mutual TLS on certificates from platform/make_certs.sh -- then
exercises every endpoint and every fault kind. Prints one line per check group;
exits 0 when all pass, 1 otherwise. Needs python3 and openssl; takes ~10 s.
"""

import base64
import concurrent.futures
import ctypes
import ctypes.util
import datetime as dt
import email.utils
import hashlib
import http.client
import json
import random
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REFPLAT = ROOT / "platform" / "refplat.py"
MAKE_CERTS = ROOT / "platform" / "make_certs.sh"
TOKEN = "test-token-5f2c9a"
RESIDENT = "330106199003070014"   # demo card 张三 (fictional)
EXPIRED = "330106198506120023"    # demo card 李四: no certificate in the seed
SVC = "330106-001-00-005"


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def key():
    return str(uuid.uuid4())


def record(kind="application", service_code=SVC, payload=None, **over):
    r = {"key": key(), "seq": 1, "kind": kind, "service_code": service_code,
         "created_at": "2026-12-02T09:15:00+08:00", "clock_synced": True,
         "payload": {"answers": {"x": "1"}} if payload is None else payload}
    r.update(over)
    return r


def batch(*recs, device="kiosk-test-01"):
    return {"device_id": device, "sent_at": "2026-12-02T01:15:00Z", "records": list(recs)}


class Resp:
    def __init__(self, r, data):
        self.status, self.headers, self.data = r.status, r.headers, data

    def json(self):
        return json.loads(self.data)

    def __repr__(self):
        return f"<{self.status} {self.data[:200]!r}>"


class Plat:
    """One refplat.py process on a free port."""

    def __init__(self, tmp, name, *args, tls=None, token=None):
        self.tmp, self.tls, self.token = tmp, tls, token
        self.port_file = tmp / f"{name}.port"
        self.log_path = tmp / f"{name}.log"
        self.log = open(self.log_path, "w")
        argv = [sys.executable, str(REFPLAT), "--port", "0", "--port-file", str(self.port_file),
                "--db", str(tmp / f"{name}.db")]
        if token:
            (tmp / "token").write_text(token + "\n")
            argv += ["--token-file", str(tmp / "token")]
        self.proc = subprocess.Popen(argv + list(args), stderr=self.log, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            if self.proc.poll() is not None:
                raise Fail(f"{name}: refplat exited with {self.proc.returncode}: "
                           + self.log_path.read_text())
            if self.port_file.exists():
                self.port = int(self.port_file.read_text())
                break
            if time.monotonic() > deadline:
                raise Fail(f"{name}: no port file after 10 s")
            time.sleep(0.02)

    def conn(self, timeout=5, ctx=None, host="127.0.0.1"):
        if self.tls or ctx:
            return http.client.HTTPSConnection(host, self.port, timeout=timeout, context=ctx or self.tls)
        return http.client.HTTPConnection(host, self.port, timeout=timeout)

    def req(self, method, path, body=None, headers=None, token=True, timeout=5, ctx=None,
            ctype="application/json", host="127.0.0.1"):
        h = {}
        if isinstance(body, (dict, list)):
            body = json.dumps(body, ensure_ascii=False).encode()
        if body is not None and ctype:
            h["Content-Type"] = ctype
        if token and self.token:
            h["Authorization"] = f"Bearer {self.token if token is True else token}"
        h.update(headers or {})
        c = self.conn(timeout, ctx, host)
        try:
            c.request(method, path, body=body, headers=h)
            r = c.getresponse()
            return Resp(r, r.read())
        finally:
            c.close()

    def post(self, path, body, **kw):
        return self.req("POST", path, body, **kw)

    def get(self, path, **kw):
        return self.req("GET", path, **kw)

    def admin(self, path, body=None):
        r = self.req("POST" if body is not None else "GET", path, body)
        check(r.status == 200, f"admin {path} -> {r}")
        return r.json()

    def stats(self):
        return self.admin("/_admin/stats")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise Fail("refplat did not exit within 5 s of SIGTERM")
        self.log.close()
        return rc


def conn_fails(fn):
    """The call must die at the connection level (reset, close, TLS alert) -- at once:
    a timeout means the server hung instead."""
    try:
        r = fn()
    except TimeoutError:
        raise Fail("the connection hung (client timeout) instead of breaking") from None
    except (OSError, http.client.HTTPException):
        return True
    raise Fail(f"expected a broken connection, got {r}")


def statuses(resp):
    return [x["status"] for x in resp.json()["results"]]


# ---------------------------------------------------------------------------
# plain HTTP with a token

def t_auth_and_date(p):
    r = p.get("/v1/health", token=False)
    check(r.status == 401, f"no token: {r}")
    check(r.json()["error"] == "unauthorized" and "Bearer" in r.headers.get("WWW-Authenticate", ""),
          f"401 body/header: {r} {r.headers}")
    check(p.get("/v1/health", token="wrong").status == 401, "wrong token accepted")
    r = p.get("/v1/health")
    check(r.status == 200 and r.json()["status"] == "ok", f"health: {r}")
    for resp in (r, p.get("/nope"), p.post("/v1/records", b"{", token=False)):
        d = resp.headers.get("Date")
        check(d is not None, f"no Date header on {resp}")
        skew = abs((email.utils.parsedate_to_datetime(d) - dt.datetime.now(dt.timezone.utc)).total_seconds())
        check(skew < 60, f"Date {d} is {skew} s off")


def t_errors(p):
    r = p.get("/v2/whatever")
    check(r.status == 404 and r.json()["error"] == "not_found", f"404: {r}")
    r = p.get("/v1/records")
    check(r.status == 405 and "POST" in r.headers.get("Allow", ""), f"405: {r}")
    check(p.post("/v1/health", {}).status == 405, "POST health not 405")
    check(p.req("PUT", "/v1/records", b"{}").status == 405, "PUT not 405")
    r = p.post("/v1/records", b"{not json")
    check(r.status == 400 and r.json()["error"] == "malformed_json", f"malformed: {r}")
    r = p.post("/v1/records", b"[]")
    check(r.status == 400 and r.json()["error"] == "bad_request", f"array body: {r}")
    for body, what in ((batch(record()) | {"records": {}}, "records not a list"),
                       ({"sent_at": "2026-12-02T01:15:00Z", "records": []}, "no device_id"),
                       (batch(record()) | {"sent_at": "yesterday"}, "bad sent_at"),
                       (batch(record(key="not-a-uuid")), "bad key"),
                       (batch("just a string"), "record not an object")):
        r = p.post("/v1/records", body)
        check(r.status == 400 and "error" in r.json(), f"{what}: {r}")
    r = p.post("/v1/records", batch(record()), ctype="text/plain")
    check(r.status == 415, f"text/plain: {r}")
    for path in ("/v1/queue/tickets", "/v1/appointments", "/v1/progress", "/v1/certificates"):
        check(p.post(path, b"{oops").status == 400, f"{path} malformed")
        check(p.post(path, {"no": "device"}).status == 400, f"{path} without device_id")
        check(p.get(path).status == 405, f"GET {path}")
    check(p.post("/v1/appointments/slots", {}).status == 405, "POST slots")
    check(p.get("/v1/appointments/slots?service_code=" + SVC).status == 400, "slots without date")
    check(p.get(f"/v1/appointments/slots?service_code={SVC}&date=2026-02-30").status == 400, "Feb 30")
    # a chunked upload is read like any other
    c = p.conn()
    c.request("POST", "/v1/records", body=iter([json.dumps(batch(record())).encode()]),
              headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"},
              encode_chunked=True)
    r = c.getresponse()
    check(r.status == 200 and json.loads(r.read())["results"][0]["status"] == "accepted", "chunked")
    c.close()
    # keep-alive survives an error answer
    c = p.conn()
    for path in ("/nope", "/v1/health"):
        c.request("GET", path, headers={"Authorization": f"Bearer {TOKEN}"})
        r = c.getresponse()
        r.read()
    check(r.status == 200, "second request on a kept-alive connection")
    c.close()


def quiesce(p, settle=0.3, limit=10.0):
    """Waits until no request of an earlier group is still being counted
    (a slow or stalled fault finishes in its own thread, after the group
    that caused it), so a reset starts the counters from a quiet platform."""
    end = time.monotonic() + limit
    last = p.stats()["requests"]
    while time.monotonic() < end:
        time.sleep(settle)
        now = p.stats()["requests"]
        if now == last:
            return
        last = now


def t_records(p):
    quiesce(p)
    p.admin("/_admin/reset", {})
    good = record(payload={"receipt_no": "KR-0001", "answers": {}})
    unknown = record(kind="teleport")
    nosvc = record(service_code="")
    notobj = record(payload=[1, 2])
    probe = record(kind="probe", service_code="", payload={"probe": "1-0"})
    r = p.post("/v1/records", batch(good, unknown, nosvc, notobj, probe))
    check(r.status == 200, f"batch: {r}")
    res = r.json()["results"]
    check([x["key"] for x in res] == [x["key"] for x in (good, unknown, nosvc, notobj, probe)],
          "results not in request order")
    check(statuses(r) == ["accepted", "rejected", "rejected", "rejected", "accepted"], f"statuses {r}")
    check(all(x.get("reason") for x in res if x["status"] == "rejected"), "rejected without reason")
    check("service_code" in res[2]["reason"] and "kind" in res[1]["reason"]
          and "object" in res[3]["reason"], f"reasons: {res}")
    r = p.post("/v1/records", batch(good, unknown, probe))
    check(statuses(r) == ["duplicate", "rejected", "duplicate"], f"redelivery: {r}")
    changed = dict(good, payload={"receipt_no": "KR-0001", "answers": {"other": "x"}})
    r = p.post("/v1/records", batch(changed))
    check(statuses(r) == ["duplicate"] and r.json()["results"][0].get("reason"), f"changed: {r}")
    s = p.stats()
    want = {"records_total": 5, "records_unique": 2, "duplicates": 3, "rejected": 4, "probes": 2,
            "probes_unique": 1, "max_deliveries_per_key": 3, "conflicts": 1}
    got = {k: s[k] for k in want}
    check(got == want, f"stats {got} != {want}")
    check(s["requests"] == 3 and s["by_status"] == {"200": 3}, f"request counts {s}")
    k = p.admin(f"/_admin/keys?key={good['key']}")
    check(k["stored"] and k["deliveries"] == 3 and k["payload"]["receipt_no"] == "KR-0001"
          and [x["outcome"] for x in k["log"]] == ["accepted", "duplicate", "duplicate"]
          and k["log"][2]["same_content"] is False, f"keys: {k}")
    k = p.admin(f"/_admin/keys?key={probe['key']}")
    check(k["stored"] and k["payload"] is None, f"a probe's payload was kept: {k}")
    k = p.admin(f"/_admin/keys?key={unknown['key']}")
    check(not k["stored"] and [x["outcome"] for x in k["log"]] == ["rejected", "rejected"], f"{k}")
    lst = p.admin("/_admin/keys")["keys"]
    check(lst[0]["key"] == good["key"] and len(lst) == 2, f"key list {lst}")
    # the same transaction under a second key shows up as "rekeyed"
    p.post("/v1/records", batch(dict(probe, key=key())))
    check(p.stats()["rekeyed"] == 1, "rekeyed not counted")
    check(p.post("/v1/records", batch()).json() == {"results": []}, "empty batch")


def t_poison(p):
    p.admin("/_admin/reset", {})
    bad = record(payload={"poison": True})
    r = p.post("/v1/records", batch(record(), bad))
    check(r.status == 400 and r.json()["error"] == "poison_record" and r.json()["key"] == bad["key"],
          f"poison: {r}")
    check(p.stats()["records_unique"] == 0, "a poisoned batch stored something")


def t_in_progress(p):
    p.admin("/_admin/reset", {})
    p.admin("/_admin/faults", {"next": ["stall"], "slow_seconds": 1.0})
    a, b = record(), record()
    out = {}
    th = threading.Thread(target=lambda: out.setdefault("a", p.post("/v1/records", batch(a))))
    th.start()
    deadline = time.monotonic() + 3
    while p.stats()["in_progress"] == 0:
        check(time.monotonic() < deadline, "the stalled request never held its key")
        time.sleep(0.02)
    r = p.post("/v1/records", batch(b, a))
    check(r.status == 409 and r.json()["error"] == "in_progress" and r.json()["keys"] == [a["key"]],
          f"concurrent key: {r}")
    th.join()
    check(statuses(out["a"]) == ["accepted"], f"stalled request: {out['a']}")
    r = p.post("/v1/records", batch(b, a))
    check(statuses(r) == ["accepted", "duplicate"], f"after the stall: {r}")
    check(p.stats()["in_progress"] == 0, "keys left in progress")


def t_scripted_faults(p):
    p.admin("/_admin/reset", {})

    def unique():
        return p.stats()["records_unique"]

    p.admin("/_admin/faults", {"next": ["500", "503", "409", "none"], "retry_after": 2})
    r = p.post("/v1/records", batch(record()))
    check(r.status == 500 and r.json()["error"], f"500: {r}")
    r = p.post("/v1/records", batch(record()))
    check(r.status == 503 and r.headers.get("Retry-After") == "2", f"503: {r} {r.headers}")
    r = p.post("/v1/records", batch(record()))
    check(r.status == 409 and r.json()["error"] == "in_progress", f"409: {r}")
    check(unique() == 0, "500/503/409 stored something")
    check(p.post("/v1/records", batch(record())).status == 200, "'none' is not a fault")
    check(p.admin("/_admin/faults")["next"] == [], "script not used up")

    p.admin("/_admin/faults", {"next": ["429"], "retry_after": 3, "retry_after_date": True})
    r = p.post("/v1/records", batch(record()))
    when = email.utils.parsedate_to_datetime(r.headers.get("Retry-After", "x"))
    ahead = (when - dt.datetime.now(dt.timezone.utc)).total_seconds()
    check(r.status == 429 and 0 < ahead <= 4, f"429 with an HTTP date: {r.headers} ({ahead})")

    p.admin("/_admin/faults", {"next": ["reset"]})
    rec = record()
    conn_fails(lambda: p.post("/v1/records", batch(rec)))
    check(unique() == 1 and not p.admin(f"/_admin/keys?key={rec['key']}")["stored"], "reset stored")
    check(p.stats()["by_status"].get("reset") == 1, "reset not counted")

    for kind in ("lost", "malformed"):
        p.admin("/_admin/faults", {"next": [kind]})
        rec = record()
        if kind == "lost":
            conn_fails(lambda: p.post("/v1/records", batch(rec)))
        else:
            r = p.post("/v1/records", batch(rec))
            check(r.status == 200, f"malformed status {r}")
            try:
                json.loads(r.data)
                raise Fail(f"malformed body parses: {r}")
            except ValueError:
                pass
        check(p.admin(f"/_admin/keys?key={rec['key']}")["stored"], f"{kind} did not store")
        check(statuses(p.post("/v1/records", batch(rec))) == ["duplicate"], f"{kind} redelivery")

    p.admin("/_admin/faults", {"next": ["slow"], "slow_seconds": 1.5})
    rec = record()
    t0 = time.monotonic()
    try:
        p.post("/v1/records", batch(rec), timeout=0.4)
        raise Fail("slow answered within the client's timeout")
    except (socket.timeout, TimeoutError):
        pass
    r = p.post("/v1/records", batch(rec))   # the client's retry while the first one sleeps
    check(statuses(r) == ["duplicate"] and time.monotonic() - t0 < 1.4, f"slow redelivery {r}")
    k = p.admin(f"/_admin/keys?key={rec['key']}")
    check(k["deliveries"] == 2, f"slow deliveries {k}")

    p.admin("/_admin/faults", {"next": ["partial"]})
    recs = [record(), record(), record()]
    r = p.post("/v1/records", batch(*recs))
    check(statuses(r) == ["retry", "accepted", "retry"] and r.json()["results"][0]["reason"],
          f"partial: {r}")
    r = p.post("/v1/records", batch(*recs))
    check(statuses(r) == ["accepted", "duplicate", "accepted"], f"after partial: {r}")
    check(p.stats()["max_deliveries_per_key"] == 2, "max deliveries")

    # online endpoints only when asked
    p.admin("/_admin/faults", {"next": ["503"]})
    check(p.post("/v1/queue/tickets", {"device_id": "k", "key": key(), "service_code": SVC})
          .status == 200, "online endpoint hit without online:true")
    check(p.post("/v1/records", batch(record())).status == 503, "script not kept for records")
    p.admin("/_admin/faults", {"next": ["503", "lost", "malformed", "409"], "online": True})
    check(p.get(f"/v1/appointments/slots?service_code={SVC}&date=2026-12-05").status == 503, "online 503")
    conn_fails(lambda: p.post("/v1/progress", {"device_id": "k", "id_number": RESIDENT}))
    r = p.post("/v1/certificates", {"device_id": "k", "kind": "si_enrolment", "id_number": RESIDENT})
    check(r.status == 200, f"online malformed {r}")
    try:
        json.loads(r.data)
        raise Fail("online malformed parses")
    except ValueError:
        pass
    check(p.get("/v1/health").status == 409, "online 409")
    for bad_cfg in ({"kinds": ["teapot"]}, {"rate": 2}, {"bogus": 1}, {"next": "503"}):
        r = p.post("/_admin/faults", bad_cfg)
        check(r.status == 400, f"bad fault config {bad_cfg} -> {r}")
    p.admin("/_admin/faults", {})


def t_random_faults(p):
    p.admin("/_admin/reset", {})
    p.admin("/_admin/faults", {"rate": 1.0, "kinds": ["500"], "seed": 1})
    check(all(p.post("/v1/records", batch(record())).status == 500 for _ in range(5)), "rate 1")

    def run():
        p.admin("/_admin/faults", {"rate": 0.5, "kinds": ["503", "429", "409", "500"], "seed": 7})
        return [p.post("/v1/records", batch(record())).status for _ in range(30)]

    first, second = run(), run()
    check(first == second, "the same seed gave another fault sequence")
    check(200 in first and {503, 429, 409, 500} & set(first), f"no mix of faults: {first}")
    check(p.post("/v1/queue/tickets", {"device_id": "k", "key": key(), "service_code": SVC})
          .status == 200, "random faults hit an online endpoint")
    p.admin("/_admin/faults", {"rate": 0})
    check(all(p.post("/v1/records", batch(record())).status == 200 for _ in range(5)), "faults off")
    # every kind at random, none of them may break the server
    p.admin("/_admin/faults", {"rate": 1.0, "seed": 3, "slow_seconds": 0.05,
                               "kinds": ["500", "503", "429", "slow", "reset", "lost", "malformed",
                                         "409", "stall", "partial"]})
    for _ in range(25):
        try:
            p.post("/v1/records", batch(record(), record()))
        except (OSError, http.client.HTTPException):
            pass
    p.admin("/_admin/faults", {})
    check(p.post("/v1/records", batch(record())).status == 200, "server unwell after random faults")


def t_down(p):
    p.admin("/_admin/reset", {})
    d = p.admin("/_admin/down", {"seconds": 1.5})
    t0 = time.monotonic()
    check(d["down"] and 0 < d["remaining"] <= 1.5, f"down: {d}")
    conn_fails(lambda: p.get("/v1/health"))
    conn_fails(lambda: p.post("/v1/records", batch(record())))
    check(p.admin("/_admin/down")["down"], "admin unreachable while down")
    time.sleep(max(0.0, 1.6 - (time.monotonic() - t0)))
    check(p.get("/v1/health").status == 200, "still down after the outage")
    p.admin("/_admin/down", {"down": True})
    conn_fails(lambda: p.get("/v1/health"))
    p.admin("/_admin/down", {"down": False})
    check(p.get("/v1/health").status == 200, "down:false")
    check(p.stats()["by_status"].get("down") == 3, f"down not counted {p.stats()}")
    check(p.post("/_admin/down", {"what": 1}).status == 400, "bad down body")


def t_tickets(p):
    p.admin("/_admin/reset", {})
    k1 = key()
    r = p.post("/v1/queue/tickets", {"device_id": "k", "key": k1, "service_code": SVC})
    t = r.json()
    check(r.status == 200 and re.fullmatch(r"[A-Z]\d{3}", t["ticket"]) and isinstance(t["waiting"], int)
          and t["window"]["zh"] and t["window"]["en"] and "+08:00" in t["issued_at"], f"ticket {t}")
    again = p.post("/v1/queue/tickets", {"device_id": "k", "key": k1, "service_code": SVC}).json()
    check(again == t, f"same key, other ticket: {again} vs {t}")
    t2 = p.post("/v1/queue/tickets", {"device_id": "k", "key": key(), "service_code": SVC}).json()
    check(int(t2["ticket"][1:]) == int(t["ticket"][1:]) + 1, f"next number {t2}")
    r = p.post("/v1/queue/tickets", {"device_id": "k", "key": k1, "service_code": "330106-002-00-001"})
    check(r.status == 422 and r.json()["error"] == "key_reused", f"key reused {r}")
    r = p.post("/v1/queue/tickets", {"device_id": "k", "key": key(), "service_code": "999999-000-00-000"})
    check(r.status == 404 and r.json()["error"] == "unknown_service", f"unknown service {r}")
    check(p.post("/v1/queue/tickets", {"device_id": "k", "service_code": SVC}).status == 400, "no key")
    check(p.stats()["tickets"] == 2, "ticket rows")


def next_days():
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
    days = [today + dt.timedelta(days=i) for i in range(2, 20)]
    holidays = set(json.loads((ROOT / "platform" / "seed.json").read_text())["appointments"]["holidays"])
    work = next(d for d in days if d.weekday() < 5 and d.isoformat() not in holidays)
    weekend = next(d for d in days if d.weekday() == 5)
    return work.isoformat(), weekend.isoformat()


def t_appointments(p):
    p.admin("/_admin/reset", {})
    work, weekend = next_days()
    url = "/v1/appointments/slots?service_code={}&date={}"
    r = p.get(url.format(SVC, weekend))
    check(r.status == 200 and r.json()["slots"] == [], f"weekend {r}")
    check(p.get(url.format("999999-000-00-000", work)).status == 404, "slots for unknown service")
    r = p.get(url.format(SVC, work))
    sl = r.json()
    check(r.status == 200 and sl["service_code"] == SVC and sl["date"] == work and sl["slots"], f"slots {r}")
    check(sl == p.get(url.format(SVC, work)).json(), "slots not deterministic")
    for s in sl["slots"]:
        check(set(s) == {"slot_id", "start", "end", "free"} and re.fullmatch(r"\d\d:\d\d", s["start"]),
              f"slot shape {s}")
    slot = next(s for s in sl["slots"] if s["free"] > 0)
    resident = {"id_number": RESIDENT, "name": "张三", "phone": "13800138000"}

    def book(k, sid=slot["slot_id"], code=SVC, **over):
        body = {"device_id": "k", "key": k, "service_code": code, "date": work, "slot_id": sid,
                "resident": resident}
        body.update(over)
        return p.post("/v1/appointments", body)

    k1 = key()
    r = book(k1)
    a = r.json()
    check(r.status == 200 and re.fullmatch(r"YY\d{8}-\d{4}", a["confirmation"])
          and a["confirmation"][2:10] == work.replace("-", "") and a["date"] == work
          and (a["start"], a["end"]) == (slot["start"], slot["end"]), f"booking {r}")
    check(book(k1).json() == a, "same key, other booking")
    booked = 1
    while True:
        r = book(key())
        if r.status != 200:
            break
        booked += 1
        check(booked <= slot["free"], "booked more places than were free")
    check(r.status == 422 and r.json()["error"] == "slot_full" and booked == slot["free"],
          f"full slot: {r} after {booked} of {slot['free']}")
    check(book(k1).json() == a, "a retry after the slot filled up must still get its booking")
    now = next(s for s in p.get(url.format(SVC, work)).json()["slots"] if s["slot_id"] == slot["slot_id"])
    check(now["free"] == 0, f"slot still shows free places {now}")
    r = book(key(), sid="0330")
    check(r.status == 404 and r.json()["error"] == "unknown_slot", f"unknown slot {r}")
    r = book(key(), code="999999-000-00-000")
    check(r.status == 404 and r.json()["error"] == "unknown_service", f"unknown service {r}")
    check(book(key(), date=weekend).status == 404, "booking on a weekend")
    r = book(k1, sid="0330")
    check(r.status == 422 and r.json()["error"] == "key_reused", f"key reused {r}")
    check(book(key(), resident={"id_number": "123", "name": "x", "phone": "1"}).status == 400, "bad resident")
    check(book(key(), resident=None).status == 400, "no resident")
    check(p.stats()["appointments"] == booked, "appointment rows")


def t_progress(p):
    p.admin("/_admin/reset", {})
    r = p.post("/v1/progress", {"device_id": "k", "application_no": "zw20261105-0031"})
    apps = r.json()["applications"]
    check(r.status == 200 and len(apps) == 1 and apps[0]["status"] == "processing"
          and apps[0]["title"]["zh"] and apps[0]["status_text"]["en"] and apps[0]["service_code"] == SVC,
          f"by number {r}")
    r = p.post("/v1/progress", {"device_id": "k", "id_number": RESIDENT})
    apps = r.json()["applications"]
    check(len(apps) == 3 and {a["status"] for a in apps} <= {"received", "processing", "done", "returned"},
          f"by id {r}")
    check([a["updated_at"] for a in apps] == sorted((a["updated_at"] for a in apps), reverse=True),
          "not newest first")
    rec = record(payload={"receipt_no": "KR20261202-0007", "resident": {"id_number": EXPIRED}})
    p.post("/v1/records", batch(rec))
    r = p.post("/v1/progress", {"device_id": "k", "application_no": "KR20261202-0007"})
    apps = r.json()["applications"]
    check(len(apps) == 1 and apps[0]["status"] == "received" and apps[0]["status_text"]["zh"] == "已受理"
          and apps[0]["service_code"] == SVC, f"kiosk receipt {r}")
    apps = p.post("/v1/progress", {"device_id": "k", "id_number": EXPIRED}).json()["applications"]
    check({a["status"] for a in apps} == {"received", "returned"} and any(a.get("note") for a in apps),
          f"receipt by id number {apps}")
    r = p.post("/v1/progress", {"device_id": "k", "application_no": "NOPE-1"})
    check(r.status == 200 and r.json()["applications"] == [], f"unknown number {r}")
    check(p.post("/v1/progress", {"device_id": "k"}).status == 400, "neither field")
    check(p.post("/v1/progress", {"device_id": "k", "id_number": RESIDENT,
                                  "application_no": "x"}).status == 400, "both fields")
    check(p.post("/v1/progress", {"device_id": "k", "id_number": "12345"}).status == 400, "bad id")


def t_certificates(p):
    r = p.post("/v1/certificates", {"device_id": "k", "kind": "si_enrolment", "id_number": RESIDENT})
    c = r.json()
    cert = c["certificate"]
    check(r.status == 200 and cert["kind"] == "si_enrolment" and cert["holder_name"] == "张三"
          and cert["id_number"] == RESIDENT and cert["number"] and cert["issuer"]["zh"]
          and cert["fields"] and all(f["label"]["zh"] and f["label"]["en"] and f["value"] for f in cert["fields"])
          and c["verify_url"].startswith("https://") and "+08:00" in cert["issued_at"], f"cert {r}")
    r = p.post("/v1/certificates", {"device_id": "k", "kind": "si_enrolment", "id_number": EXPIRED})
    check(r.status == 404 and r.json()["error"] == "no_certificate", f"none {r}")
    r = p.post("/v1/certificates", {"device_id": "k", "kind": "dog_licence", "id_number": RESIDENT})
    check(r.status == 400 and r.json()["error"] == "unknown_kind", f"unknown kind {r}")
    check(p.post("/v1/certificates", {"device_id": "k", "kind": "si_enrolment", "id_number": "x"})
          .status == 400, "bad id")


def t_admin(p):
    p.admin("/_admin/reset", {})
    s = p.stats()
    for k in ("requests", "by_status", "records_total", "records_unique", "duplicates", "rejected",
              "probes", "max_deliveries_per_key"):
        check(k in s, f"stats lack {k}")
    check(s["requests"] == 0 and s["records_total"] == 0, f"reset left {s}")
    for _ in range(5):
        p.get("/v1/health")
    time.sleep(0.4)
    for _ in range(3):
        p.get("/v1/health")
    rate = p.admin("/_admin/rate?bucket_ms=100")
    check(rate["total"] == 8 and sum(rate["buckets"]) == 8 and rate["peak"] == max(rate["buckets"])
          and len(rate["buckets"]) >= 4 and 0 in rate["buckets"]
          and rate["peak_per_s"] == rate["peak"] * 10, f"rate {rate}")
    check(p.admin("/_admin/rate?path=/v1/records")["total"] == 0, "path filter")
    check(p.get("/_admin/rate?bucket_ms=0").status == 400, "bucket 0")
    check(p.get("/_admin/reset").status == 405, "GET reset")
    check(p.get("/_admin/nope").status == 404, "unknown admin path")
    check(p.admin("/_admin/faults")["rate"] == 0, "faults after reset")
    p.admin("/_admin/down", {"seconds": 30})
    p.admin("/_admin/reset", {})
    check(not p.admin("/_admin/down")["down"], "reset left the server down")


def t_fleet(p):
    """200 kiosks at once, each its own connection: all must get through."""
    p.admin("/_admin/reset", {})
    n = 200
    barrier = threading.Barrier(n)

    def kiosk(i):
        barrier.wait(5)
        return p.post("/v1/records", batch(record(), device=f"kiosk-{i:03d}"), timeout=20).status

    with concurrent.futures.ThreadPoolExecutor(n) as ex:
        codes = list(ex.map(kiosk, range(n)))
    check(codes == [200] * n, f"fleet: {sorted(set(codes))}")
    s = p.stats()
    check(s["records_unique"] == n, f"fleet stored {s['records_unique']}")
    rate = p.admin("/_admin/rate?bucket_ms=1000&path=/v1/records")
    check(rate["total"] == n and rate["peak"] >= n // 4, f"fleet rate {rate}")


# ---------------------------------------------------------------------------
# rating links: the pure-Python Ed25519 check against libsodium, and the page

sys.path.insert(0, str(ROOT / "platform"))
import refplat   # noqa: E402  (the verifier under test, imported as a module)


class Sodium:
    """libsodium through ctypes: the signatures the kiosk makes, made the same way."""

    def __init__(self):
        name = ctypes.util.find_library("sodium")
        check(name, "libsodium not found (apt-get install libsodium23)")
        self.lib = ctypes.CDLL(name)
        check(self.lib.sodium_init() >= 0, "sodium_init failed")

    def keypair(self, seed):
        pk, sk = ctypes.create_string_buffer(32), ctypes.create_string_buffer(64)
        self.lib.crypto_sign_seed_keypair(pk, sk, seed)
        return pk.raw, sk.raw

    def sign(self, sk, msg):
        sig = ctypes.create_string_buffer(64)
        self.lib.crypto_sign_detached(sig, None, msg, ctypes.c_ulonglong(len(msg)), sk)
        return sig.raw

    def verify(self, pk, msg, sig):
        return self.lib.crypto_sign_verify_detached(sig, msg, ctypes.c_ulonglong(len(msg)), pk) == 0


def t_ed25519(p):
    # RFC 8032 section 7.1, TEST 1 (empty message)
    pk = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
    sig = bytes.fromhex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555f"
                        "b8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
    check(refplat.ed25519_verify(pk, b"", sig), "RFC 8032 test 1 does not verify")
    check(not refplat.ed25519_verify(pk, b"\0", sig), "RFC 8032 test 1 verifies another message")
    na = Sodium()
    rng = random.Random(8032)
    for i in range(40):
        pub, sec = na.keypair(bytes(rng.getrandbits(8) for _ in range(32)))
        msg = bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 200)))
        sg = na.sign(sec, msg)
        check(refplat.ed25519_verify(pub, msg, sg), f"a libsodium signature does not verify ({i})")
        # one bit anywhere in message, signature or key
        where = rng.randrange(3)
        if where == 0:
            msg = msg + b"x" if not msg else bytes([msg[0] ^ 1]) + msg[1:]
        elif where == 1:
            b = rng.randrange(64)
            sg = sg[:b] + bytes([sg[b] ^ (1 << rng.randrange(8))]) + sg[b + 1:]
        else:
            pub = bytes([pub[0] ^ 4]) + pub[1:]
        check(refplat.ed25519_verify(pub, msg, sg) == na.verify(pub, msg, sg),
              f"pure Python and libsodium disagree on a changed {['message', 'signature', 'key'][where]}")
        check(not refplat.ed25519_verify(pub, msg, sg) or where == 2 and na.verify(pub, msg, sg),
              "a changed signature verified")
    pub, sec = na.keypair(b"\x07" * 32)
    sg = na.sign(sec, b"m")
    # S + L is the same scalar, refused as libsodium refuses it (malleability)
    s_big = (int.from_bytes(sg[32:], "little") + refplat.ED_L).to_bytes(32, "little")
    check(not refplat.ed25519_verify(pub, b"m", sg[:32] + s_big), "S >= L accepted")
    check(not na.verify(pub, b"m", sg[:32] + s_big), "libsodium accepted S >= L")
    # a key of small order (the neutral element) signs everything: refused
    ident = (1).to_bytes(32, "little")
    check(not refplat.ed25519_verify(ident, b"m", ident + bytes(32)), "small-order key accepted")
    check(refplat.decode_pubkey(base64.b64encode(pub).decode()) == pub, "base64 key")
    check(refplat.decode_pubkey(pub.hex()) == pub, "hex key")
    check(refplat.decode_pubkey(base64.urlsafe_b64encode(pub).decode().rstrip("=")) == pub, "base64url key")
    check(refplat.decode_pubkey("AAAA") is None and refplat.decode_pubkey(None) is None, "short key")
    check(refplat.decode_pubkey("ff" * 32) is None, "a key that is no point")


def rating_link(sec, device, txn, item, when, base=None, **over):
    v = {"device": device, "txn": txn, "item": item, "time": when}
    sig = Sodium().sign(sec, refplat.rating_message(v))
    q = {"txn": txn, "item": item, "t": when, "dev": device,
         "sig": base64.urlsafe_b64encode(sig).decode().rstrip("=")}
    q.update(over)
    return "/rate?" + urllib.parse.urlencode(q)


def form(link, level=None, reasons=()):
    pairs = urllib.parse.parse_qsl(urllib.parse.urlsplit(link).query)
    if level:
        pairs.append(("level", level))
    pairs += [("reason", r) for r in reasons]
    return urllib.parse.urlencode(pairs).encode()


def t_rating_page(p):
    p.admin("/_admin/reset", {})
    na = Sodium()
    pub, sec = na.keypair(b"\x11" * 32)
    other_pub, other_sec = na.keypair(b"\x22" * 32)
    r = p.post("/_admin/devices", {"device_id": "kiosk-rate-a", "pubkey": base64.b64encode(pub).decode()})
    check(r.status == 200 and r.json()["replaced"] is False, f"register {r}")
    r = p.post("/_admin/devices", {"device_id": "kiosk-rate-b", "pubkey": other_pub.hex()})
    check(r.status == 200, f"register hex {r}")
    for body in ({"device_id": "kiosk a", "pubkey": pub.hex()}, {"device_id": "k", "pubkey": "xyz"},
                 {"device_id": "k"}, {"pubkey": pub.hex()}):
        r = p.post("/_admin/devices", body)
        check(r.status == 400 and r.json()["error"] == "bad_request", f"bad registration {body}: {r}")
    devs = p.admin("/_admin/devices")["devices"]
    check([d["device_id"] for d in devs] == ["kiosk-rate-a", "kiosk-rate-b"]
          and devs[0]["pubkey"] == base64.b64encode(pub).decode(), f"devices {devs}")
    now = dt.datetime.now(dt.timezone(dt.timedelta(hours=8)))
    when = now.strftime("%Y%m%dT%H%M%S")
    link = rating_link(sec, "kiosk-rate-a", "20261202-0001", SVC, when)

    def html(r, status, *want):
        text = r.data.decode()
        check(r.status == status and r.headers.get("Content-Type", "").startswith("text/html"),
              f"{status} page: {r}")
        for w in want:
            check(w in text, f"page lacks {w!r}: {text[:600]}")
        return text

    # the page: no token needed, five levels, none chosen beforehand
    text = html(p.get(link, token=False), 200, "服务评价", 'name="level"', "very_dissatisfied",
                'value="20261202-0001"', "社会保障卡")
    check(text.count('type="radio" name="level"') == 5 and "checked" not in text, "levels not equal")
    check(p.stats()["requests"] == 0, "the public page counted as an API request")
    # a form without a level, then the rating, then no second one
    r = p.post("/rate", form(link), ctype="application/x-www-form-urlencoded", token=False)
    html(r, 400, "bad_level")
    r = p.post("/rate", form(link, "dissatisfied", ["waiting", "other"]),
               ctype="application/x-www-form-urlencoded", token=False)
    html(r, 200, "感谢")
    r = p.post("/rate", form(link, "very_satisfied"), ctype="application/x-www-form-urlencoded", token=False)
    html(r, 409, "已经评价", "already_rated: by link")
    html(p.get(link, token=False), 409, "already_rated")
    check(p.post("/rate", form(link, "satisfied"), token=False).status == 415, "JSON form taken")
    got = p.admin("/_admin/ratings")["ratings"]
    check(len(got) == 1 and got[0]["transaction"] == "20261202-0001" and got[0]["level"] == "dissatisfied"
          and got[0]["reasons"] == ["waiting", "other"] and got[0]["via"] == "link"
          and got[0]["device_id"] == "kiosk-rate-a" and got[0]["service_code"] == SVC, f"ratings {got}")
    # reasons explain a poor rating only
    l2 = rating_link(sec, "kiosk-rate-a", "20261202-0002", SVC, when)
    html(p.post("/rate", form(l2, "satisfied", ["waiting"]), ctype="application/x-www-form-urlencoded"), 200)
    check(p.admin("/_admin/ratings")["ratings"][1]["reasons"] == [], "reasons kept for a good rating")

    # forged, cut, garbled, expired, unknown
    forged = "the signature does not match"
    for bad_link, status, want in (
            (link.replace("20261202-0001", "20261202-0009"), 403, forged),
            (link.replace(SVC, "330106-001-00-006"), 403, forged),
            (link.replace(f"t={when}", "t=" + (now - dt.timedelta(hours=1)).strftime("%Y%m%dT%H%M%S")), 403, forged),
            (rating_link(other_sec, "kiosk-rate-a", "20261202-0003", SVC, when), 403, forged),
            (rating_link(sec, "kiosk-nobody", "20261202-0003", SVC, when), 403, "is not registered"),
            (link[:link.index("&sig=")], 400, "parameter &#x27;sig&#x27; (the signature) is missing"),
            (link[:-3], 400, "must be 86 characters of base64url"),
            (link + "&txn=1", 400, "appears 2 times"),
            (link.replace(f"t={when}", "t=20260230T101010"), 400, "must be YYYYMMDDThhmmss"),
            (rating_link(sec, "kiosk-rate-a", "T4", SVC, (now - dt.timedelta(days=31)).strftime("%Y%m%dT%H%M%S")),
             403, "days old"),
            (rating_link(sec, "kiosk-rate-a", "T5", SVC, (now + dt.timedelta(hours=3)).strftime("%Y%m%dT%H%M%S")),
             403, "ahead of the platform"),
            ("/rate", 400, "is missing")):
        html(p.get(bad_link, token=False), status, want)
        if status == 403:
            r = p.post("/rate", form(bad_link, "satisfied"), ctype="application/x-www-form-urlencoded")
            html(r, status, want)
    # B's own link is good: each kiosk its own key
    html(p.get(rating_link(other_sec, "kiosk-rate-b", "20261202-0005", SVC, when)), 200, "服务评价")
    # a messenger's own parameter is ignored
    html(p.get(rating_link(sec, "kiosk-rate-a", "20261202-0006", SVC, when, **{"from": "singlemessage"})), 200)

    # a transaction rated at the kiosk cannot be rated again through its link
    rec = record(kind="rating", payload={"transaction": "20261202-0007", "level": "satisfied", "code": "2",
                                         "scheme": "gbt39046", "reasons": [], "anonymous": True})
    check(statuses(p.post("/v1/records", batch(rec))) == ["accepted"], "rating record")
    l7 = rating_link(sec, "kiosk-rate-a", "20261202-0007", SVC, when)
    html(p.get(l7), 409, "already_rated: by kiosk")
    html(p.post("/rate", form(l7, "very_satisfied"), ctype="application/x-www-form-urlencoded"), 409,
         "already_rated: by kiosk")
    got = p.admin("/_admin/ratings")["ratings"]
    check([g["via"] for g in got] == ["link", "link", "kiosk"] and got[2]["transaction"] == "20261202-0007"
          and got[2]["level"] == "satisfied", f"kiosk rating listed {got}")
    s = p.stats()
    check(s["ratings"] == 2 and s["devices"] == 2, f"stats {s}")
    # a re-registration replaces the key (rotation); a reset keeps the devices
    r = p.post("/_admin/devices", {"device_id": "kiosk-rate-b", "pubkey": base64.b64encode(pub).decode()})
    check(r.json()["replaced"] is True, f"replaced {r}")
    p.admin("/_admin/reset", {})
    s = p.stats()
    check(s["ratings"] == 0 and s["devices"] == 2, f"after reset {s}")


# ---------------------------------------------------------------------------
# TLS

def spki_pin(der):
    """curl's pin of a DER certificate: sha256 of its SubjectPublicKeyInfo, base64."""
    def tlv(b, i):
        tag, ln = b[i], b[i + 1]
        i += 2
        if ln & 0x80:
            n = ln & 0x7F
            ln = int.from_bytes(b[i:i + n], "big")
            i += n
        return tag, i, i + ln          # tag, start of content, end

    _, c, _ = tlv(der, 0)              # Certificate
    _, t, tend = tlv(der, c)           # tbsCertificate
    i, fields = t, []
    while i < tend:
        tag, s, e = tlv(der, i)
        fields.append((tag, i, e))
        i = e
    if fields[0][0] == 0xA0:           # explicit version
        fields = fields[1:]
    _, s, e = fields[5]                # serial, sigalg, issuer, validity, subject, SPKI
    return "sha256//" + base64.b64encode(hashlib.sha256(der[s:e]).digest()).decode()


def t_tls(tmp):
    certs = tmp / "certs"
    for _ in range(2):   # the second run must leave the first run's files alone
        subprocess.run(["sh", str(MAKE_CERTS), str(certs)], check=True, capture_output=True)
        if _ == 0:
            ca_before = (certs / "ca.pem").read_bytes()
    check((certs / "ca.pem").read_bytes() == ca_before, "make_certs.sh not idempotent")
    for f in ("ca.pem", "ca.key", "server.pem", "server.key", "client.pem", "client.key",
              "client-expired.pem", "client-expired.key", "other-ca.pem", "other-server.pem",
              "other-server.key", "server.pin", "other-server.pin"):
        check((certs / f).is_file(), f"make_certs.sh made no {f}")
    check(subprocess.run(["openssl", "x509", "-checkend", "0", "-noout", "-in",
                          str(certs / "client-expired.pem")], capture_output=True).returncode == 1,
          "client-expired.pem is not expired")
    for name in ("server", "other-server"):
        pem_pin = spki_pin(ssl.PEM_cert_to_DER_cert((certs / f"{name}.pem").read_text()))
        check((certs / f"{name}.pin").read_text().strip() == pem_pin, f"{name}.pin wrong")

    def ctx(client=None, ca="ca.pem"):
        c = ssl.create_default_context(cafile=str(certs / ca))
        if client:
            c.load_cert_chain(str(certs / f"{client}.pem"), str(certs / f"{client}.key"))
        return c

    p = Plat(tmp, "tls", "--tls-cert", str(certs / "server.pem"), "--tls-key", str(certs / "server.key"),
             "--client-ca", str(certs / "ca.pem"), tls=ctx("client"))
    try:
        r = p.get("/v1/health")
        check(r.status == 200 and r.headers.get("Date"), f"mTLS health {r}")
        check(p.get("/v1/health", host="localhost").status == 200, "localhost SAN")
        r = p.post("/v1/records", batch(record()))
        check(statuses(r) == ["accepted"], f"records over TLS {r}")
        c = p.conn()
        c.connect()
        live = spki_pin(c.sock.getpeercert(binary_form=True))
        c.close()
        check(live == (certs / "server.pin").read_text().strip(), "live server key != server.pin")
        check(live != (certs / "other-server.pin").read_text().strip(), "pins equal")
        conn_fails(lambda: p.get("/v1/health", ctx=ctx(None)))               # no client cert
        conn_fails(lambda: p.get("/v1/health", ctx=ctx("client-expired")))   # expired one
        try:
            p.get("/v1/health", ctx=ctx("client", ca="other-ca.pem"))
            raise Fail("a client trusting only other-ca accepted the server")
        except ssl.SSLCertVerificationError:
            pass
        for kind in ("reset", "lost"):
            p.admin("/_admin/faults", {"next": [kind]})
            conn_fails(lambda: p.post("/v1/records", batch(record())))
        check(p.get("/v1/health").status == 200, "TLS server unwell after faults")
        s = p.stats()
        check(s["records_unique"] == 2, f"TLS stats {s}")   # "lost" stores, "reset" does not
    finally:
        check(p.stop() == 0, "TLS refplat exit code")
    # a server whose certificate comes from another CA: a kiosk trusting ca.pem must refuse it
    o = Plat(tmp, "other", "--tls-cert", str(certs / "other-server.pem"), "--tls-key",
             str(certs / "other-server.key"), "--quiet", tls=ctx())
    try:
        try:
            o.get("/v1/health")
            raise Fail("other-server.pem verified against ca.pem")
        except ssl.SSLCertVerificationError:
            pass
        check(o.get("/v1/health", ctx=ctx(ca="other-ca.pem")).status == 200, "other-ca server")
    finally:
        check(o.stop() == 0, "other refplat exit code")
    check(o.log_path.read_text() == "", "--quiet still logged")


def t_cli_faults(tmp):
    p = Plat(tmp, "cli", "--fault-rate", "1", "--fault-kinds", "503", "--seed", "3",
             "--retry-after", "4", "--quiet")
    try:
        r = p.post("/v1/records", batch(record()))
        check(r.status == 503 and r.headers.get("Retry-After") == "4", f"CLI faults {r}")
        check(p.get("/v1/health").status == 200, "CLI faults hit online without --fault-online")
        f = p.admin("/_admin/faults")
        check(f["rate"] == 1 and f["kinds"] == ["503"] and f["seed"] == 3, f"CLI fault config {f}")
    finally:
        check(p.stop() == 0, "CLI refplat exit code")


def main():
    t_start = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="refplat-test-"))
    failed = []

    def run(name, fn, *args):
        t0 = time.monotonic()
        try:
            fn(*args)
            print(f"PASS {name} ({time.monotonic() - t0:.1f}s)", flush=True)
        except Exception as e:   # one failing group must not hide the others
            failed.append(name)
            kind = "" if isinstance(e, Fail) else f"{type(e).__name__}: "
            print(f"FAIL {name}: {kind}{e}", flush=True)

    p = None
    try:
        p = Plat(tmp, "plain", token=TOKEN)
        for name, fn in [("auth and Date header", t_auth_and_date), ("errors", t_errors),
                         ("records", t_records), ("poison record", t_poison),
                         ("409 in progress", t_in_progress), ("scripted faults", t_scripted_faults),
                         ("random faults", t_random_faults), ("down", t_down),
                         ("queue tickets", t_tickets), ("appointments", t_appointments),
                         ("progress", t_progress), ("certificates", t_certificates),
                         ("admin", t_admin), ("fleet of 200", t_fleet),
                         ("Ed25519 against libsodium", t_ed25519), ("rating page", t_rating_page)]:
            run(name, fn, p)
        rc = p.stop()
        p = None
        run("SIGTERM exit code", lambda: check(rc == 0, f"exit code {rc}"))

        def logs():
            text = (tmp / "plain.log").read_text()
            check(re.search(r" POST /v1/records 200 records=\d+ [\d.]+ms$", text, re.M),
                  "no per-request log line")
            for secret in (RESIDENT, EXPIRED, "张三", "13800138000", "KR20261202-0007"):
                check(secret not in text, f"the log holds personal data: {secret}")
        run("logs without personal data", logs)
        run("TLS and mutual TLS", t_tls, tmp)
        run("faults from the command line", t_cli_faults, tmp)
    except Fail as e:
        failed.append("startup")
        print(f"FAIL startup: {e}")
    finally:
        if p is not None:
            p.proc.kill()
        if not failed:
            shutil.rmtree(tmp, ignore_errors=True)
    took = time.monotonic() - t_start
    if failed:
        print(f"platform self-test: {len(failed)} group(s) FAILED: {', '.join(failed)}"
              f" (logs in {tmp}) [{took:.1f}s]")
        return 1
    print(f"platform self-test: all passed [{took:.1f}s]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
