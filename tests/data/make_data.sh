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
# Calls for the diarization tests: each "X|words" line of a script is read by voice X, half a second between
# turns. call SCRIPT NAME X=voice:speed:pitch... writes $tmp/NAME.wav, one track per voice ($tmp/NAME-X.wav: that
# voice's turns, silence elsewhere) and NAME.turns ("start end X" per turn, seconds: the reference the tests and
# benchmarks/diarization.py score against).
call() {
  local script=$1 name=$2 offset=0 i=0; shift 2
  declare -A voice tracks
  for spec in "$@"; do voice[${spec%%=*}]=${spec#*=}; done
  : > "$name.turns"; local parts=()
  while IFS='|' read -r who text; do
    IFS=: read -r v speed pitch <<< "${voice[$who]}"
    espeak-ng -v "$v" -s "$speed" -p "$pitch" -w "$tmp/raw.wav" "$text"
    sox -D "$tmp/raw.wav" -r 16000 -c 1 -b 16 "$tmp/$name-$i.wav" pad 0 0.5
    sox -D "$tmp/$name-$i.wav" "$tmp/$name-$i-silent.wav" vol 0
    local length; length=$(soxi -D "$tmp/$name-$i.wav")
    awk -v a="$offset" -v n="$length" -v who="$who" 'BEGIN { printf "%.3f %.3f %s\n", a, a + n - 0.5, who }' \
      >> "$name.turns"
    offset=$(awk -v a="$offset" -v n="$length" 'BEGIN { print a + n }')
    parts+=("$tmp/$name-$i.wav")
    for x in "${!voice[@]}"; do
      if [ "$x" = "$who" ]; then tracks[$x]+=" $tmp/$name-$i.wav"; else tracks[$x]+=" $tmp/$name-$i-silent.wav"; fi
    done
    i=$((i + 1))
  done < "$script"
  sox -D "${parts[@]}" "$tmp/$name.wav"
  for x in "${!voice[@]}"; do sox -D ${tracks[$x]} "$tmp/$name-$x.wav"; done
}
opus() { ff -i "$1" -c:a libopus -b:a 24k "$2"; }
doctor=en-us+m3:150:40 patient=en-gb+f4:160:70 nurse=en-us+f2:165:55 patient_m=en-gb+m1:160:60
call dialogue.txt dialogue "D=$doctor" "P=$patient" && opus "$tmp/dialogue.wav" dialogue.ogg  # female/male
call dialogue.txt male_pair "D=$doctor" "P=$patient_m" && opus "$tmp/male_pair.wav" male_pair.ogg  # male/male
call trio.txt trio "D=$doctor" "P=$patient" "N=$nurse" && opus "$tmp/trio.wav" trio.ogg  # three voices
# A phone call: the dialogue through an 8 kHz telephone band.
sox -D "$tmp/dialogue.wav" -r 8000 "$tmp/phone.wav" sinc 300-3400 && opus "$tmp/phone.wav" phone.ogg
cp dialogue.turns phone.turns
# A stereo call, one voice per channel: the doctor on the left, the patient on the right.
sox -D -M "$tmp/dialogue-D.wav" "$tmp/dialogue-P.wav" "$tmp/stereo.wav" && opus "$tmp/stereo.wav" stereo.ogg
cp dialogue.turns stereo.turns
# No faststart: the moov atom sits at the end, so cutting the file in half loses it.
head -c "$(( $(stat -c %s speech.mp4) / 2 ))" speech.mp4 > truncated.mp4
sox -D -n -r 16000 -c 1 -b 16 silence.wav trim 0 3
: > empty.wav
printf 'Meeting notes\nThis file is plain text, not media.\n' > notes.bin
printf '<!doctype html><html><body><h1>Not media</h1></body></html>\n' > page.html
