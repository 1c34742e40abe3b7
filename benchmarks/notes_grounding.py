"""How well the notes verification keeps what is right and stops what is wrong, with a good model's answers.

Each labelled conversation of benchmarks/grounding/<set>/ (written by someone who had not read the checks) is served
as a txt transcript and submitted to a real ``aftercall serve`` as a ``soap-notes`` job with ``transcriptUri``; the
language model is tests/scripted_llm.py, an OpenAI-compatible server that replays the conversation's scripted answers
(and plays a fallible judge for the second reading). The kept SOAP statements and concepts are compared with the
labels:

  recall = correct items kept / correct items          leak = wrong items kept as stated / wrong items

per error class, for SOAP and concepts, with the model's second reading off and on (AFTERCALL_NOTES_JUDGE), at a
16k-token context.

    .venv/bin/python benchmarks/notes_grounding.py [--set dev|heldout|all] [--judge off,on] [--explain]

--explain lists every correct item dropped (with the reason the note's metadata gives) and every wrong one kept.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from tests.e2e.conftest import Server  # noqa: E402
from tests.jobs import post, transcript_job, wait  # noqa: E402
from tests.scripted_llm import Script, conversations, scripted_llm  # noqa: E402

from aftercall.notes import drugs  # noqa: E402

# The context a 7-8B model is served with (llama-server -c 16384, Ollama num_ctx 16384): a visit fits one chunk, so
# no scripted item is lost for citing turns on both sides of a chunk boundary.
CONTEXT_TOKENS = 16384


def kept(item: dict[str, Any], soap: dict[str, Any], concepts: dict[str, Any], *, concept: bool) -> bool:
    """Whether what the item states reached the note. A drug concept is the drug: the dictionary's entry for the same
    drug, category and polarity stands for the model's (it carries no dose), so a wrong dose reaches the note only
    if the note says that dose."""
    text = " ".join(item["text"].split())
    if not concept:
        return any(s["text"] == text for s in soap.get(item["section"], []))
    names = {m.name for m in drugs.find(text)}
    doses = set(re.findall(r"\d+(?:\.\d+)?", text))
    for c in concepts["concepts"]:
        if c["category"] != item["category"] or c["negated"] != item["negated"]:
            continue
        same_drug = names and names <= {c["text"], *(m.name for m in drugs.find(c["text"]))}  # (its own name)
        dose_said = doses <= set(re.findall(r"\d+(?:\.\d+)?", c["text"]))
        if c["text"].lower() == text.lower() or (same_drug and (item["correct"] or dose_said)):
            return True
    return False


class Tally:
    def __init__(self) -> None:
        self.counts: dict[tuple[str, str, bool], list[int]] = defaultdict(lambda: [0, 0])  # (kind, class, correct)
        self.notes: list[str] = []

    def add(self, kind: str, item: dict[str, Any], was_kept: bool) -> None:
        cell = self.counts[(kind, item["class"], item["correct"])]
        cell[0] += was_kept
        cell[1] += 1

    def rate(self, kind: str | None, correct: bool, cls: str | None = None) -> tuple[int, int]:
        cells = [v for (k, c, ok), v in self.counts.items() if ok is correct and kind in (None, k) and cls in (None, c)]
        return sum(v[0] for v in cells), sum(v[1] for v in cells)


def score(tally: Tally, conversation: dict[str, Any], soap: dict[str, Any], concepts: dict[str, Any]) -> None:
    dropped = {
        (d["text"], d.get("section") or d.get("category")): d["reason"]
        for doc in (soap, concepts)
        for d in doc["metadata"].get("dropped_items", [])
    }
    for kind, items in (("soap", conversation["soap"]), ("concepts", conversation["concepts"])):
        for item in items:
            was_kept = kept(item, soap, concepts, concept=kind == "concepts")
            tally.add(kind, item, was_kept)
            if was_kept != item["correct"]:
                key = (" ".join(item["text"].split()), item.get("section") or item.get("category"))
                why = dropped.get(key, "merged or absent") if not was_kept else "KEPT"
                verdict = "dropped" if item["correct"] else "leaked"
                tally.notes.append(f"{conversation['id']} {kind} {verdict} [{item['class']}] ({why}): {item['text']}")


def report(tally: Tally, title: str) -> None:
    print(f"\n## {title}")
    print(f"{'':22} {'SOAP':>14} {'concepts':>14} {'all':>14}")
    for correct, name in ((True, "recall"), (False, "leak")):
        row = []
        for kind in ("soap", "concepts", None):
            n, total = tally.rate(kind, correct)
            row.append(f"{n / total:.3f} ({n}/{total})" if total else "-")
        print(f"{name:22} {row[0]:>14} {row[1]:>14} {row[2]:>14}")
    classes = sorted({(ok, c) for (_, c, ok) in tally.counts}, key=lambda x: (not x[0], x[1]))
    for correct, cls in classes:
        row = []
        for kind in ("soap", "concepts", None):
            n, total = tally.rate(kind, correct, cls)
            row.append(f"{n}/{total}" if total else "-")
        label = f"{'recall' if correct else 'leak'} {cls}"
        print(f"  {label:20} {row[0]:>14} {row[1]:>14} {row[2]:>14}")


def run(set_names: list[str], judge: str, explain: bool) -> Tally:
    chosen = [c for name in set_names for c in conversations(name)]
    script = Script(chosen)
    tally = Tally()
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        base = stack.enter_context(scripted_llm(script))
        env = {
            "AFTERCALL_LLM_ENGINE": "openai",
            "AFTERCALL_LLM_BASE_URL": f"{base}/v1",
            "AFTERCALL_NOTES_JUDGE": judge,
            "AFTERCALL_NOTES_AUDIT": "true",
            "AFTERCALL_LLM_CONTEXT_TOKENS": str(CONTEXT_TOKENS),
        }
        server = Server(Path(tmp) / "data", **env)
        server.start()
        stack.callback(server.kill)
        api = stack.enter_context(server.client())
        for conversation in chosen:
            uri = f"{base}/transcripts/{conversation['id']}.txt"
            job_id = post(api, transcript_job(uri, template="bench/{job_id}"))
            job = wait(api, job_id, timeout=300)
            if job["status"] != "finished":
                raise SystemExit(f"{conversation['id']}: the job failed: {job.get('error')}")
            links = api.get(f"/v1/batch-processor/{job_id}/access-link").json()
            soap = httpx.get(links["soap"]["link"], timeout=30).json()
            concepts = httpx.get(links["concept"]["link"], timeout=30).json()
            score(tally, conversation, soap, concepts)
    if script.unserved() or script.invalid:
        print(f"(never answered: {script.unserved()} scripted items, over every answer's item limit or outside the")
        print(f" chunks; {script.invalid} the request's schema does not allow)")
    if explain:
        print("\n".join(sorted(tally.notes)))
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", default="dev", choices=["dev", "heldout", "all"])
    parser.add_argument("--judge", default="off,on")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    sets = ["dev", "heldout"] if args.set == "all" else [args.set]
    figures = {}
    for judge in args.judge.split(","):
        started = time.monotonic()
        tally = run(sets, judge, args.explain)
        report(tally, f"set {args.set}, second reading {judge} ({time.monotonic() - started:.0f} s)")
        figures[judge] = {
            name: {kind or "all": tally.rate(kind, correct) for kind in ("soap", "concepts", None)}
            for name, correct in (("recall", True), ("leak", False))
        }
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
