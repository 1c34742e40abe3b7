#!/usr/bin/env bash
# Regenerates the committed test media (needs Debian's espeak-ng, sox and ffmpeg). Keep it small.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

espeak-ng -v en-us -s 150 -w "$tmp/raw.wav" \
  "Hello, this is a test of the transcription service. The weather today is sunny and warm."
sox -D "$tmp/raw.wav" -r 16000 -c 1 -b 16 speech.wav
espeak-ng -v fr -s 140 -w "$tmp/fr.wav" "Bonjour, je voudrais prendre un rendez-vous avec le médecin demain matin."
sox -D "$tmp/fr.wav" -r 16000 -c 1 -b 16 "$tmp/fr16.wav"
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }
ff -i speech.wav -c:a libmp3lame -b:a 32k speech.mp3
ff -i speech.wav -c:a aac -b:a 32k speech.m4a
ff -i speech.wav -c:a libopus -b:a 24k speech.ogg
ff -i speech.wav -c:a libopus -b:a 24k speech.webm
ff -f lavfi -i color=c=black:s=64x64:r=5 -i speech.wav -shortest -c:v libx264 -pix_fmt yuv420p \
   -c:a aac -b:a 32k speech.mp4
ff -i "$tmp/fr16.wav" -c:a libopus -b:a 24k french.ogg
# No faststart: the moov atom sits at the end, so cutting the file in half loses it.
# dialogue.ogg: dialogue.txt read by two voices (D: doctor, P: patient), half a second between turns.
turns=()
while IFS='|' read -r who text; do
  if [ "$who" = D ]; then voice=(-v en-us+m3 -s 150 -p 40); else voice=(-v en-gb+f4 -s 160 -p 70); fi
  espeak-ng "${voice[@]}" -w "$tmp/raw.wav" "$text"
  sox -D "$tmp/raw.wav" -r 16000 -c 1 -b 16 "$tmp/turn${#turns[@]}.wav" pad 0 0.5
  turns+=("$tmp/turn${#turns[@]}.wav")
done < dialogue.txt
sox -D "${turns[@]}" "$tmp/dialogue.wav"
ff -i "$tmp/dialogue.wav" -c:a libopus -b:a 24k dialogue.ogg
head -c "$(( $(stat -c %s speech.mp4) / 2 ))" speech.mp4 > truncated.mp4
sox -D -n -r 16000 -c 1 -b 16 silence.wav trim 0 3
: > empty.wav
printf 'Meeting notes\nThis file is plain text, not media.\n' > notes.bin
printf '<!doctype html><html><body><h1>Not media</h1></body></html>\n' > page.html
