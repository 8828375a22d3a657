"""Checks what a headless kiosk said (kiosk --speech DIR): DIR/speech.tsv
lists every utterance (voice.h), DIR/NNNNN-TAG.wav holds its sound.

- no utterance failed in the engine;
- each WAV file is a 16-bit PCM WAV whose data is exactly the frames the
  list says (a file cut by the next utterance included);
- each utterance that ran to its end lasted a plausible time for its
  characters: at least 40 ms and at most 0.6 s each, plus 2 s of pauses
  (English runs about 15 characters a second, Mandarin 4 to 5);
- every tag on the script's "# speaks: TAG ..." line (screen names,
  "dialog", "focus", "volume", "repeat") has an utterance that ran to its
  end.
Prints the utterances' count and the time to the first sound.
Usage: check_speech.py DIR SCRIPT
"""
import os
import struct
import sys

MIN_S, MAX_S, PAUSES_S = 0.04, 0.6, 2.0


def wav_frames(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"RIFF" or data[8:16] != b"WAVEfmt ":
        raise ValueError("not a RIFF/WAVE file")
    fmt, channels, rate = struct.unpack("<HHI", data[20:28])
    bits = struct.unpack("<H", data[34:36])[0]
    if fmt != 1 or bits != 16 or data[36:40] != b"data":
        raise ValueError("not 16-bit PCM")
    size = struct.unpack("<I", data[40:44])[0]
    if 44 + size != len(data):
        raise ValueError("data chunk says %d bytes, the file holds %d" % (size, len(data) - 44))
    return size // (2 * channels), rate, channels


def main():
    folder, script = sys.argv[1], sys.argv[2]
    want = []
    with open(script, encoding="utf-8") as f:
        for line in f:
            if line.startswith("# speaks:"):
                want += line[len("# speaks:"):].split()
    rows = []
    with open(os.path.join(folder, "speech.tsv"), encoding="utf-8") as f:
        for line in f:
            seq, tag, voice, chars, rate, channels, frames, state, first_us, name = \
                line.rstrip("\n").split("\t")
            rows.append(dict(seq=int(seq), tag=tag, voice=voice, chars=int(chars),
                             rate=int(rate), channels=int(channels), frames=int(frames),
                             state=state, first_us=int(first_us), file=name))
    problems = []
    for r in rows:
        where = "utterance %d (%s, %s)" % (r["seq"], r["tag"], r["voice"])
        if r["state"] == "failed":
            problems.append(where + ": failed in the engine")
            continue
        if r["file"] == "-":
            # cut before its first sound: the next utterance came first
            if not (r["state"] == "cut" and r["frames"] == 0):
                problems.append(where + ": no WAV file")
            continue
        try:
            frames, rate, channels = wav_frames(os.path.join(folder, r["file"]))
        except (OSError, ValueError) as e:
            problems.append("%s: %s: %s" % (where, r["file"], e))
            continue
        if frames != r["frames"] or rate != r["rate"]:
            problems.append("%s: the file has %d frames at %d Hz, the list %d at %d"
                            % (where, frames, rate, r["frames"], r["rate"]))
        if r["state"] == "done":
            secs = frames / rate
            lo, hi = MIN_S * r["chars"], MAX_S * r["chars"] + PAUSES_S
            if not lo <= secs <= hi:
                problems.append("%s: %d characters in %.2f s, outside %.2f..%.2f s"
                                % (where, r["chars"], secs, lo, hi))
    done = {r["tag"] for r in rows if r["state"] == "done"}
    for tag in want:
        if tag not in done:
            problems.append("no finished utterance tagged %s (finished: %s)"
                            % (tag, " ".join(sorted(done)) or "none"))
    if not want:
        problems.append("%s has no '# speaks:' line" % script)
    firsts = sorted(r["first_us"] for r in rows if r["first_us"])
    if firsts:
        print("speech: %d utterances (%d finished), first sound after %.0f ms (median)"
              % (len(rows), sum(r["state"] == "done" for r in rows),
                 firsts[len(firsts) // 2] / 1000))
    for p in problems:
        print("speech: FAIL: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
