/* Corrigo reader widget: the dialog, imported by the loader on the first report.
 *
 * It turns the reader's selection into a quote (exact words, 32 characters of
 * context each side, position in the article's text), shows it in its
 * sentence, takes an optional comment and correction, sends the report and
 * says what really happened.
 *
 * A report is written to a queue in localStorage before it is sent and leaves
 * it on the server's final answer (2xx, 4xx). When the network, a timeout or
 * a 5xx gets in the way it stays there, and the loader calls `flush` on the
 * next page load and on `online`; it is sent with the same client_id, which
 * the server answers once, so a retry never duplicates a report.
 *
 * The article's text, which positions count in, is defined here once: the text
 * of the article element in document order, with <br> and block boundaries
 * (paragraphs, headings, list items, cells…) read as spaces; the text of
 * script/style/form controls/embedded content and of `hidden` elements left out;
 * each text node in Unicode NFC; the invisible characters that the server strips
 * removed; every whitespace run folded to one space, none at the start or end.
 * Positions count Unicode code points of that text, as the server does
 * (Python's len), not UTF-16 units.
 *
 * The server fills in __CORRIGO_STRINGS__ (this language's texts) and
 * __CORRIGO_CSS__ (dialog.css, minified); see corrigo/widget/bundle.py.
 */
const STRINGS = __CORRIGO_STRINGS__;
const CSS = __CORRIGO_CSS__;
const CONTEXT = 32; // prefix and suffix, in code points (ingest API contract)
const MAX_EXACT = 300; // the ingest API's limit for the selected text
const WINDOW = 200; // text kept each side of the selection to show its sentence
const SKIP =
  /^(script|style|noscript|template|textarea|select|iframe|object|embed|canvas|video|audio|svg|math)$/;
const BLOCK =
  /^(address|article|aside|blockquote|br|caption|dd|details|dialog|div|dl|dt|fieldset|figcaption|figure|footer|form|h[1-6]|header|hgroup|hr|legend|li|main|nav|ol|p|pre|section|summary|table|tbody|td|tfoot|th|thead|tr|ul)$/;
// What the server's text cleaning deletes as not text (corrigo.domain.text._NOT_TEXT);
// joiners such as U+200D stay, as on the page. Once these are gone, JavaScript's \s
// is exactly the whitespace the server folds.
const NOT_TEXT =
  /[\0-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb\p{Noncharacter_Code_Point}]/gu;
const SPACE = /\s/;
const SENTENCE_END = /[.!?…][)\]"'»”’]*\s/g;
const ENDS_SENTENCE = /[.!?…][)\]"'»”’]*$/;
const FIRST_SENTENCE = /^.*?[.!?…][)\]"'»”’]*(?=\s|$)/;
const QUEUE = "corrigo:queue"; // loader.js looks for it too
const MAX_QUEUED = 20;
const MAX_AGE = 14 * 864e5; // two weeks: older reports are about pages that changed
const TIMEOUT = 15e3;
const ENDPOINT = new URL("../../api/v1/reports", import.meta.url).href;
const LANG_TAG = /^[a-z]{2,3}(-[a-z]{4})?(-([a-z]{2}|\d{3}))?$/i;

/** Where a range boundary falls in the walk: inside a text node, before a node, or at an element's end. */
function point(container, offset) {
  if (container.nodeType == 3) return { text: container, offset };
  if (container.nodeType != 1 && container.nodeType != 9 && container.nodeType != 11) {
    return { before: container }; // a comment or processing instruction
  }
  const child = container.childNodes[offset];
  return child ? { before: child } : { after: container };
}

/**
 * The selection `range` as a quote within `root`'s text.
 *
 * Returns null when nothing but whitespace is selected, {tooLong: n} for a
 * selection of more than 300 characters, else {exact, prefix, suffix, start,
 * end, before, after} where before/after are the rest of the selection's
 * sentence (for display). The walk stops shortly after the selection and keeps
 * only a window of text around it, so a huge page costs time, not memory.
 */
export function capture(range, root) {
  range = range.cloneRange();
  if (!root.contains(range.startContainer)) range.setStart(root, 0);
  if (!root.contains(range.endContainer)) range.setEnd(root, root.childNodes.length);
  const from = point(range.startContainer, range.startOffset);
  const to = point(range.endContainer, range.endOffset);
  let chars = []; // chars[i] is the code point at position base + i
  let base = 0;
  let count = 0;
  let pending = false; // whitespace seen since the last character
  let start = -1;
  let end = -1;
  let paragraphStart = 0; // where the selection's paragraph begins
  let paragraphEnd = Infinity; // and where it ends

  const put = (ch) => {
    if (start < 0 && chars.length >= 2 * WINDOW) {
      chars = chars.slice(-WINDOW);
      base = count - WINDOW;
    }
    if (start < 0 || end >= 0 || count - start <= MAX_EXACT) chars.push(ch);
    count++;
  };
  const feed = (text) => {
    for (const ch of text.normalize("NFC").replace(NOT_TEXT, "")) {
      if (ch <= " " || (ch >= "\xa0" && SPACE.test(ch))) {
        pending = count > 0;
      } else {
        if (pending) put(" ");
        pending = false;
        put(ch);
      }
    }
  };
  const gap = () => {
    if (!count) return;
    pending = true;
    if (start < 0) paragraphStart = count + 1;
    else if (end >= 0 && paragraphEnd == Infinity) paragraphEnd = count;
  };
  const mark = (at) => {
    if (at == from) start = count + (pending ? 1 : 0);
    if (at == to) end = count;
  };
  const marks = (node, key) => {
    if (from[key] === node) mark(from);
    if (to[key] === node) mark(to);
  };
  const textNode = (node) => {
    const data = node.data;
    let cut = 0;
    for (const at of [from, to]) {
      if (at.text === node) {
        feed(data.slice(cut, at.offset));
        mark(at);
        cut = at.offset;
      }
    }
    feed(data.slice(cut));
  };
  const walked = (node) => node.nodeType == 1 && !SKIP.test(node.localName) && !node.hidden;
  const close = (node) => {
    marks(node, "after");
    if (walked(node) && BLOCK.test(node.localName)) gap();
  };

  // Depth-first, without recursion: pages can be deep.
  let node = root.firstChild;
  while (node && !(end >= 0 && count >= end + WINDOW)) {
    marks(node, "before");
    if (node.nodeType == 3) {
      textNode(node);
    } else if (walked(node)) {
      if (BLOCK.test(node.localName)) gap();
      if (node.firstChild) {
        node = node.firstChild;
        continue;
      }
    }
    if (node.nodeType == 1) close(node);
    while (node && !node.nextSibling) {
      node = node.parentNode;
      if (node == root) node = null;
      else close(node);
    }
    node = node && node.nextSibling;
  }
  marks(root, "after");
  if (start < 0 || end <= start) return null;
  if (end - start > MAX_EXACT) return { tooLong: end - start };
  const slice = (a, b) => chars.slice(Math.max(a - base, 0), Math.max(b - base, 0)).join("");
  let before = slice(Math.max(start - WINDOW, paragraphStart), start);
  let after = slice(end, Math.min(end + WINDOW, paragraphEnd));
  const last = [...before.matchAll(SENTENCE_END)].pop();
  if (last) before = before.slice(last.index + last[0].length);
  else if (start - WINDOW > paragraphStart) before = "…" + before.replace(/^\S*\s/, "");
  const first = FIRST_SENTENCE.exec(after);
  if (ENDS_SENTENCE.test(slice(start, end)))
    after = ""; // the selection ends its sentence
  else if (first) after = first[0];
  else if (end + WINDOW < paragraphEnd && count > end + WINDOW) after = after.replace(/\s\S*$/, "") + "…";
  return {
    exact: slice(start, end),
    prefix: slice(start - CONTEXT, start),
    suffix: slice(end, end + CONTEXT),
    start,
    end,
    before,
    after,
  };
}

/** This language's text for `key`, with {name} placeholders filled in. */
const tr = (key, values = {}) =>
  STRINGS[key].replace(/\{(\w+)\}/g, (all, name) => (name in values ? values[name] : all));

/** An element with attributes and children (no innerHTML: Trusted Types pages allow this). */
function h(tag, attributes = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  el.append(...children);
  return el;
}

const codePoints = (value, max) => [...value].slice(0, max).join("");
const meta = (selector) => (document.querySelector(selector)?.getAttribute("content") || "").trim();

/** The page's address for the report: its canonical URL when it declares an http(s) one. */
function pageUrl() {
  const canonical = document.querySelector("link[rel~=canonical][href]");
  const url = canonical && /^https?:/.test(canonical.href) ? canonical.href : location.href.split("#")[0];
  return url.length > 2048 ? url.split(/[?#]/)[0] : url;
}

/** The page's language as a BCP 47 tag the server accepts ("en_US" becomes "en-US"), or "". */
function pageLang(value) {
  const tag = value.replace(/_/g, "-");
  return LANG_TAG.test(tag) ? tag : (/^[a-z]{2,3}(?=-|$)/i.exec(tag) || [""])[0];
}

/** 128 random bits in hex: the report's idempotency key. */
function clientId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The reports waiting to be sent (entries that are not ours, or stale, are dropped). */
function queued() {
  try {
    const list = JSON.parse(localStorage.getItem(QUEUE));
    const ours = (e) =>
      e &&
      typeof e.id == "string" &&
      typeof e.url == "string" &&
      typeof e.body == "string" &&
      Date.now() - e.t < MAX_AGE;
    return Array.isArray(list) ? list.filter(ours) : [];
  } catch {
    return []; // no storage, or not our JSON
  }
}

/** Save the queue; false when the browser will not keep it (storage off, full, sandboxed). */
function keep(list) {
  try {
    if (list.length) localStorage.setItem(QUEUE, JSON.stringify(list.slice(-MAX_QUEUED)));
    else localStorage.removeItem(QUEUE);
    return true;
  } catch {
    return false;
  }
}

/** POST one queued report: {status, body}; status 0 for network errors, timeouts and CORS. */
async function post(entry) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT);
  let result = { status: 0, body: {} };
  try {
    const response = await fetch(entry.url, {
      method: "POST",
      body: entry.body, // a string goes as text/plain: no CORS preflight
      credentials: "omit",
      keepalive: true,
      signal: abort.signal,
    });
    result = { status: response.status, body: {} };
    const body = await response.json();
    if (body && typeof body == "object") result.body = body;
  } catch {
    // no answer, or an answer without a JSON body: result says which
  } finally {
    clearTimeout(timer);
  }
  if (result.status >= 200 && result.status < 500) keep(queued().filter((e) => e.id != entry.id));
  return result;
}

/** Queue a report, then send it: {status, body, saved} where saved tells if it is queued. */
function send(report) {
  const entry = { id: report.client_id, url: ENDPOINT, body: JSON.stringify(report), t: Date.now() };
  const saved = keep([...queued().filter((e) => e.id != entry.id), entry]);
  return post(entry).then((result) => ({ ...result, saved }));
}

let flushing = false;
let retries = 0; // later tries on this page after a flush that could not send everything

/**
 * Send the queued reports one by one; the loader calls this on page load and on `online`.
 * A network that has only just come back often fails the first request, so what is still
 * unsent is tried again after 2, 8 and 32 seconds while the page stays open.
 */
export async function flush() {
  if (flushing) return;
  flushing = true;
  let unsent = false;
  try {
    for (const entry of queued()) {
      const { status } = await post(entry);
      if (status < 200 || status >= 500) unsent = true;
    }
  } finally {
    flushing = false;
  }
  if (unsent && retries < 3) setTimeout(flush, 2000 * 4 ** retries++);
}

let host;
let shadow;
let dialog;
let current; // what the open dialog is about: the loader's context and the captured quote
let button; // the touch button's host element
let offered; // the context the touch button opens the dialog for
let draft; // what the reader typed before closing the dialog unsent, and for which quote

/** A <corrigo-NAME> element with an open shadow root carrying the widget's stylesheet. */
function attach(name) {
  const el = document.createElement("corrigo-" + name);
  const root = el.attachShadow({ mode: "open" });
  if (root.adoptedStyleSheets) {
    // A constructed stylesheet needs no 'unsafe-inline' under a Content-Security-Policy.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } else {
    root.append(h("link", { rel: "stylesheet", href: new URL("dialog.css", import.meta.url).href }));
  }
  return [el, root];
}

function setup() {
  [host, shadow] = attach("dialog");
  dialog = h("dialog", {
    role: "dialog",
    "aria-modal": "true",
    "aria-labelledby": "corrigo-title",
    "aria-describedby": "corrigo-message",
  });
  dialog.addEventListener("keydown", keydown);
  // A close event comes a task after the close: if the reader has opened the dialog
  // again meanwhile, it belongs to the opening before, which `finish` already handed back.
  dialog.addEventListener("close", () => dialog.open || closed());
  shadow.append(dialog);
}

function focusables() {
  return [...dialog.querySelectorAll("button, input, textarea")].filter((el) => !el.closest("[hidden]"));
}

function keydown(event) {
  if (event.key == "Tab") {
    // Keep focus inside the dialog: from the last control to the first and back.
    const list = focusables();
    const active = shadow.activeElement;
    const edge = event.shiftKey ? list[0] : list[list.length - 1];
    if (active == edge || !list.includes(active)) {
      event.preventDefault();
      (event.shiftKey ? list[list.length - 1] : list[0]).focus();
    }
  } else if (event.key == "Escape") {
    event.preventDefault();
    finish();
  } else if (event.key == "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    shadow.querySelector("form")?.requestSubmit();
  }
}

/** Close the dialog and give the page its focus (and an unsent selection) back at once. */
function finish() {
  if (dialog.close) dialog.close();
  else dialog.removeAttribute("open"); // browsers without <dialog>
  closed();
}

/**
 * Hand the page back, once per opening: on `finish`, synchronously, so that the
 * reader's next keystroke already reaches the page, or on the `close` event
 * when the browser closed the dialog itself (a close request such as Android's back).
 */
function closed() {
  if (current.closed) return;
  current.closed = true;
  const { context, sent } = current;
  const comment = byId("corrigo-comment");
  draft = !sent && comment && { key: current.key, comment: comment.value, suggestion: byId("corrigo-suggestion").value };
  if (!sent && context.range) {
    const selection = getSelection();
    selection.removeAllRanges();
    selection.addRange(context.range);
  }
  context.active?.focus?.({ preventScroll: true });
  // The body cannot take focus: then let go of it, or the loader would think the dialog is in use.
  if (document.activeElement == host) shadow.activeElement?.blur();
}

const byId = (id) => shadow.getElementById(id);

/** The dialog's content: a message alone, or the quote with the form. Returns what gets focus. */
function render(message, quote) {
  const close = h(
    "button",
    { type: "button", id: "corrigo-close", class: "secondary" },
    tr(quote ? "cancel" : "close"),
  );
  close.onclick = finish;
  const children = [
    h("h2", { id: "corrigo-title" }, tr("title")),
    h("p", { id: "corrigo-message", role: "status" }, message),
  ];
  if (!quote) {
    dialog.replaceChildren(...children, h("div", { class: "buttons" }, close));
    return close;
  }
  const form = h(
    "form",
    {},
    h(
      "div",
      { id: "corrigo-fields" },
      h("blockquote", {}, h("p", {}, quote.before, h("mark", {}, quote.exact), quote.after)),
      h("label", { for: "corrigo-comment" }, tr("comment")),
      h("textarea", { id: "corrigo-comment", rows: "3", maxlength: "1000" }),
      h("label", { for: "corrigo-suggestion" }, tr("suggestion")),
      h("input", { id: "corrigo-suggestion", type: "text", maxlength: "300", autocomplete: "off" }),
    ),
    h("div", { class: "buttons" }, close, h("button", { type: "submit", id: "corrigo-send" }, tr("send"))),
  );
  form.onsubmit = (event) => {
    event.preventDefault();
    submit(quote);
  };
  dialog.replaceChildren(...children, form);
  return byId("corrigo-comment");
}

/** A wait in whole seconds, minutes or hours, rounded up, as corrigo.http.ratelimit words it. */
function wait(seconds) {
  const s = Math.max(1, seconds | 0);
  return s < 90 ? [s, "second"] : s < 5400 ? [Math.ceil(s / 60), "minute"] : [Math.ceil(s / 3600), "hour"];
}

/** When a refused reader may try again, in words of their language ("in 3 minutes"). */
function later(seconds, lang) {
  const [n, unit] = wait(seconds);
  try {
    return new Intl.RelativeTimeFormat(lang || undefined).format(n, unit);
  } catch {
    return new Intl.RelativeTimeFormat().format(n, unit); // a tag Intl does not know
  }
}

/** Send the report and show its real outcome in the status line. */
function submit(quote) {
  if (current.busy) return;
  current.busy = true;
  const button = byId("corrigo-send");
  button.textContent = tr("sending");
  button.setAttribute("aria-disabled", "true"); // not `disabled`: that would drop the focus
  const { context } = current;
  const report = {
    site: context.site,
    url: pageUrl(),
    title: codePoints(document.title.trim(), 300),
    lang: pageLang(context.lang),
    author: codePoints(meta("meta[name=author]") || meta("meta[property='article:author']"), 200),
    quote: { exact: quote.exact, prefix: quote.prefix, suffix: quote.suffix },
    position: { start: quote.start, end: quote.end },
    comment: byId("corrigo-comment").value.trim(),
    suggestion: byId("corrigo-suggestion").value.trim(),
    client_id: current.id,
    widget_version: context.version,
  };
  const shown = current;
  send(report).then(({ status, body, saved }) => {
    let message;
    if (status >= 200 && status < 300) {
      shown.sent = true;
      message = tr("sent");
    } else if (status >= 400 && status < 500) {
      const reason = STRINGS["error." + body.error] || body.message || String(status);
      message = tr("refused", { reason: reason.replace("{when}", later(body.retry_after, context.lang)) });
    } else {
      shown.sent = saved;
      message = tr(saved ? "queued" : "failed");
    }
    if (shown != current) return; // the reader has moved on to another selection
    const line = byId("corrigo-message");
    line.textContent = message;
    line.className = "outcome";
    byId("corrigo-fields").hidden = button.hidden = true;
    const close = byId("corrigo-close");
    close.textContent = tr("close");
    close.focus();
  });
}

/**
 * Show or hide the touch button for the loader's context (hide when it has no range).
 *
 * The system's selection menu sits above a selection, or below it when the
 * selection is near the top of the screen, and the drag handles hang under its
 * end: the button goes under the selection, clear of the handles, and further
 * down when the menu is likely to be there.
 */
export function offer(context) {
  button?.remove();
  if (!context.range) return;
  offered = context;
  if (!button) {
    let root;
    [button, root] = attach("button");
    const tap = h("button", { type: "button", class: "offer" }, tr("button"));
    tap.onpointerdown = (event) => event.preventDefault(); // keep the selection
    tap.onclick = () => show({ ...offered, active: document.activeElement });
    root.append(tap);
  }
  document.documentElement.append(button);
  const rect = context.range.getBoundingClientRect();
  const left = Math.max(8, Math.min(rect.left, innerWidth - button.offsetWidth - 8));
  // Custom properties, because the host's `all: initial` resets everything else.
  button.style.setProperty("--x", left + scrollX + "px");
  button.style.setProperty("--y", rect.bottom + (rect.top < 96 ? 96 : 36) + scrollY + "px");
}

/** Open the dialog for the loader's context: {range, root, active, site, lang, version}. */
export function show(context) {
  button?.remove();
  if (!host) setup();
  let quote = null;
  let message = tr("no_selection");
  if (context.range && context.root) {
    quote = capture(context.range, context.root);
    if (quote && quote.tooLong) {
      message = tr("too_long", { count: quote.tooLong, max: MAX_EXACT });
      quote = null;
    } else if (quote) {
      message = tr("intro");
    }
  }
  const key = quote && JSON.stringify([quote.exact, quote.prefix, quote.suffix, quote.start]);
  current = { context, key, id: clientId(), sent: false };
  const first = render(message, quote);
  if (key && draft && draft.key == key) {
    first.value = draft.comment;
    byId("corrigo-suggestion").value = draft.suggestion;
  }
  if (!host.isConnected) (document.body || document.documentElement).append(host);
  if (!dialog.open) {
    if (dialog.showModal) dialog.showModal();
    else {
      dialog.setAttribute("open", "");
      dialog.classList.add("fallback");
    }
  }
  first.focus();
}
