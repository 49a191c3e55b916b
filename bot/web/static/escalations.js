/* Live refresh of the escalations table (console/escalations.html).
 *
 * Every few seconds: GET /api/escalations?status=... with the session cookie (same origin; a GET
 * needs no CSRF token). When the list changed, the table is rebuilt from the row <template> the
 * server rendered, with textContent only (never innerHTML). While someone is typing a note the
 * table is left alone and a notice offers a refresh instead. Without JavaScript the page keeps
 * its "Refresh" link, which does the same by reloading.
 */
(function () {
  "use strict";

  var table = document.querySelector("table[data-live-escalations]");
  var rowTemplate = document.getElementById("escalation-row");
  var emptyTemplate = document.getElementById("escalation-empty");
  if (!table || !rowTemplate || !window.fetch || !("content" in rowTemplate)) {
    return;
  }
  var tbody = table.tBodies[0];
  var statusLine = document.getElementById("live-status"); // role=status: only what is worth announcing
  var checkedLine = document.getElementById("live-checked"); // not announced: when it last checked
  var updatesNotice = document.getElementById("live-updates");
  var status = table.getAttribute("data-status") || "";
  var limit = table.getAttribute("data-limit") || "100";
  var zone = table.getAttribute("data-zone") || "UTC";
  var mask = table.getAttribute("data-mask") === "1";
  var interval = Math.max(5, parseInt(table.getAttribute("data-interval") || "10", 10)) * 1000;
  var signature = table.getAttribute("data-signature") || "";
  var badgeKinds = { open: "danger", acknowledged: "warn", resolved: "ok" };
  var timer = null;
  var stopped = false;

  var dateFormat;
  try {
    dateFormat = new Intl.DateTimeFormat("en-CA", {
      timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    });
  } catch (e) {
    dateFormat = null;
  }

  function formatTime(iso) {
    if (!iso) { return ""; }
    var date = new Date(iso);
    if (isNaN(date.getTime())) { return iso; }
    if (!dateFormat) { return date.toISOString().slice(0, 16).replace("T", " "); }
    var parts = {};
    dateFormat.formatToParts(date).forEach(function (p) { parts[p.type] = p.value; });
    return parts.year + "-" + parts.month + "-" + parts.day + " " + parts.hour + ":" + parts.minute;
  }

  function timeElement(iso) {
    var el = document.createElement("time");
    el.setAttribute("datetime", iso || "");
    el.textContent = formatTime(iso);
    return el;
  }

  // The API gives the raw text; the server-rendered rows show it as bot/records/masking.py does:
  // bidi controls as visible markers (they would reorder what staff read), and for roles that
  // must not see contact details, e-mail addresses and phone-like digit runs hidden.
  function masked(text) {
    var shown = (text || "").replace(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, function (c) {
      return "\u27e8U+" + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0") + "\u27e9";
    });
    if (!mask) { return shown; }
    return shown
      .replace(/[^\s@]+@[^\s@]+\.[^\s@]+/g, "[e-mail]")
      .replace(/\+?\d(?:[\s().\-]*\d){6,}/g, "[phone]");
  }

  function signatureOf(rows) {
    return rows.map(function (r) { return r.id + ":" + r.status + ":" + r.crisis_type; }).join(",");
  }

  function field(row, name) {
    return row.querySelector('[data-field="' + name + '"]');
  }

  function historyItem(label, who, when) {
    var li = document.createElement("li");
    li.appendChild(document.createTextNode(label + " by "));
    var strong = document.createElement("strong");
    strong.textContent = who || "";
    li.appendChild(strong);
    li.appendChild(document.createTextNode(", "));
    li.appendChild(timeElement(when));
    return li;
  }

  function buildRow(item) {
    var row = rowTemplate.content.firstElementChild.cloneNode(true);
    row.setAttribute("data-id", item.id);
    var created = field(row, "created");
    created.textContent = "";
    created.appendChild(timeElement(item.created_at));
    field(row, "crisis_type").textContent = item.crisis_type || "";
    field(row, "message").textContent = masked(item.message);
    var badge = field(row, "status").querySelector(".badge");
    badge.textContent = item.status;
    badge.className = "badge badge-" + (badgeKinds[item.status] || "muted");
    var history = field(row, "history");
    history.textContent = "";
    if (item.acknowledged_at) { history.appendChild(historyItem("Acknowledged", item.acknowledged_by, item.acknowledged_at)); }
    if (item.resolved_at) { history.appendChild(historyItem("Resolved", item.resolved_by, item.resolved_at)); }
    if (!item.acknowledged_at && !item.resolved_at) {
      var none = document.createElement("li");
      none.textContent = "Nobody has acknowledged it yet.";
      history.appendChild(none);
    }
    if (item.note) {
      var note = document.createElement("li");
      note.textContent = "Note: " + masked(item.note);
      history.appendChild(note);
    }
    var link = field(row, "conversation");
    link.setAttribute("href", "/console/conversations/" + encodeURIComponent(item.conversation_id));
    var hidden = link.querySelector(".visually-hidden");
    if (hidden) { hidden.textContent = " of conversation " + item.conversation_id; }
    var form = field(row, "forms");
    if (form) {
      if (item.status === "resolved") {
        form.parentNode.removeChild(form);
      } else {
        var base = "/console/escalations/" + encodeURIComponent(item.id) + "/";
        form.setAttribute("action", base + (item.status === "open" ? "acknowledge" : "resolve"));
        Array.prototype.forEach.call(form.querySelectorAll("button[data-action]"), function (button) {
          var kind = button.getAttribute("data-action");
          if (kind === "acknowledge" && item.status !== "open") {
            button.parentNode.removeChild(button);
            return;
          }
          button.setAttribute("formaction", base + kind);
        });
      }
    }
    // The template's ids and references carry the placeholder __ID__.
    Array.prototype.forEach.call(row.querySelectorAll("[id], [for], [aria-describedby]"), function (el) {
      ["id", "for", "aria-describedby"].forEach(function (name) {
        var value = el.getAttribute(name);
        if (value && value.indexOf("__ID__") !== -1) { el.setAttribute(name, value.split("__ID__").join(item.id)); }
      });
    });
    return row;
  }

  function busy() {
    var active = document.activeElement;
    if (active && tbody.contains(active) && /^(TEXTAREA|INPUT|BUTTON|SELECT)$/.test(active.tagName)) { return true; }
    return Array.prototype.some.call(tbody.querySelectorAll("textarea"), function (t) { return t.value.trim() !== ""; });
  }

  function say(text) {
    if (statusLine && statusLine.textContent !== text) { statusLine.textContent = text; }
  }

  function checked(text) {
    if (checkedLine) { checkedLine.textContent = text; }
  }

  function render(rows) {
    var known = {};
    Array.prototype.forEach.call(tbody.querySelectorAll("tr[data-id]"), function (tr) { known[tr.getAttribute("data-id")] = true; });
    var fragment = document.createDocumentFragment();
    var added = 0;
    rows.forEach(function (item) {
      var row = buildRow(item);
      if (!known[item.id]) { row.classList.add("is-new"); added += 1; }
      fragment.appendChild(row);
    });
    if (!rows.length && emptyTemplate) {
      fragment.appendChild(emptyTemplate.content.firstElementChild.cloneNode(true));
    }
    tbody.textContent = "";
    tbody.appendChild(fragment);
    return added;
  }

  // The current tab's count, and the open count in the navigation, follow the rows shown.
  function updateCounts(rows) {
    if (rows.length >= parseInt(limit, 10)) { return; } // a cut-off list cannot count
    var tab = document.querySelector('.tabs a[aria-current="page"] .tab-count');
    if (tab) { tab.textContent = String(rows.length); }
    if (status === "open" || status === "") {
      var open = rows.filter(function (r) { return r.status === "open"; }).length;
      var badge = document.querySelector(".nav-count");
      if (badge) {
        badge.textContent = open + " open";
        badge.hidden = open === 0;
      }
    }
  }

  function stop(message) {
    stopped = true;
    if (timer) { window.clearTimeout(timer); }
    say(message);
  }

  function schedule() {
    if (!stopped) { timer = window.setTimeout(poll, interval); }
  }

  function poll() {
    if (document.hidden) { schedule(); return; }
    var url = "/api/escalations?limit=" + encodeURIComponent(limit) + (status ? "&status=" + encodeURIComponent(status) : "");
    window.fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (response) {
        if (response.status === 401 || response.status === 403) {
          stop("Live refresh stopped: your session has ended. Reload the page to sign in again.");
          return null;
        }
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        if (!data) { return; }
        var rows = data.escalations || data.items || [];
        var next = signatureOf(rows);
        var now = formatTime(new Date().toISOString());
        checked("Last checked " + now + "; checks every " + interval / 1000 + " seconds.");
        if (next === signature) {
          return schedule();
        } else if (busy()) {
          if (updatesNotice) { updatesNotice.hidden = false; }
          say("There are new updates: refresh when you have finished your note.");
        } else {
          var added = render(rows);
          updateCounts(rows);
          signature = next;
          if (updatesNotice) { updatesNotice.hidden = true; }
          say(added ? added + " new escalation" + (added === 1 ? "" : "s") + " as of " + now + "." : "Updated as of " + now + ".");
        }
        schedule();
      })
      .catch(function () {
        say("Could not check for updates just now; trying again. The Refresh button reloads the page.");
        schedule();
      });
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && !stopped) {
      if (timer) { window.clearTimeout(timer); }
      poll();
    }
  });
  checked("Updates automatically every " + interval / 1000 + " seconds.");
  schedule();
})();
