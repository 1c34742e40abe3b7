"""The dashboard in a real browser: Debian's headless Chromium driven by Playwright, against a real ``aftercall
serve``. Set AFTERCALL_SCREENSHOTS=DIR to keep a screenshot of each main page (docs/ holds the committed ones)."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import KEY, Server, free_port
from tests.e2e.helpers import download_outputs
from tests.jobs import job_body, post, recording_job, submit, wait
from tests.receiver import receiver

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = os.environ.get("AFTERCALL_SCREENSHOTS")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (Debian package chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        autoplay = "--autoplay-policy=no-user-gesture-required"
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[autoplay])
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server: Server):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server.base + "/")
    yield page
    context.close()
    assert not errors, f"the page raised: {errors}"


def sign_in(page, key: str = KEY) -> None:
    page.fill("#key-input", key)
    page.click("#key-form button")
    page.wait_for_selector("#jobs-view", state="visible")


def recording_of(api, job_id: str) -> str:
    return api.get(f"/v1/batch-processor/{job_id}").json()["input"]["recordingId"]


def screenshot(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / f"dashboard-{name}.png"), full_page=True)


def test_a_wrong_key_is_refused_with_the_apis_sentence(page):
    page.fill("#key-input", "not-the-key")
    page.click("#key-form button")
    page.wait_for_selector("#key-error:not(:empty)")
    assert page.is_visible("#key-view")
    assert "key" in page.text_content("#key-error").lower()


def test_upload_to_transcript_with_speakers_that_seek_the_player(page, api, data):
    sign_in(page)
    page.set_input_files("#file-input", str(data / "dialogue.ogg"))
    page.click("#submit-job")
    page.wait_for_url("**/#job/*")
    job_id = page.url.rsplit("/", 1)[1]
    assert wait(api, job_id)["status"] == "finished"
    page.wait_for_selector("#transcript .utterance", timeout=30_000)

    speakers = page.eval_on_selector_all("#transcript .utterance", "ps => ps.map(p => p.dataset.speaker)")
    assert set(speakers) == {"0", "1"}
    colours = page.eval_on_selector_all(
        "#transcript .utterance .speaker", "spans => [...new Set(spans.map(s => getComputedStyle(s).color))]"
    )
    assert len(colours) == 2, "each speaker in its own colour"
    assert page.text_content("#job-status").startswith("finished")
    formats = page.eval_on_selector_all("#downloads a", "links => links.map(a => a.textContent)")
    assert sorted(formats) == ["json", "srt", "txt", "vtt"]
    named = page.eval_on_selector_all("#downloads a", "links => links.map(a => a.getAttribute('download'))")
    assert {name.split(".")[0] for name in named} == {"dialogue"}, "named after the uploaded file"
    page.click("nav a[href='#jobs']")
    source = page.wait_for_selector(f"tr[data-job='{job_id}'] .source").text_content()
    assert source == "Recording dialogue.ogg · en", "the upload's own name, not its id"
    page.go_back()
    page.wait_for_selector("#transcript .utterance")

    later = page.query_selector_all("#transcript .seek")[3]
    start = float(later.get_attribute("data-start"))
    assert start > 5
    later.click()
    page.wait_for_function(f"Math.abs(document.getElementById('player').currentTime - {start}) < 1.0")
    screenshot(page, "transcript")

    page.click("nav a[href='#jobs']")
    row = page.wait_for_selector(f"tr[data-job='{job_id}']")
    assert row.query_selector(".status").text_content() == "finished"
    screenshot(page, "jobs")


def test_soap_note_and_concepts_highlight_their_evidence_in_the_transcript(page, api, data):
    sign_in(page)
    page.set_input_files("#file-input", str(data / "dialogue.ogg"))
    page.select_option("#preset", "soap-notes")
    page.click("#submit-job")
    page.wait_for_url("**/#job/*")
    job_id = page.url.rsplit("/", 1)[1]
    assert wait(api, job_id, timeout=600)["status"] == "finished"
    page.wait_for_selector("#concepts tbody tr", timeout=30_000)
    assert page.is_visible("#soap-subjective")
    assert "left out" in page.text_content("#soap-dropped")
    downloads = page.eval_on_selector_all("#downloads a", "links => links.map(a => a.textContent)")
    assert {"soap (JSON)", "concept (JSON)"} <= set(downloads)
    assert page.query_selector_all("#transcript .utterance.evidence") == []

    # The 135M test model's statements rarely survive the evidence checks; the dictionary's concepts always do, and
    # each is the same evidence button a statement is.
    concept = page.query_selector("#concepts button.evidence-link:text-is('Penicillins')")  # "allergic to penicillin"
    cited_at = concept.get_attribute("title").removeprefix("Evidence at ").split(", ")
    concept.click()
    marked = page.wait_for_selector("#transcript .utterance.evidence")
    times = page.eval_on_selector_all("#transcript .utterance.evidence .seek", "bs => bs.map(b => b.textContent)")
    assert times == cited_at, "the turns the concept cites, and only those, are highlighted"
    assert "penicillin" in marked.text_content().lower()
    start = float(marked.get_attribute("data-start"))
    page.wait_for_function(f"Math.abs(document.getElementById('player').currentTime - {start}) < 1.0")
    screenshot(page, "notes")


def test_a_transcript_url_is_summarised_without_transcribing(page, api, media):
    sign_in(page)
    page.fill("#url-input", f"{media}/media/visit.txt")
    page.select_option("#preset", "summarize")
    page.click("#submit-job")
    page.wait_for_url("**/#job/*")
    job = wait(api, page.url.rsplit("/", 1)[1], timeout=600)
    assert job["status"] == "finished", job.get("error")
    assert job["input"]["sourceType"] == "transcriptUri"
    page.wait_for_selector("#notes p.summary", timeout=30_000)
    assert len(page.text_content("#notes p.summary").split()) >= 3
    assert page.query_selector_all("#transcript .utterance") == []
    downloads = page.eval_on_selector_all("#downloads a", "links => links.map(a => a.textContent)")
    assert downloads == ["summary (txt)"]
    named = page.eval_on_selector_all("#downloads a", "links => links.map(a => a.getAttribute('download'))")
    assert named == ["visit-summary.txt"], "named after the source, as aftercall run names its files"


def test_a_failed_job_shows_the_error_sentence_of_the_api(page, api, media):
    sign_in(page)
    page.fill("#url-input", f"{media}/status/404")
    page.click("#job-options summary")
    page.select_option("#opt-redact", ["ssn"])  # submitted again, the job keeps its redaction
    page.click("#submit-job")
    page.wait_for_url("**/#job/*")
    job_id = page.url.rsplit("/", 1)[1]
    error = wait(api, job_id)["error"]
    page.wait_for_function(
        "expected => document.getElementById('job-error').textContent === expected", arg=error, timeout=10_000
    )
    assert error == "Failed to download: 404 Not Found"
    assert page.text_content("#job-status") == "error", "no stage or percent of a job that has ended"
    assert page.text_content("#job-source") == f"Media {media}/status/404"
    assert not page.is_visible("#player"), "no empty player where there is nothing to play"
    page.click("#retry-job")
    page.wait_for_url(lambda url: url.endswith("#job/" + job_id) is False and "#job/" in url)
    again = api.get(f"/v1/batch-processor/{page.url.rsplit('/', 1)[1]}").json()
    first = api.get(f"/v1/batch-processor/{job_id}").json()
    assert (again["preset"], again["input"]) == ("transcript", first["input"])
    assert again["transformParams"] == first["transformParams"]
    assert again["transformParams"]["transcript"]["redact"] == ["ssn"]


def test_switching_jobs_never_shows_the_previous_jobs_transcript(page, api, media):
    """Open a finished job, then a failed one or an unknown id: nothing of the first may stay on the page."""
    finished = submit(api, f"{media}/media/dialogue.ogg")
    failed = submit(api, f"{media}/status/404")
    assert wait(api, finished)["status"] == "finished"
    assert wait(api, failed)["status"] == "error"
    sign_in(page)

    def open_finished() -> None:
        page.goto(f"{page.url.split('#')[0]}#job/{finished}")
        page.wait_for_selector("#transcript .utterance", timeout=30_000)
        page.wait_for_function("document.getElementById('player').getAttribute('src')")
        assert page.query_selector_all("#downloads a")

    def assert_nothing_of_the_finished_job(title: str) -> None:
        page.wait_for_function("t => document.getElementById('job-title').textContent.includes(t)", arg=title)
        assert page.query_selector_all("#transcript *") == []
        assert page.query_selector_all("#downloads *") == []
        assert page.query_selector_all("#notes *") == []
        assert page.get_attribute("#player", "src") is None
        assert finished not in page.inner_html("#job-view")

    open_finished()
    page.click("nav a[href='#jobs']")
    page.click(f"tr[data-job='{failed}'] a")
    assert_nothing_of_the_finished_job(failed)
    assert page.text_content("#job-error") == "Failed to download: 404 Not Found"

    open_finished()
    page.evaluate(f"location.hash = '#job/{failed}'")  # straight from one job to the other
    assert_nothing_of_the_finished_job(failed)

    open_finished()
    page.evaluate("location.hash = '#job/6f1c4d1e-0000-4000-8000-000000000000'")
    page.wait_for_selector("#job-error:not(:empty)")
    assert page.text_content("#job-title") == ""
    assert page.query_selector_all("#transcript *") == []
    assert page.get_attribute("#player", "src") is None
    assert finished not in page.inner_html("#job-view")


def test_the_key_screen_shows_no_navigation_and_its_field_has_the_focus(page):
    assert page.is_visible("#key-view")
    assert not page.is_visible("#nav"), "a hidden element stays hidden whatever its display rule"
    assert page.evaluate("document.activeElement.id") == "key-input"
    sign_in(page)
    assert page.is_visible("#nav")


# The name a screen reader gives the focused element: its ARIA label, its <label>, its text, its title.
FOCUSED_NAME = """() => {
  const e = document.activeElement;
  const label = e.getAttribute("aria-label") || [...(e.labels || [])].map((l) => l.textContent).join(" ");
  return [e.tagName, e.id, (label || e.textContent || e.title || "").trim()];
}"""


def test_a_keyboard_alone_signs_in_submits_opens_a_job_and_seeks_its_audio(page, api, media):
    walked: list[list[str]] = []

    def tab_until(condition: str, *, back: bool = False, limit: int = 60) -> None:
        for _ in range(limit):
            page.keyboard.press("Shift+Tab" if back else "Tab")
            walked.append(page.evaluate(FOCUSED_NAME))
            if page.evaluate(f"() => {{ const e = document.activeElement; return {condition}; }}"):
                return
        raise AssertionError(f"Tab never reached {condition}; it went through {walked[-limit:]}")

    page.keyboard.type(KEY)  # the key field has the focus
    page.keyboard.press("Enter")
    page.wait_for_selector("#jobs-view", state="visible")
    tab_until("e.id === 'url-input'")
    page.keyboard.type(f"{media}/media/dialogue.ogg")
    page.keyboard.press("Enter")
    page.wait_for_url("**/#job/*")
    job_id = page.url.rsplit("/", 1)[1]
    page.wait_for_function("() => document.activeElement.id === 'job-title'")  # the opened page's heading
    assert wait(api, job_id)["status"] == "finished"
    page.wait_for_selector("#transcript .seek", timeout=30_000)
    tab_until("e.classList.contains('seek') && Number(e.dataset.start) > 5")
    start = float(page.evaluate("document.activeElement.dataset.start"))
    page.keyboard.press("Enter")
    page.wait_for_function(f"Math.abs(document.getElementById('player').currentTime - {start}) < 1.0")

    tab_until("e.matches(\"nav a[href='#jobs']\")", back=True)
    page.keyboard.press("Enter")
    page.wait_for_selector(f"tr[data-job='{job_id}']")
    tab_until(f"e.matches(\"tr[data-job='{job_id}'] a\")")
    assert page.text_content(f"tr[data-job='{job_id}'] td.id") == job_id[:8], "the job's id, shortened"
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => document.activeElement.id === 'job-title' && location.hash === '#job/{job_id}'")
    unnamed = [step for step in walked if not step[2]]
    assert not unnamed, f"every control the keyboard reaches has a name: {unnamed}"


def test_the_page_asks_for_no_favicon_names_its_languages_and_its_progress_bars(browser, server, api, media):
    context = browser.new_context()
    page = context.new_page()
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(server.base + "/")
    sign_in(page)
    submit(api, f"{media}/media/speech.wav")
    page.reload()
    page.wait_for_selector("#jobs progress")
    assert not [url for url in asked if "favicon" in url]
    assert page.text_content("#language option[value='fr']") == "French (fr)"
    labels = page.eval_on_selector_all("#jobs progress", "bars => bars.map(b => b.getAttribute('aria-label'))")
    assert labels, "the list shows the job"
    assert all(re.fullmatch(r"Progress of the (transcript|summarize|soap-notes) job of .+", label) for label in labels)
    context.close()


def test_a_double_click_submits_one_job_and_a_file_beside_a_url_is_refused(page, api, media, data):
    sign_in(page)
    before = api.get("/v1/batch-processor").json()["total_count"]
    page.fill("#url-input", f"{media}/media/speech.wav")
    page.dblclick("#submit-job")
    page.wait_for_url("**/#job/*")
    assert api.get("/v1/batch-processor").json()["total_count"] == before + 1, "one click's job, not two"
    page.goto(page.url.split("#")[0] + "#jobs")
    page.set_input_files("#file-input", str(data / "speech.wav"))
    page.fill("#url-input", f"{media}/media/speech.mp3")
    page.click("#submit-job")
    page.wait_for_selector("#submit-error:not(:empty)")
    assert page.text_content("#submit-error") == "Choose a recording or paste a URL, not both."
    assert api.get("/v1/batch-processor").json()["total_count"] == before + 1, "nothing was submitted"


def test_the_job_list_follows_jobs_with_one_request_a_poll_and_keeps_focus(page, api, media):
    sign_in(page)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    first = submit(api, f"{media}/media/speech.wav")  # submitted by a client, not by this page: it appears anyway
    row = page.wait_for_selector(f"tr[data-job='{first}']", timeout=15_000)
    assert row.query_selector(".source").text_content() == f"Media {media}/media/speech.wav · en"
    link = row.query_selector("a")
    link.focus()
    second = submit(api, f"{media}/media/speech.mp3")
    page.wait_for_selector(f"tr[data-job='{second}']", timeout=15_000)
    assert wait(api, first)["status"] == "finished"
    assert wait(api, second)["status"] == "finished"
    page.wait_for_function(
        "id => document.querySelector(`tr[data-job='${id}'] .status`).textContent === 'finished'", arg=second
    )
    assert page.evaluate("document.activeElement.closest('tr').dataset.job") == first, "the row was kept, not rebuilt"
    length = row.query_selector(".length").text_content()
    assert re.fullmatch(r"\d\d:\d\d", length), length
    assert length != "00:00", "the media's length, once known"
    per_job = [url for url in asked if "/v1/batch-processor/" in url]
    assert per_job == [], "the list's items carry their progress: no request per job"
    assert any("/v1/batch-processor?limit=" in url for url in asked)


def test_a_job_and_its_recording_are_deleted_after_confirmation(page, api, data):
    sign_in(page)
    with (data / "speech.wav").open("rb") as f:
        recording = api.post("/v1/recordings", files={"file": ("speech.wav", f, "audio/wav")}).json()["id"]
    job_id = post(api, recording_job(recording))
    assert wait(api, job_id)["status"] == "finished"
    asked: list[str] = []

    def answer(dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss() if len(asked) == 1 else dialog.accept()

    page.on("dialog", answer)
    page.goto(f"{page.url.split('#')[0]}#job/{job_id}")
    page.wait_for_selector("#transcript .utterance", timeout=30_000)
    page.click("#delete-job")  # the first question is dismissed: nothing is deleted
    assert api.get(f"/v1/batch-processor/{job_id}").status_code == 200
    page.click("#delete-job")  # then the job, and the recording too
    page.wait_for_url("**/#jobs")
    assert asked[1].startswith("Delete this transcript job and every file it wrote?")
    assert asked[2] == f"Delete the uploaded recording {recording} as well?"
    assert api.get(f"/v1/batch-processor/{job_id}").status_code == 404
    assert api.get(f"/v1/recordings/{recording}").status_code == 404
    assert not page.query_selector(f"tr[data-job='{job_id}']")


def test_jobs_are_found_by_search_and_filters_and_paged_through(page, api, media):
    token = f"find-me-{os.getpid()}"
    jobs = [submit(api, f"{media}/media/{token}-{n}.wav") for n in range(23)]
    for job_id in jobs:
        assert wait(api, job_id)["status"] == "error"
    sign_in(page)

    def rows() -> list[str]:
        return page.eval_on_selector_all("#jobs tbody tr[data-job]", "rows => rows.map(r => r.dataset.job)")

    page.fill("#filter-search", token)
    page.wait_for_function("() => document.getElementById('jobs-count').textContent === '23 jobs'")
    page.wait_for_function("() => document.querySelectorAll('#jobs tbody tr[data-job]').length === 20")
    assert rows() == jobs[::-1][:20], "newest first"
    page.click("#older-jobs")
    page.wait_for_function("() => document.querySelectorAll('#jobs tbody tr[data-job]').length === 3")
    assert rows() == jobs[::-1][20:]
    assert page.is_disabled("#older-jobs")
    page.click("#newer-jobs")
    page.wait_for_function("() => document.querySelectorAll('#jobs tbody tr[data-job]').length === 20")
    assert rows() == jobs[::-1][:20]
    page.select_option("#filter-status", "finished")
    page.wait_for_selector("#jobs td.hint:text-is('No job matches these filters.')")
    page.select_option("#filter-status", "error")
    page.fill("#filter-search", f"{token}-7")
    page.wait_for_function("() => document.getElementById('jobs-count').textContent === '1 job'")
    assert rows() == [jobs[7]]
    assert page.text_content(f"tr[data-job='{jobs[7]}'] .status") == "error: Failed to download: 404 Not Found"


def test_on_a_phone_nothing_scrolls_sideways_and_the_transcript_follows_the_audio(browser, server, api, data):
    job_id = post(api, recording_job(upload_recording(api, data, "dialogue.ogg")))
    assert wait(api, job_id)["status"] == "finished"
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server.base + "/")
    sign_in(page)
    page.wait_for_selector("#jobs tbody tr[data-job]")
    for view in ("#jobs", "#webhooks", f"#job/{job_id}"):
        page.goto(f"{server.base}/{view}")
        page.wait_for_timeout(300)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, view
    page.wait_for_selector("#transcript .utterance")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the transcript, too"
    title, nav = page.query_selector("header h1").bounding_box(), page.query_selector("#nav").bounding_box()
    overlap = title["x"] < nav["x"] + nav["width"] and nav["x"] < title["x"] + title["width"]
    assert not (overlap and title["y"] < nav["y"] + nav["height"] and nav["y"] < title["y"] + title["height"])
    for box in [button.bounding_box() for button in page.query_selector_all("#transcript .seek")]:
        assert min(box["width"], box["height"]) >= 24, "a target a finger can hit"
    assert page.text_content("#job-language") == "Language: English (en)"
    later = page.query_selector_all("#transcript .utterance")[2]
    later.query_selector(".seek").click()
    page.wait_for_selector("#transcript .utterance.playing")
    playing = page.eval_on_selector_all("#transcript .utterance.playing", "ps => ps.map(p => p.dataset.start)")
    assert playing == [later.get_attribute("data-start")], "the turn being played is marked"
    assert page.evaluate("getComputedStyle(document.getElementById('player')).position") == "sticky"
    screenshot(page, "mobile")
    context.close()


def upload_recording(api, data, name: str) -> str:
    with (data / name).open("rb") as f:
        return api.post("/v1/recordings", files={"file": (name, f, "audio/ogg")}).json()["id"]


def test_a_notes_job_whose_notes_failed_shows_and_links_the_transcripts_it_stored(browser, tmp_path, media):
    dead = f"http://127.0.0.1:{free_port()}/v1"
    srv = Server(tmp_path / "data", AFTERCALL_LLM_ENGINE="openai", AFTERCALL_LLM_BASE_URL=dead)
    srv.start()
    try:
        with srv.client() as api:
            job_id = post(api, job_body(f"{media}/media/dialogue.ogg", preset="summarize"))
            job = wait(api, job_id)
            assert job["status"] == "error"
            assert api.get(f"/v1/batch-processor/{job_id}/access-link").status_code == 400, "Daily's answer stays"
        page = browser.new_page()
        page.goto(f"{srv.base}/")
        sign_in(page)
        page.goto(f"{srv.base}/#job/{job_id}")
        page.wait_for_selector("#transcript .utterance", timeout=30_000)
        assert page.text_content("#job-error").startswith("Summary generation job failed: Error: Failed to summarize")
        formats = page.eval_on_selector_all("#downloads a", "links => links.map(a => a.textContent)")
        assert sorted(formats) == ["json", "srt", "txt", "vtt"], "the transcripts it stored, linked"
        page.close()
    finally:
        srv.kill()


def test_the_forms_options_are_the_jobs_transcript_options(page, api, media):
    sign_in(page)
    sent: list[dict] = []
    page.on(
        "request",
        lambda r: sent.append(r.post_data_json) if r.method == "POST" and r.url.endswith("/batch-processor") else None,
    )
    page.fill("#url-input", f"{media}/media/dialogue.ogg")
    page.click("#job-options summary")
    page.uncheck("#opt-diarize")
    page.fill("#opt-speakers", "2")
    page.select_option("#opt-redact", ["pii", "numbers"])
    page.fill("#opt-keywords", "metformin, Dr. Patel")
    page.check("#opt-profanity")
    page.click("#submit-job")
    page.wait_for_url("**/#job/*")
    assert sent[0]["transformParams"]["transcript"] == {
        "diarize": False,
        "profanity_filter": True,
        "redact": ["pii", "numbers"],
        "extra": {"keywords": ["metformin", "Dr. Patel"], "num_speakers": 2},
    }
    job = wait(api, page.url.rsplit("/", 1)[1])
    assert job["status"] == "finished", "the API took them"
    speakers = {w.get("speaker") for w in json.loads(download_outputs(api, job["id"])["json"])["results"]["channels"][
        0]["alternatives"][0]["words"]}  # fmt: skip
    assert speakers == {0}, "no diarization was asked for"


def test_speakers_are_named_from_the_transcript_and_the_names_reach_a_download(page, api, data):
    job_id = post(api, recording_job(upload_recording(api, data, "dialogue.ogg")))
    assert wait(api, job_id)["status"] == "finished"
    sign_in(page)
    page.once("dialog", lambda dialog: dialog.accept("Dr. Patel"))
    page.goto(f"{page.url.split('#')[0]}#job/{job_id}")
    page.wait_for_selector("#transcript .utterance")
    page.click("#transcript .utterance[data-speaker='0'] .speaker")
    page.wait_for_selector("#named-downloads")
    pairs = "bs => [...new Set(bs.map(b => b.parentElement.dataset.speaker + '=' + b.textContent))]"
    labels = page.eval_on_selector_all("#transcript .utterance .speaker", pairs)
    assert sorted(labels) == ["0=Dr. Patel", "1=Speaker 1"]
    assert api.get(f"/v1/batch-processor/{job_id}").json()["speakers"] == {"0": "Dr. Patel"}
    with page.expect_download() as download:
        page.click("#named-downloads button[data-format='txt']")
    saved = download.value
    assert saved.suggested_filename == "dialogue-named.txt"
    assert Path(saved.path()).read_text().startswith("Dr. Patel: ")
    page.reload()
    page.wait_for_selector("#transcript .utterance[data-speaker='0'] .speaker:text-is('Dr. Patel')")


def test_an_upload_shows_its_progress_and_holds_the_button(browser, server, data):
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.base + "/")
    sign_in(page)
    cdp = context.new_cdp_session(page)  # a slow uplink, so the upload takes a few seconds
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": 60_000},
    )
    page.set_input_files("#file-input", str(data / "speech.wav"))
    page.click("#submit-job")
    meter = "document.getElementById('upload-progress')"
    page.wait_for_function(f"() => !{meter}.hidden && {meter}.value > 0 && {meter}.value < 100")
    assert page.is_disabled("#submit-job"), "one upload at a time"
    page.wait_for_url("**/#job/*", timeout=60_000)
    assert page.is_hidden("#upload-progress")
    context.close()


def test_a_refused_submission_shows_the_400_sentence(page):
    sign_in(page)
    page.fill("#url-input", "ftp://example.com/visit.mp3")
    page.select_option("#preset", "soap-notes")
    page.click("#submit-job")
    page.wait_for_selector("#submit-error:not(:empty)")
    assert page.text_content("#submit-error") == "inParams.uri: must be an http or https URL"


def test_without_a_language_model_the_notes_presets_are_offered_disabled_with_the_reason(browser, tmp_path):
    nowhere = tmp_path / "nowhere.gguf"
    srv = Server(tmp_path / "data", AFTERCALL_LLM_MODEL_PATH=str(nowhere))
    srv.start()
    try:
        page = browser.new_page()
        page.goto(srv.base + "/")
        sign_in(page)
        disabled = page.eval_on_selector_all("#preset option", "options => options.map(o => [o.value, o.disabled])")
        assert disabled == [["transcript", False], ["summarize", True], ["soap-notes", True]]
        reason = page.text_content("#notes-unavailable")
        assert reason == f"The notes presets are off: the language model file {nowhere} does not exist."
        page.close()
        with srv.client() as api:
            refused = api.post("/v1/batch-processor", json=job_body(preset="summarize"))
        assert refused.status_code == 400, "refused at submit, before any of the file is transcribed"
        assert refused.json()["info"] == (
            f"preset: 'summarize' writes notes with a language model, but the language model file {nowhere} does "
            "not exist"
        )
    finally:
        srv.kill()


def test_webhook_deliveries_are_listed_and_one_can_be_redelivered(page, api, media):
    with receiver() as r:
        hook = api.post("/v1/webhooks", json={"url": r.url, "eventTypes": ["batch-processor.error"]}).json()
        try:
            job_id = api.post(
                "/v1/batch-processor",
                json=job_body(f"{media}/status/404", template="{job_id}"),
            ).json()["id"]
            wait(api, job_id)
            event_id = f"bp-je-{job_id}"
            r.wait_for(2)  # the verification request, then the event
            sign_in(page)
            page.click("nav a[href='#webhooks']")
            row = page.wait_for_selector(f"section[data-webhook='{hook['uuid']}'] tr[data-event='{event_id}']")
            assert "200" in row.text_content()
            row.query_selector("button.details").click()
            payload = page.wait_for_selector("tr.delivery-details pre.payload").text_content()
            assert json.loads(payload)["id"] == job_id, "the payload that was sent"
            assert page.text_content("tr.delivery-details pre.response") == "(empty)"
            assert row.query_selector(".next-try").text_content() == "", "delivered: nothing to try again"
            screenshot(page, "webhooks")
            row.query_selector("button:text-is('Redeliver')").dblclick()  # one redelivery, however fast the clicks
            r.wait_for(3)
            page.wait_for_selector(f"tr[data-event='{event_id}'] button:text-is('Queued')")
            time.sleep(2)
            assert [q.json["id"] for q in r.requests[1:]] == [event_id, event_id]
        finally:
            api.delete(f"/v1/webhooks/{hook['uuid']}")


def test_webhooks_are_created_edited_and_deleted_from_the_dashboard(page, api):
    sign_in(page)
    page.click("nav a[href='#webhooks']")
    dead = f"http://127.0.0.1:{free_port()}/hook"
    page.fill("#webhook-url", dead)
    page.click("#create-webhook")
    page.wait_for_selector("#webhooks-error:not(:empty)")
    assert dead not in [hook["url"] for hook in api.get("/v1/webhooks").json()], "the probe failed: nothing is kept"
    with receiver() as r:
        page.fill("#webhook-url", r.url)
        page.uncheck("#webhook-events input[value='batch-processor.error']")
        page.click("#create-webhook")
        secret = page.wait_for_selector("#webhook-secret").text_content()
        hook = next(h for h in api.get("/v1/webhooks").json() if h["url"] == r.url)
        assert secret == hook["hmac"]
        assert hook["eventTypes"] == ["batch-processor.job-finished"]
        assert r.requests[0].json == {"test": "test"}, "the verification probe was sent and answered"
        page.reload()
        section = page.wait_for_selector(f"section[data-webhook='{hook['uuid']}']")
        assert page.query_selector("#webhook-secret") is None, "the secret is shown once"
        assert hook["hmac"] not in page.content()
        section.query_selector("button.edit").click()
        editing = f"section[data-webhook='{hook['uuid']}'] .edit-webhook"
        page.fill(f"{editing} .edit-events", "batch-processor.error, batch-processor.job-started")
        page.click(f"{editing} button")
        page.wait_for_function("() => !document.getElementById('webhook-created').hidden")
        assert page.text_content("#webhooks-error") == ""
        assert page.text_content("#webhook-created").startswith("Saved")
        edited = api.get(f"/v1/webhooks/{hook['uuid']}").json()
        assert edited["eventTypes"] == ["batch-processor.error", "batch-processor.job-started"]
        page.on("dialog", lambda dialog: dialog.accept())
        page.click(f"section[data-webhook='{hook['uuid']}'] button.delete")
        page.wait_for_selector(f"section[data-webhook='{hook['uuid']}']", state="detached")
        assert api.get(f"/v1/webhooks/{hook['uuid']}").status_code == 404


def test_a_failed_webhook_is_re_activated_from_the_dashboard_and_its_held_event_is_sent(browser, tmp_path, media):
    srv = Server(tmp_path / "data", AFTERCALL_WEBHOOK_RETRY_SCALE="0.01")
    srv.start()
    try:
        with receiver() as r, srv.client() as api:
            hook = api.post("/v1/webhooks", json={"url": r.url, "eventTypes": ["batch-processor.error"]}).json()
            r.behaviour = ("status", 500, "down for maintenance")
            job_id = submit(api, f"{media}/status/404")
            deadline = time.monotonic() + 60
            while api.get(f"/v1/webhooks/{hook['uuid']}").json()["state"] != "FAILED":
                assert time.monotonic() < deadline, "the circuit breaker did not open"
                time.sleep(0.1)
            page = browser.new_page()
            page.goto(f"{srv.base}/")
            sign_in(page)
            page.click("nav a[href='#webhooks']")
            section = f"section[data-webhook='{hook['uuid']}']"
            page.wait_for_selector(f"{section} h3:has-text('FAILED')")
            page.click(f"{section} tr >> nth=1 >> button.details")
            assert page.text_content("tr.delivery-details pre.response") == "down for maintenance"
            r.behaviour = ("status", 200)
            seen = len(r.requests)
            page.click(f"{section} button.reactivate")
            page.wait_for_selector("#webhook-created:has-text('Re-activated')")
            event_id, deadline = f"bp-je-{job_id}", time.monotonic() + 30
            while not any(q.json.get("id") == event_id for q in r.requests[seen:] if q.json.get("id")):
                assert time.monotonic() < deadline, "the held event was not sent once re-activated"
                time.sleep(0.1)
            assert r.requests[seen].json == {"test": "test"}, "re-activating verifies the URL again first"
            assert api.get(f"/v1/webhooks/{hook['uuid']}").json()["state"] == "ACTIVE"
            page.close()
    finally:
        srv.kill()
