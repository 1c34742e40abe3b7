"""How much memory reading a long recording takes: peak RSS of a fresh process for each way, side by side.

A recording of ``--hours`` of low noise (made at run time with FFmpeg, as FLAC written to a pipe, so it declares no
length, the worst case) is read three ways, each in its own process:
  * naive:   decode into a list of pieces and join them (how both the upload check, for media that declares no
             length, and a job read it before: the sound held twice at the end);
  * measure: ``media.probe``, the upload check (counts frames and keeps nothing);
  * decode:  ``media.decode``, what a job reads (blocks joined one at a time).
Prints each peak RSS above the interpreter's own baseline and the ratios. Targets: measuring stays flat whatever the
length; decoding holds the sound about once, as 16-bit PCM (115 MB an hour at 16 kHz).

With ``--job``, a whole transcript job (``aftercall run``: decode, speech recognition with the default model,
speakers) of a recording of that length, half an hour at a time 85 s of a two-voice conversation then low noise
(no length declared), and its peak RSS, whole. Target: under 1.5 GB for 6 hours.

    .venv/bin/python benchmarks/decode_memory.py [--hours 1] [--job]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_BASELINE = (
    "import resource, av, numpy; from aftercall import media; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
)
_WAYS = {
    "naive": "naive(path)",
    "measure": "media.probe(path, max_seconds=1e9)",
    "decode": "media.decode(path, max_seconds=1e9).samples.shape",
}
DIALOGUE = ROOT / "tests" / "data" / "dialogue.ogg"
_UNIT_SECONDS = 1800
_CHILD_PEAK = "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
_CHILD_PEAK += "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
_NAIVE = """
def naive(path):
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="fltp", layout="mono", rate=16000)
        chunks = [o.to_ndarray() for f in container.decode(stream) for o in resampler.resample(f)]
    return numpy.concatenate(chunks, axis=1).astype(numpy.float32, copy=False).shape
"""


def peak_mb(code: str, path: Path) -> float:
    script = f"import resource, av, numpy\nfrom pathlib import Path\nfrom aftercall import media\n{_NAIVE}\n"
    script += f"path = Path({str(path)!r})\n{code}\nprint(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    return int(out.stdout.split()[-1]) / 1024


def job_peak_mb(hours: float, tmp: Path) -> float:
    """Peak RSS of ``aftercall run`` on ``hours`` of half-hour units (a conversation, then noise), in MB."""
    unit = tmp / "unit.wav"
    noise = ["-f", "lavfi", "-i", "anoisesrc=a=0.01:r=16000:c=pink", "-i", str(DIALOGUE)]
    mix = "[1:a]aresample=16000,aformat=channel_layouts=mono[s];[s][0:a]concat=n=2:v=0:a=1,atrim=0:1800[u]"
    ffmpeg = ["ffmpeg", "-v", "error", "-y"]
    subprocess.run([*ffmpeg, *noise, "-filter_complex", mix, "-map", "[u]", "-ac", "1", str(unit)], check=True)
    path = tmp / "call.flac"
    repeats = int(hours * 3600 // _UNIT_SECONDS)
    with path.open("wb") as out:
        loop = ["-stream_loop", str(repeats - 1), "-i", str(unit), "-f", "flac", "pipe:1"]
        subprocess.run([*ffmpeg, *loop], stdout=out, check=True)
    run = [str(Path(sys.executable).with_name("aftercall")), "run", str(path), "--out", str(tmp / "out")]
    peak = subprocess.run([sys.executable, "-c", _CHILD_PEAK, *run], capture_output=True, text=True, check=True)
    return int(peak.stdout.split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hours", type=float, default=1.0)
    parser.add_argument("--job", action="store_true", help="run a whole transcript job of that length")
    args = parser.parse_args()
    if args.job:
        with tempfile.TemporaryDirectory() as tmp:
            peak = job_peak_mb(args.hours, Path(tmp))
        print(f"a transcript job of {args.hours:g} h (speakers on, default model): peak RSS {peak:.0f} MB")
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long.flac"
        seconds = int(args.hours * 3600)
        with path.open("wb") as out:  # through a pipe: FFmpeg cannot go back to write the length
            noise = ["-f", "lavfi", "-i", "anoisesrc=a=0.01:r=16000:c=pink", "-t", str(seconds), "-ac", "1"]
            subprocess.run(["ffmpeg", "-v", "error", *noise, "-f", "flac", "pipe:1"], stdout=out, check=True)
        baseline = int(subprocess.run([sys.executable, "-c", _BASELINE], capture_output=True, text=True,
                                      check=True, cwd=ROOT).stdout.split()[-1]) / 1024  # fmt: skip
        peaks = {name: peak_mb(code, path) - baseline for name, code in _WAYS.items()}
    print(f"{args.hours:g} h of audio declaring no length; peak RSS above the interpreter's {baseline:.0f} MB:")
    for name, mb in peaks.items():
        print(f"  {name:16} {mb:8.0f} MB")
    print(f"measure / naive: {peaks['measure'] / peaks['naive']:.3f}")
    print(f"decode / naive:  {peaks['decode'] / peaks['naive']:.3f}")
    print(f"decode per hour of sound: {peaks['decode'] / args.hours:.0f} MB (16-bit PCM at 16 kHz is 115 MB)")


if __name__ == "__main__":
    main()
