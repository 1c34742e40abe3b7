// The aftercall dashboard: plain JavaScript over the REST API, with the key kept in this browser's storage.
// Every text that comes from a job (transcripts, errors, URLs) is set with textContent, never parsed as HTML.
"use strict";

const KEY_STORAGE = "aftercall.apiKey";
const VIEWS = ["key-view", "jobs-view", "job-view", "webhooks-view"];
const POLL_MS = 1000;
let pollTimer = null;

const $ = (id) => document.getElementById(id);

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

class ApiError extends Error {
  constructor(status, body) {
    super(body.info || `The server answered ${status}`);
    this.status = status;
    this.type = body.error;
  }
}

async function api(path, options = {}) {
  const headers = { Authorization: `Bearer ${localStorage.getItem(KEY_STORAGE) || ""}`, ...(options.headers || {}) };
  const response = await fetch(path, { ...options, headers });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new ApiError(response.status, body);
    if (response.status === 401 || error.type === "authorization-header-error") askForKey(error.message);
    throw error;
  }
  return body;
}

function show(view) {
  for (const id of VIEWS) $(id).hidden = id !== view;
  $("nav").hidden = view === "key-view";
}

function askForKey(message = "") {
  localStorage.removeItem(KEY_STORAGE);
  stopPolling();
  $("key-error").textContent = message;
  show("key-view");
  $("key-input").focus();
}

function stopPolling() {
  if (pollTimer !== null) clearTimeout(pollTimer);
  pollTimer = null;
}

function pollAgain(fn) {
  stopPolling();
  pollTimer = setTimeout(fn, POLL_MS);
}

function clock(seconds) {
  const s = Math.floor(seconds);
  const hours = Math.floor(s / 3600);
  const mmss = `${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
  return hours ? `${hours}:${mmss}` : mmss;
}

// ---- jobs -------------------------------------------------------------------------------------------------

async function submitJob(event) {
  event.preventDefault();
  const button = $("submit-job");
  if (button.disabled) return; // a second click while the first is on its way submits nothing more
  const error = $("submit-error");
  error.textContent = "";
  const file = $("file-input").files[0];
  const url = $("url-input").value.trim();
  const inParams = { language: $("language").value };
  if (file && url) {
    error.textContent = "Choose a recording or paste a URL, not both.";
    return;
  }
  button.disabled = true;
  try {
    if (file) {
      const recording = await uploadRecording(file);
      Object.assign(inParams, { sourceType: "recordingId", recordingId: recording.id });
    } else if (url) {
      // A transcript (txt, srt, vtt, json) is summarised as it is; anything else is media to transcribe.
      const transcript = /\.(txt|srt|vtt|json)$/i.test(url.split(/[?#]/)[0]);
      const source = transcript ? { sourceType: "transcriptUri", transcriptUri: url } : { sourceType: "uri", uri: url };
      Object.assign(inParams, source);
    } else {
      error.textContent = "Choose a recording or paste a media URL.";
      return;
    }
    const body = {
      preset: $("preset").value,
      inParams,
      outParams: { s3Config: { s3KeyTemplate: "dashboard/{job_id}" } },
      transformParams: { transcript: transcriptOptions() },
    };
    const job = await api("/v1/batch-processor", { method: "POST", body: JSON.stringify(body) });
    $("new-job").reset();
    location.hash = `#job/${job.id}`;
  } catch (e) {
    error.textContent = e.message;
  } finally {
    button.disabled = false;
  }
}

// An upload shows how much of the file has gone (fetch cannot tell; XMLHttpRequest can).
function uploadRecording(file) {
  const meter = $("upload-progress");
  meter.value = 0;
  meter.hidden = false;
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", "/v1/recordings");
    request.setRequestHeader("Authorization", `Bearer ${localStorage.getItem(KEY_STORAGE) || ""}`);
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) meter.value = Math.round((100 * event.loaded) / event.total);
    });
    request.addEventListener("load", () => {
      meter.hidden = true;
      let body = {};
      try {
        body = JSON.parse(request.responseText);
      } catch {
        // not JSON: the status says enough
      }
      if (request.status >= 200 && request.status < 300) resolve(body);
      else reject(new ApiError(request.status, body));
    });
    request.addEventListener("error", () => {
      meter.hidden = true;
      reject(new Error("The upload was cut off; nothing was stored. Try again."));
    });
    const form = new FormData();
    form.append("file", file);
    request.send(form);
  });
}

// The form's options, as transformParams.transcript (docs/api.md §2).
function transcriptOptions() {
  const redact = [...$("opt-redact").selectedOptions].map((option) => option.value);
  const keywords = $("opt-keywords").value.split(",").map((word) => word.trim()).filter(Boolean);
  const extra = { keywords };
  const speakers = Number($("opt-speakers").value);
  if (speakers > 0) extra.num_speakers = speakers;
  return {
    diarize: $("opt-diarize").checked,
    profanity_filter: $("opt-profanity").checked,
    redact: redact.length ? redact : false,
    extra,
  };
}

// The list is one request a poll (its items carry their progress), drawn into rows kept by job id: a row that
// changes is updated in place, so keyboard focus and selection survive the polls, and new jobs appear as they come.
const IDLE_POLL_MS = 5000;
const PAGE_SIZE = 20;
let jobsPage = {}; // the cursor of the page shown: {} (the newest), {starting_after: id} or {ending_before: id}

function jobsQuery() {
  const query = new URLSearchParams({ limit: String(PAGE_SIZE), ...jobsPage });
  const search = $("filter-search").value.trim();
  if (search) query.set("search", search);
  for (const name of ["status", "preset"]) if ($(`filter-${name}`).value) query.set(name, $(`filter-${name}`).value);
  if ($("filter-after").value) query.set("created_after", $("filter-after").value);
  return query;
}

function turnPage(cursor) {
  jobsPage = cursor;
  route();
}

async function showJobs() {
  show("jobs-view");
  const query = jobsQuery();
  const listing = await api(`/v1/batch-processor?${query}`);
  if (jobsPage.ending_before && listing.data.length < PAGE_SIZE) {
    jobsPage = {}; // back at the newest jobs: show a full page of them
    return showJobs();
  }
  const body = $("jobs").tBodies[0];
  const rows = listing.data.map((job) => jobRow(body, job));
  const filtered = [...query.keys()].some((name) => !["limit", "starting_after", "ending_before"].includes(name));
  const none = filtered ? "No job matches these filters." : "No jobs yet.";
  if (!rows.length) rows.push(element("tr", {}, element("td", { colspan: "7", class: "hint", text: none })));
  rows.forEach((row, at) => {
    if (body.rows[at] !== row) body.insertBefore(row, body.rows[at] || null);
  });
  while (body.rows.length > rows.length) body.deleteRow(rows.length);
  const ids = listing.data.map((job) => job.id);
  $("jobs-count").textContent = `${listing.total_count} job${listing.total_count === 1 ? "" : "s"}`;
  $("newer-jobs").disabled = !jobsPage.starting_after && !jobsPage.ending_before;
  $("newer-jobs").onclick = () => turnPage(ids.length ? { ending_before: ids[0] } : {});
  $("older-jobs").disabled = ids.length < PAGE_SIZE;
  $("older-jobs").onclick = () => turnPage({ starting_after: ids[ids.length - 1] });
  const running = listing.data.some((job) => job.status === "submitted" || job.status === "processing");
  stopPolling();
  pollTimer = setTimeout(route, running ? POLL_MS : IDLE_POLL_MS);
}

function jobRow(body, job) {
  let row = body.querySelector(`tr[data-job="${job.id}"]`);
  if (!row) {
    const created = new Date(job.createdAt).toLocaleString();
    const meter = element("progress", { max: "100", "aria-label": `Progress of the ${job.preset} job of ${created}` });
    row = element(
      "tr",
      { "data-job": job.id },
      element("td", {}, element("a", { href: `#job/${job.id}`, text: created })),
      element("td", { class: "id" }, element("code", { text: job.id.slice(0, 8), title: job.id })),
      element("td", { class: "source", text: `${describeSource(job.input, job.sourceName)} · ${job.input.language}` }),
      element("td", { text: job.preset }),
      element("td", { class: "status" }),
      element("td", {}, meter, element("span", { class: "stage" })),
      element("td", { class: "length" }),
    );
  }
  const progress = job.progress || { stage: "", percent: 0 };
  const ended = job.status === "finished" || job.status === "error";
  const cells = {
    status: job.status === "error" ? `error: ${job.error}` : job.status,
    stage: ended ? "" : ` ${progress.stage} ${progress.percent} %`,
    length: job.duration ? clock(job.duration) : "",
  };
  row.className = `status-${job.status}`;
  for (const [name, text] of Object.entries(cells)) {
    const cell = row.querySelector(`.${name}`);
    if (cell.textContent !== text) cell.textContent = text;
  }
  const meter = row.querySelector("progress");
  const percent = String(job.status === "finished" ? 100 : progress.percent);
  if (meter.getAttribute("value") !== percent) meter.setAttribute("value", percent);
  return row;
}

// The job the job view shows, and a counter that every navigation and poll moves on: a response that arrives
// after the user went elsewhere (another job, the list) is dropped instead of drawn under the wrong header.
let visit = 0;

function clearJobView(jobId) {
  const view = $("job-view");
  view.dataset.job = jobId;
  delete view.dataset.rendered;
  for (const id of ["job-title", "job-status", "job-error", "job-source", "job-language"]) $(id).textContent = "";
  delete $("job-status").dataset.status;
  for (const id of ["downloads", "notes", "transcript"]) $(id).replaceChildren();
  if ($("named-downloads")) $("named-downloads").remove();
  $("notes").hidden = true;
  $("job-retry").hidden = true;
  const player = $("player");
  player.pause();
  player.removeAttribute("src");
  player.load(); // forget the previous recording's media and position
  player.hidden = true; // until a recording is there to play
}

// Where a job's input came from, as a person reads it: a URL (never its signed query string) or a recording.
function describeSource(input, sourceName) {
  if (input.sourceType === "recordingId") return `Recording ${sourceName || input.recordingId}`;
  const url = new URL(input.uri, location.href);
  return `${input.sourceType === "transcriptUri" ? "Transcript" : "Media"} ${url.origin}${url.pathname}`;
}

// Deleting is for good (transcripts of patients are not kept longer than needed): it asks first, and a job made
// from an uploaded recording may take the recording with it.
async function deleteJob(job) {
  const recording = job.input.sourceType === "recordingId" ? job.input.recordingId : null;
  if (!confirm(`Delete this ${job.preset} job and every file it wrote? This cannot be undone.`)) return;
  const alsoRecording = recording && confirm(`Delete the uploaded recording ${recording} as well?`);
  try {
    await api(`/v1/batch-processor/${job.id}`, { method: "DELETE" });
    if (alsoRecording) await api(`/v1/recordings/${recording}`, { method: "DELETE" });
    location.hash = "#jobs";
  } catch (e) {
    $("job-error").textContent = e.message;
  }
}

async function retryJob(job) {
  // The same input and options (redaction above all: a job submitted again must not lose it).
  const body = {
    preset: job.preset,
    inParams: job.input,
    outParams: { s3Config: { s3KeyTemplate: "dashboard/{job_id}" } },
    transformParams: job.transformParams,
  };
  try {
    const again = await api("/v1/batch-processor", { method: "POST", body: JSON.stringify(body) });
    location.hash = `#job/${again.id}`;
  } catch (e) {
    $("job-error").textContent = e.message;
  }
}

async function showJob(jobId) {
  const current = visit;
  const stale = () => current !== visit;
  if ($("job-view").dataset.job !== jobId) clearJobView(jobId);
  show("job-view");
  const job = await api(`/v1/batch-processor/${jobId}`);
  if (stale()) return;
  $("job-title").textContent = `${job.preset} · ${job.id}`;
  $("job-source").textContent = describeSource(job.input, job.sourceName);
  const running = job.status === "submitted" || job.status === "processing";
  const progress = running && job.progress ? ` · ${job.progress.stage} ${job.progress.percent} %` : "";
  const duration = job.duration ? ` · ${job.duration.toFixed(1)} s of media` : "";
  $("job-status").textContent = `${job.status}${progress}${duration}`;
  $("job-status").dataset.status = job.status;
  $("job-error").textContent = job.error || "";
  $("delete-job").onclick = () => deleteJob(job);
  if (job.status === "error") {
    $("retry-job").onclick = () => retryJob(job);
    $("job-retry").hidden = false;
  }
  if (job.status === "submitted" || job.status === "processing") {
    pollAgain(route);
    return;
  }
  const kept = job.status === "error" && job.output && (job.output.transcription || []).length > 0;
  if (job.status !== "finished" && !kept) return; // (a failed notes job still shows the transcripts it stored)
  if ($("job-view").dataset.rendered === job.id) return;
  const links = await api(`/v1/batch-processor/${job.id}/access-link${kept ? "?partial=true" : ""}`);
  if (stale()) return;
  renderDownloads(links, job);
  await setAudio(job.input, stale);
  const json = (links.transcription || []).find((entry) => entry.format === "json");
  const transcript = json ? await (await fetch(json.link)).json() : null;
  if (stale()) return;
  if (transcript) {
    renderTranscript(transcript, job);
    $("job-language").textContent = languageLine(job.input.language, transcript);
  }
  await renderNotes(links, stale);
  if (stale()) return;
  $("job-view").dataset.rendered = job.id;
}

// A download is named after the job's source, as `aftercall run` names its files: visit.txt, visit-soap.json.
function sourceStem(input, sourceName) {
  if (input.sourceType === "recordingId") {
    const stem = (sourceName || "").replace(/\.[^.]*$/, "").replace(/[^\w.-]+/g, "_");
    return stem || `recording-${input.recordingId.slice(0, 8)}`;
  }
  const path = new URL(input.uri, location.href).pathname;
  const name = decodeURIComponent(path.split("/").pop() || "").replace(/\.[^.]*$/, "");
  return name.replace(/[^\w.-]+/g, "_") || "job";
}

function renderDownloads(links, job) {
  const entries = [...(links.transcription || [])];
  for (const name of ["summary", "soap", "concept"]) if (links[name]) entries.push({ ...links[name], name });
  const stem = sourceStem(job.input, job.sourceName);
  const items = entries.map((entry) => {
    const file = entry.name ? `${stem}-${entry.name}.${entry.format.toLowerCase()}` : `${stem}.${entry.format}`;
    return element("a", { href: entry.link, download: file, text: entry.name ? `${entry.name} (${entry.format})` : entry.format });
  });
  $("downloads").replaceChildren(element("span", { text: "Download: " }), ...items);
}

async function setAudio(input, stale) {
  let source = input.uri || "";
  if (input.sourceType === "recordingId") {
    source = (await api(`/v1/recordings/${input.recordingId}/access-link`)).download_link;
  }
  if (source && !stale()) {
    $("player").src = source;
    $("player").hidden = false;
  }
}

function languageLine(asked, doc) {
  const detected = doc.results.channels[0].detected_language;
  const language = detected || doc.metadata.language || asked;
  let name = language;
  try {
    name = `${new Intl.DisplayNames([navigator.language || "en"], { type: "language" }).of(language)} (${language})`;
  } catch {
    // a tag the browser cannot name is shown as it is
  }
  return `Language: ${name}${detected ? ", detected" : ""}`;
}

function speakerName(job, speaker) {
  return (job.speakers || {})[String(speaker)] || `Speaker ${speaker}`;
}

// A speaker's label is a button: click it to name the speaker ("Dr. Patel"), kept with the job (docs/api.md §2).
async function nameSpeaker(job, speaker) {
  const name = prompt(`Name for ${speakerName(job, speaker)} (as the transcript should call them)`, (job.speakers || {})[String(speaker)] || "");
  if (name === null || !name.trim()) return;
  try {
    const named = await api(`/v1/batch-processor/${job.id}/speakers`, {
      method: "PUT",
      body: JSON.stringify({ speakers: { [String(speaker)]: name.trim() } }),
    });
    job.speakers = named.speakers;
    for (const label of document.querySelectorAll(`#transcript .utterance[data-speaker="${speaker}"] .speaker`)) {
      label.textContent = speakerName(job, speaker);
    }
    renderNamedDownloads(job);
  } catch (e) {
    $("job-error").textContent = e.message;
  }
}

// The transcript with its speakers' names: made by the API on request (the stored files keep "Speaker N").
function renderNamedDownloads(job) {
  const old = $("named-downloads");
  if (old) old.remove();
  if (!job.speakers) return;
  const stem = sourceStem(job.input, job.sourceName);
  const buttons = ["txt", "srt", "vtt", "json"].map((format) =>
    element("button", { type: "button", class: "named-download", "data-format": format, text: format, onclick: () => downloadNamed(job, format, `${stem}-named.${format}`) }),
  );
  $("downloads").after(element("div", { id: "named-downloads" }, element("span", { text: "With speaker names: " }), ...buttons));
}

async function downloadNamed(job, format, filename) {
  const response = await fetch(`/v1/batch-processor/${job.id}/named/transcript.${format}`, {
    headers: { Authorization: `Bearer ${localStorage.getItem(KEY_STORAGE) || ""}` },
  });
  if (!response.ok) {
    $("job-error").textContent = (await response.json().catch(() => ({}))).info || `The server answered ${response.status}`;
    return;
  }
  const link = element("a", { href: URL.createObjectURL(await response.blob()), download: filename });
  document.body.append(link);
  link.click();
  link.remove();
}

function renderTranscript(doc, job) {
  const utterances = doc.results.utterances || [];
  const blocks = utterances.map((utterance) =>
    element(
      "p",
      {
        class: `utterance speaker-${utterance.speaker % 8}`,
        "data-speaker": String(utterance.speaker),
        "data-start": String(utterance.start),
        "data-end": String(utterance.end),
      },
      element("button", {
        type: "button",
        class: "seek",
        "data-start": String(utterance.start),
        text: clock(utterance.start),
        onclick: () => seek(utterance.start),
      }),
      element("button", {
        type: "button",
        class: "speaker",
        title: "Name this speaker",
        text: speakerName(job, utterance.speaker),
        onclick: () => nameSpeaker(job, utterance.speaker),
      }),
      element("span", { class: "text", text: utterance.transcript }),
    ),
  );
  $("transcript").replaceChildren(...blocks);
  renderNamedDownloads(job);
}

// ---- notes: summary, SOAP note and concepts, each statement a button that shows its evidence -------------

async function renderNotes(links, stale) {
  const sections = [];
  if (links.summary) {
    const text = await (await fetch(links.summary.link)).text();
    const paragraphs = text.split(/\n\s*\n/).filter((p) => p.trim());
    const blocks = paragraphs.map((p) => element("p", { class: "summary", text: p }));
    sections.push(element("h3", { text: "Summary" }), ...blocks);
  }
  if (links.soap) {
    const soap = await (await fetch(links.soap.link)).json();
    sections.push(element("h3", { text: "SOAP note" }));
    for (const name of ["subjective", "objective", "assessment", "plan"]) {
      const items = soap[name].map((statement) => element("li", {}, evidenceButton(statement.text, statement.evidence)));
      if (!items.length) items.push(element("li", { class: "hint", text: "Nothing with evidence." }));
      sections.push(
        element("h4", { text: name[0].toUpperCase() + name.slice(1) }),
        element("ul", { class: "statements", id: `soap-${name}` }, ...items),
      );
    }
    const { dropped, model, dropped_reasons: reasons = {} } = soap.metadata;
    const why = Object.entries(reasons).map(([reason, count]) => `${reason} ${count}`).join(", ");
    const note = `${dropped} statement(s) left out: their evidence did not check out${why ? ` (${why})` : ""}. Written by ${model}.`;
    sections.push(element("p", { class: "hint", id: "soap-dropped", text: note }));
  }
  if (links.concept) {
    const doc = await (await fetch(links.concept.link)).json();
    const rows = doc.concepts.map((concept) =>
      element(
        "tr",
        { class: concept.negated ? "negated" : "" },
        element("td", {}, evidenceButton(concept.text, concept.evidence)),
        element("td", { text: concept.category }),
        element("td", { text: concept.negated ? "denied" : "" }),
        element("td", { text: concept.codes.map((code) => `${code.system} ${code.code}`).join(", ") }),
      ),
    );
    const head = element("tr", {}, ...["Concept", "Category", "Negated", "Codes"].map((h) => element("th", { text: h })));
    sections.push(
      element("h3", { text: "Concepts" }),
      element("div", { class: "table-scroll" }, element("table", { id: "concepts" }, element("thead", {}, head), element("tbody", {}, ...rows))),
    );
  }
  if (stale()) return;
  $("notes").replaceChildren(...sections);
  $("notes").hidden = sections.length === 0;
}

function evidenceButton(text, evidence) {
  const times = evidence.map((span) => clock(span.start)).join(", ");
  return element("button", {
    type: "button",
    class: "evidence-link",
    title: `Evidence at ${times}`,
    text,
    onclick: () => highlight(evidence),
  });
}

// Mark the transcript turns a statement cites, scroll to the first, and seek the audio there.
function highlight(evidence) {
  let first = null;
  for (const block of document.querySelectorAll("#transcript .utterance")) {
    const start = Number(block.dataset.start);
    const end = Number(block.dataset.end);
    const speaker = Number(block.dataset.speaker);
    const cited = evidence.some((span) => span.speaker === speaker && span.start < end + 0.01 && span.end > start - 0.01);
    block.classList.toggle("evidence", cited);
    if (cited && !first) first = block;
  }
  if (first) {
    first.scrollIntoView({ block: "center" });
    seek(Number(first.dataset.start));
  }
}

// The turn being played is marked as the audio plays.
function markPlaying() {
  const now = $("player").currentTime;
  for (const block of document.querySelectorAll("#transcript .utterance")) {
    const playing = Number(block.dataset.start) <= now && now < Number(block.dataset.end);
    if (block.classList.contains("playing") !== playing) block.classList.toggle("playing", playing);
  }
}

function seek(seconds) {
  const player = $("player");
  const go = () => {
    player.currentTime = seconds;
    player.play().catch(() => {}); // a browser may refuse to play before a gesture; the position is set anyway
  };
  if (player.readyState >= 1) go();
  else player.addEventListener("loadedmetadata", go, { once: true });
}

// ---- webhooks ---------------------------------------------------------------------------------------------

const EVENT_CHOICES = "#webhook-events input[type=checkbox]";

async function createWebhook(event) {
  event.preventDefault();
  const button = $("create-webhook");
  if (button.disabled) return;
  $("webhooks-error").textContent = "";
  $("webhook-created").hidden = true;
  const eventTypes = [...document.querySelectorAll(EVENT_CHOICES)].filter((box) => box.checked).map((box) => box.value);
  const body = { url: $("webhook-url").value.trim(), eventTypes, retryType: $("webhook-retry").value };
  button.disabled = true;
  try {
    const hook = await api("/v1/webhooks", { method: "POST", body: JSON.stringify(body) });
    $("new-webhook").reset();
    // The secret is shown this once, to be kept where the receiver verifies signatures; the list never shows it.
    $("webhook-created").replaceChildren(
      element("p", { text: `Subscribed: ${hook.url} answered the test event with 200.` }),
      element("p", {}, "Signing secret (shown once; keep it to verify signatures): ", element("code", { id: "webhook-secret", text: hook.hmac })),
    );
    $("webhook-created").hidden = false;
    await showWebhooks({ keepNotice: true });
  } catch (e) {
    $("webhooks-error").textContent = e.message; // the probe's result: why the URL was not subscribed
  } finally {
    button.disabled = false;
  }
}

async function changeWebhook(hook, changes, done) {
  $("webhooks-error").textContent = "";
  try {
    await api(`/v1/webhooks/${hook.uuid}`, { method: "POST", body: JSON.stringify(changes) });
    await showWebhooks({ keepNotice: true });
    if (done) $("webhook-created").replaceChildren(element("p", { text: done }));
    if (done) $("webhook-created").hidden = false;
  } catch (e) {
    $("webhooks-error").textContent = e.message;
  }
}

async function deleteWebhook(hook) {
  if (!confirm(`Stop sending events to ${hook.url}? Its delivery log goes too.`)) return;
  try {
    await api(`/v1/webhooks/${hook.uuid}`, { method: "DELETE" });
    await showWebhooks();
  } catch (e) {
    $("webhooks-error").textContent = e.message;
  }
}

function editWebhook(section, hook) {
  const url = element("input", { type: "url", class: "edit-url", value: hook.url, required: "" });
  const types = element("input", { type: "text", class: "edit-events", value: hook.eventTypes.join(", ") });
  const form = element(
    "form",
    { class: "edit-webhook" },
    element("label", {}, "URL ", url),
    element("label", {}, "Events (comma-separated) ", types),
    element("button", { type: "submit", text: "Save and verify" }),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const eventTypes = types.value.split(",").map((name) => name.trim()).filter(Boolean);
    changeWebhook(hook, { url: url.value.trim(), eventTypes }, "Saved: the URL answered the test event with 200.");
  });
  section.querySelector(".webhook-actions").after(form);
  url.focus();
}

async function showWebhooks({ keepNotice = false } = {}) {
  show("webhooks-view");
  if (!keepNotice) $("webhook-created").hidden = true;
  $("webhooks-error").textContent = "";
  const hooks = await api("/v1/webhooks");
  const sections = await Promise.all(hooks.map(webhookSection));
  $("webhooks").replaceChildren(...(sections.length ? sections : [element("p", { text: "No webhooks yet." })]));
}

async function webhookSection(hook) {
  const log = await api(`/v1/webhooks/${hook.uuid}/deliveries?limit=50`);
  const rows = log.data.map((delivery) =>
    element(
      "tr",
      { "data-event": delivery.eventId },
      element("td", { text: new Date(delivery.at).toLocaleString() }),
      element("td", { text: delivery.eventId }),
      element("td", { text: delivery.type }),
      element("td", { text: delivery.statusCode === null ? delivery.error || "" : String(delivery.statusCode) }),
      element("td", { text: `${delivery.latencyMs} ms` }),
      element("td", { class: "next-try", text: delivery.nextAttemptAt ? new Date(delivery.nextAttemptAt).toLocaleString() : "" }),
      element(
        "td",
        {},
        element("button", { type: "button", class: "details", "aria-expanded": "false", text: "Details", onclick: (event) => toggleDetails(event.currentTarget, delivery) }),
        " ",
        element("button", { type: "button", text: "Redeliver", onclick: (event) => redeliver(hook, delivery, event.currentTarget) }),
      ),
    ),
  );
  const actions = element(
    "p",
    { class: "webhook-actions" },
    element("button", { type: "button", class: "edit", text: "Edit" }),
    ...(hook.state === "FAILED"
      ? [element("button", { type: "button", class: "reactivate", text: "Re-activate", onclick: () => changeWebhook(hook, {}, "Re-activated: held events are being delivered in order.") })]
      : []),
    element("button", { type: "button", class: "delete danger", text: "Delete", onclick: () => deleteWebhook(hook) }),
  );
  const section = element(
    "section",
    { class: "webhook", "data-webhook": hook.uuid },
    element("h3", { text: `${hook.url} · ${hook.state}` }),
    element("p", { class: "hint", text: `${hook.eventTypes.join(", ")} · retries: ${hook.retryType}${hook.failedCount ? ` · ${hook.failedCount} failed in a row` : ""}` }),
    actions,
    element(
      "div",
      { class: "table-scroll" },
      element(
        "table",
        {},
        element(
          "thead",
          {},
          element("tr", {}, ...["At", "Event", "Type", "Answer", "Latency", "Next try", ""].map((h) => element("th", { text: h }))),
        ),
        element("tbody", {}, ...rows),
      ),
    ),
  );
  actions.querySelector(".edit").addEventListener("click", () => editWebhook(section, hook));
  return section;
}

// What was sent and what came back, under the attempt's row.
function toggleDetails(button, delivery) {
  const row = button.closest("tr");
  const open = row.nextElementSibling && row.nextElementSibling.classList.contains("delivery-details");
  if (open) {
    row.nextElementSibling.remove();
    button.setAttribute("aria-expanded", "false");
    return;
  }
  const details = element(
    "td",
    { colspan: "7" },
    element("h4", { text: "Payload sent" }),
    element("pre", { class: "payload", text: delivery.payload ? JSON.stringify(delivery.payload, null, 2) : "(the event is no longer stored)" }),
    element("h4", { text: "Receiver's answer" }),
    element("pre", { class: "response", text: delivery.response || (delivery.statusCode === null ? `(no answer: ${delivery.error})` : "(empty)") }),
  );
  row.after(element("tr", { class: "delivery-details" }, details));
  button.setAttribute("aria-expanded", "true");
}

async function redeliver(hook, delivery, button) {
  if (button.disabled) return; // one redelivery per click, however fast the clicks
  button.disabled = true;
  try {
    await api(`/v1/webhooks/${hook.uuid}/deliveries/${encodeURIComponent(delivery.eventId)}/redeliver`, {
      method: "POST",
    });
    button.textContent = "Queued";
    setTimeout(route, POLL_MS);
  } catch (e) {
    $("webhooks-error").textContent = e.message;
    button.disabled = false;
  }
}

// ---- routing ----------------------------------------------------------------------------------------------

async function route() {
  stopPolling();
  const current = ++visit;
  if (!localStorage.getItem(KEY_STORAGE)) return askForKey();
  const [view, id] = location.hash.replace(/^#/, "").split("/");
  if (view !== "job" || !id) clearJobView("");
  try {
    if (view === "job" && id) await showJob(id);
    else if (view === "webhooks") await showWebhooks();
    else await showJobs();
  } catch (e) {
    if (current === visit && !(e instanceof ApiError && e.status === 401)) {
      const target = view === "webhooks" ? "webhooks-error" : view === "job" ? "job-error" : "submit-error";
      $(target).textContent = e.message;
    }
  }
}

// Languages by name as well as by tag ("French (fr)"), in the browser's own language.
function nameLanguages() {
  const names = new Intl.DisplayNames([navigator.language || "en"], { type: "language" });
  for (const option of $("language").options) {
    if (option.value === "auto") continue;
    if (option.value === "multi") {
      option.textContent = "multi (the call changes language)";
      continue;
    }
    try {
      option.textContent = `${names.of(option.value)} (${option.value})`;
    } catch {
      // a tag the browser cannot name keeps its tag
    }
  }
}

nameLanguages();
$("player").addEventListener("timeupdate", markPlaying);
let filtering = null;
$("job-filters").addEventListener("input", () => {
  clearTimeout(filtering); // one list request once the typing stops, from the newest page
  filtering = setTimeout(() => turnPage({}), 250);
});
$("job-filters").addEventListener("submit", (event) => event.preventDefault());
$("key-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  localStorage.setItem(KEY_STORAGE, $("key-input").value.trim());
  $("key-form").reset();
  $("key-error").textContent = "";
  route();
});
$("forget-key").addEventListener("click", () => askForKey());
$("new-job").addEventListener("submit", submitJob);
$("new-webhook").addEventListener("submit", createWebhook);
$("refresh-webhooks").addEventListener("click", () => showWebhooks().catch((e) => ($("webhooks-error").textContent = e.message)));
// A navigation moves the keyboard focus to the heading of the page it opened (a screen reader reads it; Tab goes on
// from there), instead of leaving it on a link that is now hidden.
window.addEventListener("hashchange", async () => {
  const current = visit + 1;
  await route();
  const heading = VIEWS.map($).find((view) => !view.hidden)?.querySelector("h2");
  if (current !== visit || !heading || heading.closest("#key-view")) return;
  heading.tabIndex = -1;
  heading.focus();
});
route();
