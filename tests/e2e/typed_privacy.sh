#!/bin/sh
# Nothing typed reaches a log or a file: run the Chinese text-entry session
# (pinyin and handwriting into the search box) headless and check that the
# log never shows what was typed, and that the input engine kept no user
# dictionary in the data directory (Rime writes *.userdb when it learns).
#   typed_privacy.sh KIOSK CONFIG SCRIPT DATA_DIR
set -eu
kiosk=$1 config=$2 script=$3 data=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$data"
"$kiosk" --headless --config "$config" --script "$script" --shots "$work/shots" \
    --data-dir "$data" >"$work/stdout.log" 2>"$work/stderr.log" || {
    echo "typed_privacy: the session script failed"; cat "$work/stderr.log"; exit 1; }
found=0
# what the script typed: pinyin, the words chosen, the English word
for typed in shebao "she bao" gongjijin 社保 公积金 pension gong; do
    if grep -qF -- "$typed" "$work/stdout.log" "$work/stderr.log"; then
        echo "typed_privacy: the log contains '$typed'"; found=1
    fi
done
learned=$(find "$data" -name '*.userdb*' | head -n 1)
if [ -n "$learned" ]; then
    echo "typed_privacy: the input engine kept a user dictionary: $learned"; found=1
fi
[ -d "$data/ime/rime" ] || { echo "typed_privacy: pinyin never started ($data/ime/rime)"; found=1; }
[ "$found" -eq 0 ] || exit 1
echo "typed_privacy: $(cat "$work/stdout.log" "$work/stderr.log" | wc -l) log lines; nothing typed, no user dictionary"
