"""Layout checks for a page on a phone: run in the browser, they return what is wrong."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

# Each check returns a list of short descriptions of the offending elements or words.
_LAYOUT = """
() => {
  const width = document.documentElement.clientWidth;
  const visible = (el) => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return style.visibility !== "hidden" && style.display !== "none"
      && box.width > 1 && box.height > 1
      && !el.closest(".visually-hidden, dialog:not([open]), details:not([open]) > :not(summary)");
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (typeof el.className === "string" && el.className ? "." + el.className.trim() : "")
    + " «" + (el.textContent || el.value || "").trim().slice(0, 30) + "»";
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (!visible(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.left < -0.5 || box.right > width + 0.5) {
      wide.push(name(el) + " " + Math.round(box.left) + ".." + Math.round(box.right));
    }
  }
  const small = [];
  const targets = "a[href], button, input:not([type=hidden]), select, textarea, summary";
  for (const el of document.body.querySelectorAll(targets)) {
    // A control's tap target is the control together with its labels (a tap on a
    // label acts on the control).
    const parts = [el, ...(el.labels || [])].filter(visible);
    if (!parts.length) continue;
    const rects = parts.map((part) => part.getBoundingClientRect());
    const box = {
      width: Math.max(...rects.map((r) => r.right)) - Math.min(...rects.map((r) => r.left)),
      height: Math.max(...rects.map((r) => r.bottom)) - Math.min(...rects.map((r) => r.top)),
    };
    if (box.width < 44 || box.height < 44) {
      small.push(name(el) + " " + Math.round(box.width) + "x" + Math.round(box.height));
    }
  }
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || !visible(parent)) continue;
    const text = node.textContent;
    // A line may break after a hyphen (e-mail, news-desk): a word is what lies between.
    for (const match of text.matchAll(/[^\\s\\-\u2010]+/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const rects = [...range.getClientRects()].filter((r) => r.width > 0);
      const tops = new Set(rects.map((r) => Math.round(r.top)));
      if (tops.size > 1) broken.push(match[0]);
    }
  }
  return {
    scroll: document.documentElement.scrollWidth - width,
    wide: wide, small: small, broken: broken,
  };
}
"""


def layout_problems(page: Page) -> dict[str, Any]:
    """What does not fit a phone on this page: an empty result means all is well.

    `scroll`: how far the page scrolls sideways; `wide`: elements past the viewport's
    edges; `small`: tap targets (a control, or the label around it) under 44 × 44 px;
    `broken`: words split over two lines.
    """
    found: dict[str, Any] = page.evaluate(_LAYOUT)
    return {key: value for key, value in found.items() if value}
