/* Corrigo reader widget: the loader that every article page downloads.
 *
 * It puts the caption under the article and waits: for Ctrl/Cmd+Enter over a
 * selection in the article, or, on a touch screen, for a selection in the
 * article to settle. Everything else is in the dialog module (dialog.js),
 * imported then: the dialog itself, the touch "Report a misprint" button, and
 * the queue of reports that could not be sent, which is also flushed at load
 * and on `online` when earlier pages left something in it.
 *
 * The server fills in __CORRIGO_BUILD__ (see corrigo/widget/bundle.py):
 * {"v": build version, "l": [every language], "s": {"en": [caption, touch caption]}};
 * other languages' captions come from widget/{v}/caption-{lang}.json when shown.
 * This file is downloaded on every page view: its budget is 1.5 KB gzipped, so it
 * is written for size (build.mjs minifies it).
 */
(() => {
  const doc = document;
  const script = doc.currentScript;
  if (window.Corrigo || !script) return; // the tag is on the page twice, or loaded as a module

  const BUILD = __CORRIGO_BUILD__;
  const data = script.dataset;
  const lang = (data.lang || doc.documentElement.lang || "").trim();
  const tag = lang.toLowerCase().replace("_", "-");
  const ui = [tag, tag.split("-")[0], "en"].find((t) => BUILD.l.includes(t));
  const touch = matchMedia("(pointer:coarse)").matches;
  let dialog;

  /** The article elements: data-article's matches, else the first default that matches. */
  const roots = () => {
    // Without data-article the first selector is "undefined", which matches nothing.
    for (const selector of [data.article, "[itemprop=articleBody]", "article", "main", "body"]) {
      try {
        const found = doc.querySelectorAll(selector);
        if (found.length) return [...found];
      } catch {} // an invalid data-article falls back to the defaults
    }
    return [];
  };

  /** The selection and the article it lies in, unless there is none or the reader is typing. */
  const selected = () => {
    const selection = getSelection();
    const el = doc.activeElement;
    const typing = el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
    if (String(selection).trim() && !typing) {
      const range = selection.getRangeAt(0);
      const root = roots().find((r) => range.intersectsNode(r));
      return root && { range: range.cloneRange(), root };
    }
  };

  /** Import the dialog module once and call its show, offer or flush with the page's context. */
  const call = (name, context) => {
    dialog = dialog || import(new URL(`widget/${BUILD.v}/dialog-${ui}.js`, script.src));
    dialog
      .then((module) =>
        module[name]({ site: data.site, lang, version: BUILD.v, active: doc.activeElement, ...context }),
      )
      .catch(() => (dialog = 0)); // e.g. offline before the dialog was ever loaded: import again next time
  };

  /** Send again what earlier pages could not send. */
  const retry = () => {
    try {
      if (localStorage["corrigo:queue"]) call("flush");
    } catch {} // storage is off (sandboxed frame, privacy settings): nothing was queued
  };

  addEventListener(
    "keydown",
    (e) => {
      const found =
        e.key == "Enter" && (e.ctrlKey || e.metaKey) && !/^CORRIGO-/.test(e.target.tagName) && selected();
      if (found) {
        e.preventDefault(); // Ctrl+Enter on a focused link would open it in a new tab
        call("show", found);
      }
    },
    true, // before the page's own handlers, which may stop the event
  );
  addEventListener("online", retry);
  if (touch) {
    let timer;
    doc.addEventListener("selectionchange", () => {
      clearTimeout(timer);
      // Once the selection has settled: show the button, or hide it if it is up.
      timer = setTimeout(() => {
        const found = selected();
        if (found || dialog) call("offer", found);
      }, 400);
    });
  }
  window.Corrigo = {
    /** Open the dialog for the current selection, or with a hint to select first. */
    open: () => call("show", selected() || { root: roots()[0] }),
  };

  // The caption, once the article is parsed (the tag may sit in <head> without `defer`).
  const init = () => {
    retry();
    const list = roots();
    // A site may place <corrigo-caption></corrigo-caption> itself, and reserve its room.
    let el = doc.querySelector("corrigo-caption");
    if (data.caption != "off" && (el || list.length == 1)) {
      if (!el) {
        el = doc.createElement("corrigo-caption");
        list[0] == doc.body ? doc.body.append(el) : list[0].after(el);
      }
      const shadow = el.attachShadow({ mode: "open" });
      (BUILD.s[ui] ? Promise.resolve(BUILD.s[ui]) : fetch(new URL(`widget/${BUILD.v}/caption-${ui}.json`, script.src)).then((r) => r.json()))
        .catch(() => BUILD.s.en) // offline, or blocked: the English caption rather than none
        .then((pair) =>
          shadow.append(pair[+touch].replace("{keys}", /Mac|iP/.test(navigator.userAgent) ? "Cmd+Enter" : "Ctrl+Enter")),
        );
      try {
        const sheet = new CSSStyleSheet(); // constructed: a strict style-src allows it
        sheet.replaceSync(":host{display:block;margin:1em 0;font-size:.875em}");
        shadow.adoptedStyleSheets = [sheet];
      } catch {} // browsers without constructed stylesheets show the caption unstyled
    }
  };
  doc.readyState == "loading" ? doc.addEventListener("DOMContentLoaded", init) : init();
})();
