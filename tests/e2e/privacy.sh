#!/bin/sh
# Privacy: run a whole sign-in session headless (every demo card, errors,
# idle reset) and scan EVERYTHING the kiosk wrote -- its stdout and stderr
# (the log), the screenshots, the data directory -- for the personal data
# on the cards: full ID numbers (any valid 18-character GB 11643 number,
# not only the fixtures'), names and addresses. Masked forms are fine.
# With form sessions, the outbox database (.db, -wal, -shm) is in the data
# directory too, and EXTRA names what the script typed (phone numbers,
# comma separated) that must not appear in the clear either.
# SCRIPT may be several scripts separated by ':', run one after the other on
# the same data directory (a day of residents). The kiosk's temporary
# files (TMPDIR) are scanned too.
#   privacy.sh KIOSK CONFIG SCRIPT[:SCRIPT...] CARDS_DIR DATA_DIR [EXTRA]
set -eu
kiosk=$1 config=$2 scripts=$3 cards=$4 data_dir=$5 extra=${6:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$data_dir"
mkdir -p "$work/tmp"

n=0
for script in $(echo "$scripts" | tr ':' ' '); do
    n=$((n + 1))
    TMPDIR="$work/tmp" "$kiosk" --headless --config "$config" --script "$script" \
        --shots "$work/shots/$n" --data-dir "$data_dir" \
        >>"$work/stdout.log" 2>>"$work/stderr.log" || {
        echo "privacy: the session script $script failed"; tail -n 40 "$work/stderr.log"; exit 1; }
done
[ -d "$data_dir" ] && cp -r "$data_dir" "$work/data" 2>/dev/null || true

# Fixture values: every name, address and number field of every card.
fields=$( (sed -n 's/^ *"\(name\|name_en\|address\|id_number\|pass_number\)": *"\([^"]*\)".*/\2/p' \
    "$cards"/*.json; echo "$extra" | tr ',' '\n') | sort -u)
found=0
for f in $(find "$work" -type f); do
    echo "$fields" | while IFS= read -r v; do
        [ -n "$v" ] || continue
        if grep -qF -- "$v" "$f"; then
            echo "privacy: '$f' contains a card field (${#v} bytes)"; exit 1
        fi
    done || found=1
    # any valid 18-character ID number, masked or not in the fixtures
    if grep -aoE '[0-9]{17}[0-9Xx]' "$f" | awk '
        BEGIN { split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " "); map = "10X98765432" }
        { s = 0; for (i = 1; i <= 17; i++) s += substr($0, i, 1) * w[i]
          c = substr(map, s % 11 + 1, 1); if (toupper(substr($0, 18, 1)) == c) { bad = 1 } }
        END { exit bad ? 0 : 1 }'; then
        echo "privacy: '$f' contains a valid 18-character ID number"; found=1
    fi
done
lines=$(cat "$work/stdout.log" "$work/stderr.log" | wc -l)
files=$(find "$work" -type f | wc -l)
if [ "$found" -ne 0 ]; then
    exit 1
fi
echo "privacy: $files files, $lines log lines scanned; no personal data found"
