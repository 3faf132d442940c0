// Corrigo dashboard: keyboard shortcuts, bulk selection, the filters' box, the time zone.
// Loaded as a same-origin file (the CSP allows no inline script). Everything here
// is an enhancement: every action also works as a plain form without JavaScript.
(function () {
  "use strict";

  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";
  var live = document.getElementById("live");
  var help = document.getElementById("shortcuts");
  // The decision keys; the shortcut list in base.html names exactly these and the keys below.
  var ACTIONS = { f: "fixed", r: "reject", s: "spam", o: "reopen" };
  var WIDE = window.matchMedia("(min-width: 48rem)");

  function say(text) {
    if (live) { live.textContent = text; }
  }

  function typing(target) {
    if (!target || !target.tagName) { return false; }
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  // ----- Bulk selection on the inbox -----
  var bulkForm = document.getElementById("bulk-form");
  var pickAll = document.getElementById("pick-all");
  var pickedCount = document.getElementById("picked-count");

  function picks() {
    return bulkForm ? Array.prototype.slice.call(bulkForm.querySelectorAll("input.pick")) : [];
  }

  function refreshBulk() {
    if (!bulkForm) { return; }
    var all = picks();
    var chosen = all.filter(function (box) { return box.checked; }).length;
    bulkForm.querySelectorAll("button[name=action]").forEach(function (button) {
      button.disabled = chosen === 0;
    });
    if (pickedCount) {
      pickedCount.textContent = (pickedCount.getAttribute("data-template") || "{n}").replace("{n}", String(chosen));
    }
    if (pickAll) {
      pickAll.checked = chosen > 0 && chosen === all.length;
      pickAll.indeterminate = chosen > 0 && chosen < all.length;
    }
  }

  if (bulkForm) {
    var lastClicked = null;
    bulkForm.addEventListener("click", function (event) {
      var box = event.target;
      if (!box.classList || !box.classList.contains("pick")) { return; }
      // Shift+click selects the range from the previous click, like a mail client.
      if (event.shiftKey && lastClicked) {
        var all = picks();
        var from = all.indexOf(lastClicked);
        var to = all.indexOf(box);
        var lo = Math.min(from, to);
        var hi = Math.max(from, to);
        for (var i = lo; i <= hi; i++) { all[i].checked = box.checked; }
      }
      lastClicked = box;
    });
    bulkForm.addEventListener("change", refreshBulk);
    if (pickAll) {
      pickAll.addEventListener("change", function () {
        picks().forEach(function (box) { box.checked = pickAll.checked; });
        refreshBulk();
      });
    }
    refreshBulk();
  }

  // ----- Moving through the inbox rows -----
  var rows = Array.prototype.slice.call(document.querySelectorAll(".group-row"));
  var current = -1;

  function setCurrent(index) {
    if (rows.length === 0) { return; }
    index = Math.max(0, Math.min(rows.length - 1, index));
    if (current >= 0 && rows[current]) {
      rows[current].classList.remove("current");
      rows[current].removeAttribute("aria-current");
    }
    current = index;
    var row = rows[current];
    row.classList.add("current");
    row.setAttribute("aria-current", "true");
    var link = row.querySelector("a.open");
    if (link) { link.focus({ preventScroll: true }); }
    row.scrollIntoView({ block: "nearest" });
  }

  function actOnRow(row, action) {
    var id = row.getAttribute("data-group");
    return fetch("/api/v1/groups/" + encodeURIComponent(id) + "/actions", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ action: action, note: "" })
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (group) {
      row.setAttribute("data-status", group.status);
      var badge = row.querySelector(".status");
      if (badge) {
        badge.className = "status status-" + group.status;
        badge.textContent = badge.getAttribute("data-label-" + group.status) || group.status;
      }
      say((row.getAttribute("data-done") || "{status}").replace("{status}", badge ? badge.textContent : group.status));
    }, function () {
      say(document.body.getAttribute("data-failed") || "Failed");
    });
  }

  // Marked rows take the decision together, through the bulk form (the page that
  // comes back says how many changed), so a key never lands on an unmarked row.
  function actOnMarked(action) {
    var marked = picks().filter(function (box) { return box.checked; }).length;
    var button = bulkForm && bulkForm.querySelector('button[name=action][value="' + action + '"]');
    if (marked === 0 || !button) { return false; }
    say((bulkForm.getAttribute("data-acting") || "{n}").replace("{n}", String(marked)));
    bulkForm.requestSubmit(button);
    return true;
  }

  // ----- The group page: f/r/s/o press the matching button -----
  function pressGroupButton(key) {
    var button = document.querySelector('#group-actions button[data-shortcut="' + key + '"]');
    if (button && !button.disabled) { button.click(); return true; }
    return false;
  }

  function toggleHelp() {
    if (!help) { return; }
    if (help.open) { help.close(); } else { help.showModal(); }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) { return; }
    if (typing(event.target)) {
      if (event.key === "Escape") { event.target.blur(); }
      return;
    }
    if (help && help.open && event.key !== "?") { return; }
    var key = event.key;
    if (key === "?") { event.preventDefault(); toggleHelp(); return; }
    if (key === "/") {
      var search = document.getElementById("q");
      if (search) {
        event.preventDefault();
        if (filtersBox) { filtersBox.open = true; }
        search.focus();
        search.select();
      }
      return;
    }
    if (rows.length > 0) {
      if (key === "j") { event.preventDefault(); setCurrent(current + 1); return; }
      if (key === "k") { event.preventDefault(); setCurrent(current < 0 ? 0 : current - 1); return; }
      if (ACTIONS[key] && actOnMarked(ACTIONS[key])) { event.preventDefault(); return; }
      if (current < 0) { return; }
      var row = rows[current];
      if (key === "Enter") { event.preventDefault(); window.location.href = row.getAttribute("data-href"); return; }
      if (key === "x") {
        var box = row.querySelector("input.pick");
        if (box) { event.preventDefault(); box.checked = !box.checked; refreshBulk(); }
        return;
      }
      if (ACTIONS[key]) {
        event.preventDefault();
        var next = current + 1;
        actOnRow(row, ACTIONS[key]).then(function () {
          if (next < rows.length) { setCurrent(next); }
        });
      }
      return;
    }
    if (ACTIONS[key] && pressGroupButton(key)) { event.preventDefault(); }
  });

  // ----- The filters: open beside the list on a wide screen, one button on a phone -----
  var filtersBox = document.getElementById("filters-box");
  if (filtersBox && WIDE.matches) { filtersBox.open = true; }

  // ----- The editor's time zone, guessed from the browser until they choose one -----
  if (document.body.hasAttribute("data-guess-zone") && window.Intl && csrf) {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) {
      fetch("/dashboard/account/timezone", {
        method: "POST",
        credentials: "same-origin",
        body: new URLSearchParams({ csrf_token: csrf, timezone: zone, guess: "1" })
      });
    }
  }

  document.querySelectorAll("[data-open-help]").forEach(function (button) {
    button.addEventListener("click", toggleHelp);
  });
  document.querySelectorAll("[data-close-help]").forEach(function (button) {
    button.addEventListener("click", function () { if (help) { help.close(); } });
  });
})();
