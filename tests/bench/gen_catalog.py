#!/usr/bin/env python3
"""Generate a large service catalogue for the memory figures (issue 13 item 9).

    gen_catalog.py SHIPPED.json OUT.json N [--minimal|--tiny] [--max-bytes B]

N services (ids gen-000001 ...), in the shipped catalogue's categories:
  default    copies of the shipped services in turn (full guides: about
             4.4 KB each, as a real site's), without forms or the help
             service, so a file of N of them is valid;
  --minimal  the smallest valid service (one condition, one step, short
             texts in the fallback language: one line of about 300
             bytes), so 16 MiB holds more than the issue's 45,000.
  --tiny     minimal, with every list as long as allowed and its entries
             as short as possible: the most values per byte (about 2.5 KB
             a service), the worst case for the parser's memory.
--max-bytes stops adding services before the file would pass B bytes (for
"the most a 16 MiB file may hold"). Writes one member per line as editors
do. Prints the number of services and the size. Standard library only.
"""
import json
import sys


def minimal(i, category):
    # plain strings are the fallback language's text (zh)
    return {
        "id": "gen-%06d" % i,
        "name": "事项%d" % i,
        "department": "某局",
        "category": category,
        "kiosk": False,
        "needs_identity": False,
        "conditions": ["无"],
        "materials": [],
        "steps": ["到窗口办理"],
        "fees": "不收费",
        "window": "1号",
        "address": "一楼",
        "phone": "12345",
        "hours": "工作日",
        "time_limit": {"legal_days": 0, "promised_days": 0},
    }


def tiny(i, category):
    # valid, but every list as long as allowed with the shortest entries:
    # the most values (and so jansson's tree) per byte
    s = minimal(i, category)
    s["conditions"] = ["无"] * 50
    s["steps"] = ["办"] * 50
    s["materials"] = [{"name": "证", "count": 1, "form": "original"}] * 26
    s["keywords"] = ["k%d" % j for j in range(50)]
    s["pinyin"] = ["a"] * 50
    return s


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    opts = argv[1:]
    if len(args) < 3:
        sys.stderr.write(__doc__)
        return 2
    shipped, out, n = args[0], args[1], int(args[2])
    small = "--minimal" in opts or "--tiny" in opts
    make = tiny if "--tiny" in opts else minimal
    max_bytes = None
    if "--max-bytes" in opts:
        max_bytes = int(opts[opts.index("--max-bytes") + 1])
    with open(shipped, encoding="utf-8") as f:
        cat = json.load(f)
    cats = [c["id"] for c in cat["categories"]]
    base = []
    for s in cat["services"]:
        s = dict(s)
        s.pop("form", None)
        s.pop("certificate", None)
        base.append(s)
    head = {"version": cat["version"], "categories": cat["categories"]}
    text = json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "services": [\n'
    size = len(text.encode())
    parts = []
    for i in range(n):
        if small:
            s = make(i, cats[i % len(cats)])
        else:
            s = dict(base[i % len(base)])
            s["id"] = "gen-%06d" % i
        if small:   # one service per line, no spaces: the most per byte
            t = "  " + json.dumps(s, ensure_ascii=False, separators=(",", ":"))
        else:
            t = json.dumps(s, ensure_ascii=False, indent=1)
            t = "  " + t.replace("\n", "\n  ")
        b = len(t.encode()) + 2
        if max_bytes is not None and size + b + 8 > max_bytes:
            break
        parts.append(t)
        size += b
    text += ",\n".join(parts) + "\n ]\n}\n"
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)
    print("%d services, %d bytes (%.1f MiB)" % (len(parts), len(text.encode()),
                                                len(text.encode()) / 1048576))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
