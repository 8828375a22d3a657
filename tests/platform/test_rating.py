#!/usr/bin/env python3
"""Signed rating links end to end, standard library only.

    test_rating.py kioskctl KIOSKCTL SOURCE_DIR WORKDIR
        kioskctl device pubkey (the key file: made once, 0600, never printed),
        rating sign / verify (each verdict), rating summary, and config check's
        words for a bad [rating] url.
    test_rating.py platform KIOSKCTL SOURCE_DIR WORKDIR
        the reference platform with the kiosk's key registered (--device-keys, and
        POST /_admin/devices with `device pubkey --json`): a link from
        `kioskctl rating sign` rates once, a second rating is refused, a changed
        transaction number, item code or time is refused, a link signed by another
        key for the same device id is refused, and a transaction the kiosk itself
        uploaded a rating for (kioskctl queue flush) cannot be rated again.

Prints one line per group; exits 0 when all pass.
"""

import base64
import datetime as dt
import http.client
import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
import urllib.parse
import uuid
from pathlib import Path

SVC = "330106-001-00-005"


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


class Kiosk:
    """One kiosk: a config and a data directory, driven through kioskctl."""

    def __init__(self, ctl, src, work, name, device_id, endpoint="http://127.0.0.1:9", extra=""):
        self.ctl, self.dir = ctl, work / name
        self.data = self.dir / "var"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.conf = self.dir / "kiosk.conf"
        self.conf.write_text(f"[catalog]\npath = {src}/config/catalog.json\n[paths]\n"
                             f"assets_dir = {src}/assets\ndata_dir = {self.data}\n"
                             f"[platform]\nendpoint = {endpoint}\ndevice_id = {device_id}\ntimeout = 5\n"
                             + extra)

    def run(self, *args, want=None):
        p = subprocess.run([self.ctl, *args, "--config", str(self.conf)], capture_output=True,
                           text=True, timeout=60)
        if want is not None:
            check(p.returncode == want, f"kioskctl {' '.join(args)} exited {p.returncode}, not {want}:"
                                        f"\n{p.stdout}{p.stderr}")
        return p

    def pubkey(self):
        out = self.run("device", "pubkey", want=0).stdout
        lines = dict(line.split(": ", 1) for line in out.splitlines())
        return lines

    def sign(self, txn, item=SVC, when=None):
        args = ["rating", "sign", txn, item] + (["--time", when] if when else [])
        url = self.run(*args, want=0).stdout.strip()
        check(url.startswith("http") and "&sig=" in url, f"sign gave {url!r}")
        return url

    def verify(self, url):
        return self.run("rating", "verify", url)


def param(url, name, value):
    """url with parameter name set to value."""
    parts = urllib.parse.urlsplit(url)
    q = [(k, value if k == name else v) for k, v in urllib.parse.parse_qsl(parts.query)]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(q)))


def stamp(t):
    return t.strftime("%Y%m%dT%H%M%S")


# ---------------------------------------------------------------------------
# kioskctl alone

def t_pubkey(ctl, src, work):
    a = Kiosk(ctl, src, work, "a", "kiosk-rating-a")
    key_file = a.data / "keys" / "rating.key"
    # verify before any key exists: says so, makes nothing
    p = a.verify("https://x/rate?txn=1")
    check(p.returncode == 1 and "no rating key yet" in p.stderr and not key_file.exists(),
          f"verify without a key: {p.returncode} {p.stderr}")
    first = a.pubkey()
    check(first["device_id"] == "kiosk-rating-a", f"device id {first}")
    check(first["key_file"] == f"{key_file} (made now)", f"key file line {first}")
    st = key_file.stat()
    check(stat.S_IMODE(st.st_mode) == 0o600 and st.st_size == 32, f"key file mode {oct(st.st_mode)}, size {st.st_size}")
    pk = base64.b64decode(first["pubkey"])
    check(len(pk) == 32 and pk.hex() == first["pubkey_hex"], f"base64 and hex differ {first}")
    again = a.pubkey()
    check(again["pubkey"] == first["pubkey"] and again["key_file"].endswith("(existing)"),
          f"a second run changed the key {again}")
    j = json.loads(a.run("device", "pubkey", "--json", want=0).stdout)
    check(j == {"device_id": "kiosk-rating-a", "pubkey": first["pubkey"], "pubkey_hex": first["pubkey_hex"]},
          f"--json {j}")
    # the secret half is never shown, in any form
    secret = key_file.read_bytes()
    out = a.run("device", "pubkey").stdout + a.run("device", "pubkey", "--json").stdout
    for form in (secret.hex(), base64.b64encode(secret).decode().rstrip("="),
                 base64.urlsafe_b64encode(secret).decode().rstrip("=")):
        check(form not in out, "the key file's content was printed")
    check(not list((a.data / "keys").glob("*tmp*")), "a temporary key file was left")
    # usage
    check(a.run("device", "pubkey", "--bogus").returncode == 2, "bad option not a usage error")
    check(a.run("device").returncode == 2, "device without a verb")


def t_sign_verify(ctl, src, work):
    a = Kiosk(ctl, src, work, "a", "kiosk-rating-a")
    b = Kiosk(ctl, src, work, "b", "kiosk-rating-b")
    a2 = Kiosk(ctl, src, work, "a2", "kiosk-rating-a")   # the same id, another key
    url = a.sign("20261202-0001")
    p = a.verify(url)
    check(p.returncode == 0 and p.stdout.startswith("OK device=kiosk-rating-a txn=20261202-0001 "
                                                    f"item={SVC} time="), f"verify: {p.stdout}{p.stderr}")
    now = dt.datetime.now()

    def fails(u, kind, words):
        p = a.verify(u)
        check(p.returncode == 1 and p.stdout.startswith(f"FAIL {kind}: ") and words in p.stdout,
              f"{kind}: {p.returncode} {p.stdout}{p.stderr}")

    forged = "the signature does not match: the transaction number, item code, time or device id was changed"
    fails(param(url, "txn", "20261202-0002"), "signature", forged)
    fails(param(url, "item", "330106-001-00-006"), "signature", forged)
    fails(param(url, "t", stamp(now - dt.timedelta(hours=2))), "signature", forged)
    fails(a2.sign("20261202-0001"), "signature", forged)
    fails(b.sign("20261202-0001"), "device", "signed for device 'kiosk-rating-b', not for this kiosk 'kiosk-rating-a'")
    fails(url[:url.index("&sig=")], "missing", "parameter 'sig' (the signature) is missing")
    fails(url[:-5], "malformed", "parameter 'sig' (the signature) must be 86 characters of base64url")
    fails(url + "&t=1", "duplicate", "parameter 't' (the time) appears 2 times")
    fails(param(url, "t", "20261302T000000"), "malformed", "must be YYYYMMDDThhmmss")
    fails("https://elsewhere.example/rate?" + url.split("?", 1)[1], "shape", "not a rating link of this template")
    fails(a.sign("T-OLD", when=stamp(now - dt.timedelta(days=40))), "expired",
          "a link takes ratings for 30 days ([rating] max_age_days)")
    fails(a.sign("T-NEW", when=stamp(now + dt.timedelta(days=2))), "future", "ahead of this clock")
    p = a.verify(url + "&from=singlemessage")
    check(p.returncode == 0 and "1 parameter not in the template ignored" in p.stdout, f"extra: {p.stdout}")
    # usage errors are 2, refused values 1
    check(a.run("rating", "verify").returncode == 2, "verify without a URL")
    check(a.run("rating", "sign", "T1").returncode == 2, "sign without an item")
    check(a.run("rating", "sign", "T1", SVC, "--time", "yesterday").returncode == 2, "bad --time")
    p = a.run("rating", "sign", "T 1", SVC)
    check(p.returncode == 1 and "the transaction number must be 1 to 50 letters" in p.stderr, f"bad txn {p.stderr}")
    # a kiosk without an endpoint cannot fill {endpoint}
    c = Kiosk(ctl, src, work, "c", "kiosk-rating-c", endpoint="")
    p = c.run("rating", "sign", "T1", SVC)
    check(p.returncode == 1 and "[rating] url starts with {endpoint}, but [platform] endpoint is empty" in p.stderr,
          f"no endpoint: {p.stderr}")


def t_config_check(ctl, src, work):
    k = Kiosk(ctl, src, work, "conf", "kiosk-rating-a",
              extra="[rating]\nurl = https://pj.example.cn/r?txn={txn}&item={item}\nreasons = other, parking\n")
    p = subprocess.run([ctl, "config", "check", str(k.conf)], capture_output=True, text=True, timeout=60)
    out = p.stdout + p.stderr
    check(p.returncode != 0, f"config check passed a bad [rating]: {out}")
    for want in (f"{k.conf}:11: [rating] url has no {{time}}",
                 f"{k.conf}:12: [rating] reason 'parking' has no indicator code",
                 f"{k.conf}:12: [rating] reason 'parking' has no label"):
        check(want in out, f"config check lacks {want!r}: {out}")


def t_summary(ctl, src, work):
    a = Kiosk(ctl, src, work, "sum", "kiosk-rating-s")
    p = a.run("rating", "summary", want=0)
    check("ratings kept in the outbox: 0 (0 poor)" in p.stdout and "  none" in p.stdout, f"empty: {p.stdout}")
    db = sqlite3.connect(a.data / "outbox.db")
    t0 = int(time.time())
    rows = [(SVC, "very_satisfied", [], ""), (SVC, "satisfied", [], ""),
            (SVC, "dissatisfied", ["waiting", "other"], "138****8000"),
            ("330106-002-00-001", "very_dissatisfied", ["attitude", "gone_reason"], ""),
            ("330106-002-00-001", "bogus", [], "")]
    for i, (code, level, reasons, phone) in enumerate(rows):
        payload = {"transaction": f"20261202-000{i}", "level": level, "code": "1", "scheme": "gbt39046",
                   "channel": "5", "source": "", "region": "330106", "time": "20261202T091500",
                   "count": 1, "reasons": reasons, "anonymous": not phone}
        db.execute("INSERT INTO outbox (key, kind, item_code, payload, phone_masked, created_wall,"
                   " created_mono) VALUES (?,?,?,?,?,?,?)",
                   (str(uuid.uuid4()), "rating", code, json.dumps(payload), phone, t0 + i, 0))
    db.execute("INSERT INTO outbox (key, kind, item_code, payload, created_wall, created_mono)"
               " VALUES (?,?,?,?,?,?)", (str(uuid.uuid4()), "application", SVC, "{}", t0, 0))
    db.commit()
    db.close()
    out = a.run("rating", "summary", want=0).stdout
    for want in ("ratings kept in the outbox: 5 (2 poor)",
                 "  very_satisfied     非常满意     1",
                 "  dissatisfied       不满意       1",
                 "  unknown",
                 f"  {SVC:<20} 3  very_satisfied 1, satisfied 1, dissatisfied 1",
                 "  330106-002-00-001    2  very_dissatisfied 1, unknown 1",
                 f"{SVC}  dissatisfied  txn 20261202-0002  reasons: waiting (等候时间长), other (其他)  phone 138****8000",
                 "330106-002-00-001  very_dissatisfied  txn 20261202-0003  reasons: attitude (服务态度), gone_reason"
                 "  phone -  (anonymous)"):
        check(want in out, f"summary lacks {want!r}:\n{out}")


# ---------------------------------------------------------------------------
# against the reference platform

class Refplat:
    def __init__(self, src, work, *args):
        self.port_file = work / "plat.port"
        self.log = open(work / "plat.log", "w")
        self.proc = subprocess.Popen([sys.executable, str(src / "platform" / "refplat.py"), "--port", "0",
                                      "--port-file", str(self.port_file), "--db", str(work / "plat.db"),
                                      *args], stderr=self.log, stdout=subprocess.DEVNULL)
        end = time.monotonic() + 10
        while not self.port_file.exists():
            check(self.proc.poll() is None, f"refplat exited: {(work / 'plat.log').read_text()}")
            check(time.monotonic() < end, "refplat did not start")
            time.sleep(0.05)
        self.port = int(self.port_file.read_text())

    def req(self, method, path, body=None, ctype=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            c.request(method, path, body=body, headers={"Content-Type": ctype} if ctype else {})
            r = c.getresponse()
            return r.status, r.read().decode()
        finally:
            c.close()

    def page(self, url):
        parts = urllib.parse.urlsplit(url)
        check(parts.netloc == f"127.0.0.1:{self.port}", f"link not to this platform: {url}")
        return self.req("GET", f"{parts.path}?{parts.query}")

    def rate(self, url, level, reasons=()):
        pairs = urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query) + [("level", level)]
        pairs += [("reason", r) for r in reasons]
        return self.req("POST", "/rate", urllib.parse.urlencode(pairs).encode(),
                        "application/x-www-form-urlencoded")

    def admin(self, path, body=None):
        st, text = self.req("POST" if body is not None else "GET", path,
                            None if body is None else body.encode(), "application/json")
        check(st == 200, f"{path}: {st} {text}")
        return json.loads(text)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(10)
        self.log.close()


def t_platform(ctl, src, work):
    # the keys first: the platform learns kiosk A's from a file at start
    a = Kiosk(ctl, src, work, "pa", "kiosk-rating-a")
    keys = work / "device-keys"
    keys.write_text(f"# kiosks allowed to sign rating links\nkiosk-rating-a {a.pubkey()['pubkey_hex']}\n")
    plat = Refplat(src, work, "--device-keys", str(keys), "--quiet")
    try:
        endpoint = f"http://127.0.0.1:{plat.port}"
        a = Kiosk(ctl, src, work, "pa", "kiosk-rating-a", endpoint)
        b = Kiosk(ctl, src, work, "pb", "kiosk-rating-b", endpoint)
        a2 = Kiosk(ctl, src, work, "pa2", "kiosk-rating-a", endpoint)   # same id, its own key
        # B registers the way a technician would: kioskctl's JSON, posted as it is
        reg = plat.admin("/_admin/devices", a.run("device", "pubkey", "--json", want=0).stdout)
        check(reg["replaced"] is False, f"re-registering A's own key replaced it: {reg}")
        reg = plat.admin("/_admin/devices", b.run("device", "pubkey", "--json", want=0).stdout)
        check(reg["device_id"] == "kiosk-rating-b", f"register B {reg}")

        url = a.sign("20261202-0101")
        st, text = plat.page(url)
        check(st == 200 and text.count('type="radio" name="level"') == 5 and "checked" not in text,
              f"the page: {st} {text[:300]}")
        st, text = plat.rate(url, "dissatisfied", ["waiting"])
        check(st == 200 and "感谢" in text, f"the rating: {st} {text[:300]}")
        st, text = plat.rate(url, "very_satisfied")
        check(st == 409 and "already_rated" in text, f"a second rating: {st} {text[:300]}")
        st, text = plat.page(url)
        check(st == 409, f"the page after rating: {st}")

        forged = "the signature does not match"
        now = dt.datetime.now()
        fresh = a.sign("20261202-0102")
        for what, bad in (("txn", param(fresh, "txn", "20261202-0103")),
                          ("item", param(fresh, "item", "330106-001-00-006")),
                          ("time", param(fresh, "t", stamp(now - dt.timedelta(minutes=5)))),
                          ("another key", a2.sign("20261202-0102"))):
            st, text = plat.page(bad)
            check(st == 403 and forged in text, f"changed {what}: {st} {text[:400]}")
            st, text = plat.rate(bad, "satisfied")
            check(st == 403 and forged in text, f"changed {what}, posted: {st}")
        st, text = plat.page(fresh[:fresh.index("&sig=")])
        check(st == 400 and "is missing" in text, f"cut link: {st} {text[:300]}")
        # B's links are good there; a kiosk nobody registered is named
        st, _ = plat.page(b.sign("20261202-0201"))
        check(st == 200, f"B's link: {st}")
        c = Kiosk(ctl, src, work, "pc", "kiosk-rating-c", endpoint)
        st, text = plat.page(c.sign("20261202-0301"))
        check(st == 403 and "kiosk-rating-c&#x27; is not registered" in text, f"unregistered: {st} {text[:400]}")
        st, _ = plat.page(fresh)
        check(st == 200, "the untouched link stopped working")

        # rated at the kiosk: the record goes up through the kiosk's own uploader
        a.run("rating", "summary", want=0)   # makes the outbox
        db = sqlite3.connect(a.data / "outbox.db")
        payload = {"transaction": "20261202-0102", "level": "satisfied", "code": "2", "scheme": "gbt39046",
                   "channel": "5", "source": "", "region": "330106", "time": stamp(now), "count": 1,
                   "reasons": [], "anonymous": True}
        db.execute("INSERT INTO outbox (key, kind, item_code, payload, created_wall, created_mono)"
                   " VALUES (?,?,?,?,?,?)", (str(uuid.uuid4()), "rating", SVC, json.dumps(payload),
                                             int(time.time()), 0))
        db.commit()
        db.close()
        p = a.run("queue", "flush", "--timeout", "20", want=0)
        check(" accepted" in p.stdout, f"flush: {p.stdout}")
        st, text = plat.page(fresh)
        check(st == 409 and "already_rated: by kiosk" in text, f"kiosk-rated transaction: {st} {text[:300]}")
        st, text = plat.rate(fresh, "very_dissatisfied")
        check(st == 409, f"kiosk-rated transaction, posted: {st}")

        got = plat.admin("/_admin/ratings")["ratings"]
        check([(g["via"], g["transaction"], g["level"]) for g in got] ==
              [("link", "20261202-0101", "dissatisfied"), ("kiosk", "20261202-0102", "satisfied")],
              f"ratings: {got}")
        check(got[0]["reasons"] == ["waiting"] and got[0]["device_id"] == "kiosk-rating-a", f"ratings {got}")
    finally:
        plat.stop()
    log = (work / "plat.log").read_text()
    check(log == "", f"--quiet refplat logged: {log[:200]}")


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in ("kioskctl", "platform"):
        print(__doc__, file=sys.stderr)
        return 2
    mode, ctl, src, work = sys.argv[1], sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    os.environ.setdefault("LSAN_OPTIONS", f"suppressions={src}/tests/lsan.supp")
    groups = ([("device pubkey", t_pubkey), ("rating sign and verify", t_sign_verify),
               ("config check", t_config_check), ("rating summary", t_summary)]
              if mode == "kioskctl" else [("reference platform", t_platform)])
    failed = 0
    for name, fn in groups:
        t0 = time.monotonic()
        try:
            fn(ctl, src, work)
            print(f"PASS {name} ({time.monotonic() - t0:.1f}s)", flush=True)
        except (Fail, subprocess.TimeoutExpired, OSError, ValueError, KeyError) as e:
            failed += 1
            print(f"FAIL {name}: {type(e).__name__ + ': ' if not isinstance(e, Fail) else ''}{e}", flush=True)
    print(f"{len(groups) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
