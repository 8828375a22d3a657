#!/bin/sh
# Speech end to end: runs SCRIPT headless with --speech, so every utterance
# is synthesised by the real engine (espeak-ng) and written as a WAV file,
# then checks the files (check_speech.py): each utterance that ran to its
# end has a length plausible for its text, no utterance failed in the
# engine, and every screen the script's "# speaks:" line names spoke.
# Usage: voice.sh KIOSK CONF SCRIPT SHOTS WORKDIR
set -u
kiosk=$1 conf=$2 script=$3 shots=$4 work=$5
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" "$shots"
mkdir -p "$work/speech"
command -v espeak-ng >/dev/null || { echo "voice: espeak-ng is not installed"; exit 1; }
"$kiosk" --headless --config "$conf" --script "$script" --shots "$shots" \
    --data-dir "$work/data" --speech "$work/speech" >"$work/kiosk.log" 2>&1 || {
    tail -n 60 "$work/kiosk.log"; echo "voice: FAIL: the script failed"; exit 1; }
tail -n 1 "$work/kiosk.log"
python3 "$here/check_speech.py" "$work/speech" "$script"
