// The review editor's page (postlingo review --serve): placeholder chips, saving, conflicts.
// A plain ES module, served as it is. Catalog text is untrusted: it only ever goes into
// textContent and attributes, never into innerHTML. The server re-checks every save; the
// tag check here only warns early.

const TAG_RE = /<(\/?)(\d+)(\/?)>/g;
const TOKEN = document.querySelector('meta[name="postlingo-token"]').content;
const DRAFTS = "postlingo-drafts";

/** The tags of a text, as pipeline/document/tags.py reads them. */
export function tags(text) {
  const found = [];
  for (const m of text.matchAll(TAG_RE)) {
    if (m[1] && m[3]) continue; // "</1/>" is not a tag
    const kind = m[1] ? "close" : m[3] ? "void" : "open";
    found.push({ kind, number: m[2], text: m[0], start: m.index, end: m.index + m[0].length });
  }
  return found;
}

/** Why the translation's tags don't match the source's (tags.tag_problems, for early warning). */
export function tagProblems(source, translation) {
  const count = (text) => {
    const c = new Map();
    for (const t of tags(text)) c.set(t.text, (c.get(t.text) || 0) + 1);
    return c;
  };
  const want = count(source);
  const have = count(translation);
  const problems = [];
  for (const tag of [...new Set([...want.keys(), ...have.keys()])].sort()) {
    const w = want.get(tag) || 0;
    const h = have.get(tag) || 0;
    if (h < w) problems.push(`missing tag ${tag}`);
    else if (h > w) problems.push(`extra tag ${tag}`);
  }
  if (problems.length) return problems;
  const stack = [];
  for (const t of tags(translation)) {
    if (t.kind === "open") stack.push(t.number);
    else if (t.kind === "close") {
      if (stack.pop() !== t.number) return [`tag </${t.number}> is not properly nested`];
    }
  }
  return stack.length ? [`tag <${stack.pop()}> is never closed`] : [];
}

// --- the editable text: text nodes and chips --------------------------------------------

function isChip(node) {
  return node.nodeType === Node.ELEMENT_NODE && node.dataset.tag !== undefined;
}

/** The text the editor holds, chips written as their tags. */
export function serialize(node) {
  let out = "";
  for (const child of node.childNodes) {
    if (child.nodeType === Node.TEXT_NODE) out += child.data;
    else if (isChip(child)) out += child.dataset.tag;
    else if (child.nodeType === Node.ELEMENT_NODE && child.tagName !== "BR") out += serialize(child);
  }
  return out;
}

function chip(tag, label) {
  const span = document.createElement("span");
  span.className = "chip";
  span.contentEditable = "false";
  span.draggable = true;
  span.tabIndex = 0;
  span.dataset.tag = tag;
  span.title = label || "placeholder";
  span.setAttribute("aria-label", `placeholder ${tag}: ${span.title}`);
  span.textContent = tag;
  return span;
}

/** Fill the editor with `text`, each tag as a chip; returns the chips in order. */
function render(editor, text) {
  const labels = editor._labels;
  const nodes = [];
  let at = 0;
  for (const t of tags(text)) {
    if (t.start > at) nodes.push(document.createTextNode(text.slice(at, t.start)));
    nodes.push(chip(t.text, labels.get(t.number)));
    at = t.end;
  }
  if (at < text.length) nodes.push(document.createTextNode(text.slice(at)));
  editor.replaceChildren(...nodes);
  return nodes.filter(isChip);
}

/** Offset in the serialized text of a DOM position inside the editor. */
function offsetOf(editor, container, offset) {
  const inChip = container.nodeType === Node.ELEMENT_NODE ? container.closest(".chip") : container.parentElement?.closest(".chip");
  if (inChip && editor.contains(inChip)) {
    container = inChip.parentNode;
    offset = [...container.childNodes].indexOf(inChip);
  }
  let total = 0;
  let found = null;
  const walk = (node) => {
    if (found !== null) return;
    if (node === container) {
      if (node.nodeType === Node.TEXT_NODE) found = total + offset;
      else {
        for (const child of [...node.childNodes].slice(0, offset)) total += length(child);
        found = total;
      }
      return;
    }
    if (node.nodeType === Node.TEXT_NODE) total += node.data.length;
    else if (isChip(node)) total += node.dataset.tag.length;
    else for (const child of node.childNodes) walk(child);
  };
  const length = (node) =>
    node.nodeType === Node.TEXT_NODE ? node.data.length : isChip(node) ? node.dataset.tag.length : serialize(node).length;
  walk(editor);
  return found === null ? serialize(editor).length : found;
}

/** Where a tag that starts at `at` in `text` is, if one does. */
function tagAt(text, at) {
  return tags(text).find((t) => t.start === at || t.end === at) || null;
}

/**
 * The next place for a moved chip: one character on, or one word. An opening tag keeps to
 * the starts of words and a closing or void tag to their ends, so `<1>` goes before a word
 * and `</1>` after one. Other tags are stepped over whole.
 */
export function step(text, from, forward, byWord, opening) {
  let at = from;
  const next = () => {
    const t = tags(text).find((x) => (forward ? x.start : x.end) === at);
    if (t) at = forward ? t.end : t.start;
    else at = forward ? Math.min(text.length, at + 1) : Math.max(0, at - 1);
  };
  if (!byWord) {
    next();
    return at;
  }
  const space = (i) => /\s/.test(text[i] ?? "");
  const ahead = () => (forward ? at < text.length && space(at) : at > 0 && space(at - 1));
  const word = () => (forward ? at < text.length && !space(at) : at > 0 && !space(at - 1));
  // forward, an opening tag: past the word, then the spaces (to the next word's start);
  // a closing one: past the spaces, then the word (to its end). Backward, the mirror.
  const [first, second] = forward === opening ? [word, ahead] : [ahead, word];
  const before = at;
  while (first()) next();
  while (second()) next();
  if (at === before) next();
  return at;
}

/** Move one chip to a new offset (in the text without it); focus it there. */
function placeChip(article, chipNode, target) {
  const editor = article.querySelector(".editor");
  const text = serialize(editor);
  const from = offsetOf(editor, chipNode.parentNode, [...chipNode.parentNode.childNodes].indexOf(chipNode));
  const tag = chipNode.dataset.tag;
  const rest = text.slice(0, from) + text.slice(from + tag.length);
  const to = Math.max(0, Math.min(rest.length, target(rest, from)));
  const moved = rest.slice(0, to) + tag + rest.slice(to);
  const chips = render(editor, moved);
  const again = chips.find((c) => offsetOf(editor, c.parentNode, [...c.parentNode.childNodes].indexOf(c)) === to);
  again?.focus();
  changed(article);
}

// --- saving ---------------------------------------------------------------------------

function draftKey(article) {
  const d = article.dataset;
  return JSON.stringify([d.locale, d.slug, d.msgctxt ?? null, d.msgid]);
}

function drafts() {
  try {
    return JSON.parse(localStorage.getItem(DRAFTS) || "{}");
  } catch {
    return {};
  }
}

/** Unsaved text survives a reload, with the version it was written against. */
function keepDraft(article, text) {
  const all = drafts();
  const d = article.dataset;
  if (text === null) delete all[draftKey(article)];
  else all[draftKey(article)] = { text, version: d.version, state: d.state };
  try {
    localStorage.setItem(DRAFTS, JSON.stringify(all));
  } catch {
    // storage full or disabled: the text is still in the form
  }
}

function setStatus(article, kind, message) {
  const status = article.querySelector(".status");
  status.className = `status ${kind}`;
  status.textContent = message;
}

function showFindings(article, findings) {
  const list = article.querySelector(".findings");
  list.replaceChildren(
    ...findings.map((f) => {
      const li = document.createElement("li");
      li.className = `severity-${f.severity}`;
      const level = document.createElement("span");
      level.textContent = f.severity;
      li.append(level, ` [${f.check}] ${f.message}`);
      return li;
    }),
  );
}

function changed(article) {
  const editor = article.querySelector(".editor");
  const text = serialize(editor);
  const list = article.querySelector(".client-check");
  list.replaceChildren(
    ...tagProblems(article.dataset.msgid, text).map((p) => {
      const li = document.createElement("li");
      li.textContent = p;
      return li;
    }),
  );
  const saved = article.dataset.saved ?? editor.dataset.text;
  article.classList.toggle("unsaved", text !== saved);
  keepDraft(article, text !== saved ? text : null);
}

async function save(article) {
  const editor = article.querySelector(".editor");
  const text = serialize(editor);
  const d = article.dataset;
  const body = { locale: d.locale, slug: d.slug, msgid: d.msgid, msgctxt: d.msgctxt ?? null, text, version: d.version, state: d.state };
  setStatus(article, "saving", "Saving…");
  let response;
  let answer = {};
  try {
    response = await fetch("/api/save", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Postlingo-Token": TOKEN },
      body: JSON.stringify(body),
    });
    answer = await response.json();
  } catch {
    setStatus(article, "failed", "The editor did not answer (is postlingo review --serve still running?). Nothing was saved; your text is kept.");
    return;
  }
  if (response.ok) {
    d.version = answer.version;
    d.state = answer.state;
    d.saved = text;
    article.classList.remove("error", "warning", "unsaved");
    article.classList.add("reviewed");
    keepDraft(article, null);
    const where = answer.line ? `${answer.path}:${answer.line}` : answer.path;
    article.querySelector(".actions .where").textContent = where;
    setStatus(article, "saved", answer.changed ? `Saved as reviewed (${where}).` : `Already saved as reviewed (${where}).`);
    showFindings(article, answer.findings);
    return;
  }
  if (response.status === 409) {
    // The entry changed on disk: the form keeps the reviewer's text; saving again replaces
    // what is on disk now, which the message shows.
    if (answer.version) d.version = answer.version;
    if (answer.state) d.state = answer.state;
    setStatus(article, "conflict", `Not saved: ${answer.message}.`);
    return;
  }
  setStatus(article, response.status === 422 ? "refused" : "failed", `Not saved: ${answer.message || `the editor answered ${response.status}`}.`);
  if (answer.findings) showFindings(article, answer.findings);
}

// --- wiring -----------------------------------------------------------------------------

function labelsOf(article) {
  const labels = new Map();
  for (const c of article.querySelectorAll(".chip[data-tag]")) {
    const t = tags(c.dataset.tag)[0];
    if (t && c.title && c.title !== "placeholder") labels.set(t.number, c.title);
  }
  return labels;
}

function setUp(article) {
  const editor = article.querySelector(".editor");
  editor._labels = labelsOf(article);
  const rtl = editor.dir === "rtl";
  const draft = drafts()[draftKey(article)];
  if (draft && typeof draft.text === "string" && draft.text !== editor.dataset.text) {
    // Saved against the version it was typed on: if the entry changed since, that is a conflict.
    article.dataset.version = draft.version;
    article.dataset.state = draft.state;
    render(editor, draft.text);
    changed(article);
    setStatus(article, "draft", "Your unsaved text from before is back (not saved yet).");
    const folded = article.closest("details");
    if (folded) folded.open = true; // among the reviewed entries: show it
  } else {
    render(editor, editor.dataset.text);
    changed(article);
  }

  editor.addEventListener("input", () => changed(article));
  editor.addEventListener("keydown", (event) => {
    if (event.isComposing) return; // an input method (Hangul, kana) is still composing
    if (event.key === "Enter") {
      event.preventDefault(); // one entry is one sentence
      if (event.ctrlKey || event.metaKey) save(article);
      return;
    }
    const target = event.target;
    if (isChip(target) && event.altKey && (event.key === "ArrowLeft" || event.key === "ArrowRight")) {
      event.preventDefault();
      const forward = (event.key === "ArrowRight") !== rtl;
      const opening = tags(target.dataset.tag)[0]?.kind === "open";
      placeChip(article, target, (rest, from) => step(rest, from, forward, !event.shiftKey, opening));
    }
  });
  editor.addEventListener("paste", (event) => {
    event.preventDefault(); // plain text only: markup from elsewhere must not come in
    const text = event.clipboardData.getData("text/plain").replace(/\r?\n/g, " ");
    document.execCommand("insertText", false, text);
  });
  let dragged = null;
  editor.addEventListener("dragstart", (event) => {
    dragged = isChip(event.target) ? event.target : null;
    if (dragged) {
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", "");
    }
  });
  editor.addEventListener("dragend", () => (dragged = null));
  editor.addEventListener("dragover", (event) => {
    if (dragged) event.preventDefault();
  });
  editor.addEventListener("drop", (event) => {
    event.preventDefault(); // only chips are dropped here, and only within their own editor
    if (!dragged) return;
    const chipNode = dragged;
    dragged = null;
    const range = document.caretRangeFromPoint(event.clientX, event.clientY);
    if (!range || !editor.contains(range.startContainer)) return;
    const point = offsetOf(editor, range.startContainer, range.startOffset);
    const size = chipNode.dataset.tag.length;
    placeChip(article, chipNode, (rest, from) => (point >= from + size ? point - size : Math.min(point, from)));
  });
  article.querySelector(".save").addEventListener("click", () => save(article));
  article.querySelector(".use-source").addEventListener("click", () => {
    render(editor, article.dataset.msgid);
    changed(article);
    editor.focus();
  });
}

for (const article of document.querySelectorAll("article.entry")) setUp(article);
document.documentElement.dataset.editorReady = "true";
