#!/usr/bin/env python3
"""Looks in a memory dump for the fields of a demo card.

    memory_wipe.py CARD.json DUMP [TYPED...]

Fields: the ID number, the name (Chinese and Latin) and the address, each
in UTF-8, UTF-16LE (the card's own text block is UCS-2 LE), UTF-16BE,
UTF-32LE (what a text renderer works in) and GB18030; the ID number is
plain ASCII digits in UTF-8. The address is also looked for by its
second half alone, so a copy cut where a line was broken is found too.
TYPED are further values the session typed (a phone number), looked
for in the same encodings. Prints each value found, masked, with its encoding and how often, and
exits 1 when anything is found. Never prints a value in full.
"""
import json
import os
import sys

ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "gb18030")


def masked(value):
    if len(value) <= 2:
        return value[0] + "*" * (len(value) - 1)
    return value[0] + "*" * (len(value) - 2) + value[-1]


def main():
    card_path, dump_path = sys.argv[1], sys.argv[2]
    with open(card_path, encoding="utf-8") as f:
        card = json.load(f)
    fields = []
    for key in ("id_number", "name", "name_en", "address", "pass_number"):
        value = card.get(key)
        if value:
            fields.append((key, value))
    address = card.get("address", "")
    if len(address) >= 8:
        fields.append(("address (second half)", address[len(address) // 2:]))
    for value in sys.argv[3:]:
        fields.append(("typed text", value))
    with open(dump_path, "rb") as f:
        dump = f.read()
    name = os.path.basename(dump_path)
    found = 0
    for key, value in fields:
        seen = set()
        for enc in ENCODINGS:
            try:
                needle = value.encode(enc)
            except UnicodeEncodeError:
                continue
            # digits are the same bytes in UTF-8 and GB18030: count once
            if needle in seen:
                continue
            seen.add(needle)
            n = dump.count(needle)
            if n:
                found += 1
                print("memory_wipe: %s: %s %s found in %s, %d time%s"
                      % (name, key, masked(value), enc, n, "" if n == 1 else "s"))
    print("memory_wipe: %s: %d MiB searched, %s"
          % (name, len(dump) >> 20, "%d finding%s" % (found, "" if found == 1 else "s")
             if found else "none of the card's fields"))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
