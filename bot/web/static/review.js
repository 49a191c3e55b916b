/* Keyboard-first labelling in the review inbox (console/review.html).
 *
 * Each row's forms still work without JavaScript (they post and come back). With it, a form is
 * sent to the JSON API (POST /api/review/{key}/label, the session's CSRF token in X-CSRF-Token),
 * the row shows what was saved, and the next row to label comes up. Keys, when no text field has
 * the focus: j/k or arrows move, c confirm, 1/2 the next readings, x correct (search), n new
 * topic, e exclude, ! a crisis the assistant missed (asks first: it may page the clinical team),
 * o opens the conversation. Text is set with textContent only.
 */
(function () {
  "use strict";

  var list = document.querySelector("[data-review-list]");
  if (!list || !window.fetch) {
    return;
  }
  var status = document.getElementById("review-status");
  var rows = Array.prototype.slice.call(list.querySelectorAll("[data-review-row]"));
  var current = -1;
  var decisionNames = { confirm: "Confirmed", correct: "Corrected", new_topic: "New topic", exclude: "Excluded" };

  function say(text) {
    if (status) { status.textContent = text; }
  }

  function focusRow(index) {
    if (!rows.length) { return; }
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach(function (row, i) { row.classList.toggle("review-current", i === current); });
    rows[current].focus();
    rows[current].scrollIntoView({ block: "nearest" });
  }

  function nextOpen(from) {
    for (var i = from + 1; i < rows.length; i++) {
      if (!rows[i].classList.contains("review-done")) { return i; }
    }
    return -1;
  }

  function formOf(row, decision, intent) {
    var forms = row.querySelectorAll("form.review-form");
    for (var i = 0; i < forms.length; i++) {
      var f = forms[i];
      if (f.getAttribute("data-decision") === decision && (intent === undefined || f.getAttribute("data-intent") === intent)) {
        return f;
      }
    }
    return null;
  }

  function send(form) {
    var row = form.closest("[data-review-row]");
    var data = new FormData(form);
    var decision = String(data.get("decision") || "");
    var intent = data.get("intent") ? String(data.get("intent")).trim() : null;
    var note = data.get("note") ? String(data.get("note")).trim() : null;
    if (intent === "crisis" && !window.confirm(
      "Label this message a crisis the assistant missed?\n\nIf its conversation was active in the last 24 hours and nobody was alerted, the clinical team is paged now.")) {
      return;
    }
    var body = { decision: decision };
    if (intent) { body.intent = intent; }
    if (note) { body.note = note; }
    say("Saving…");
    fetch(list.getAttribute("data-label-url") + encodeURIComponent(row.getAttribute("data-key")) + "/label", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": String(data.get("csrf_token") || "") },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (answer) { return { ok: response.ok, answer: answer }; });
    }).then(function (result) {
      if (!result.ok) {
        say("Not saved: " + (result.answer && result.answer.error ? result.answer.error : "the server refused it."));
        return;
      }
      var label = result.answer.label;
      var line = row.querySelector("[data-label-line]");
      line.textContent = (decisionNames[label.decision] || label.decision) + (label.intent ? ": " + label.intent : "") +
        (label.note ? " (" + label.note + ")" : "") + " · saved";
      row.classList.add("review-done");
      var extra = "";
      if (result.answer.escalations && result.answer.escalations.length) {
        extra = " A crisis the safety net missed: an escalation was raised and the clinical team is being paged.";
      } else if (result.answer.missed_crises) {
        extra = " Counted as a crisis the safety net missed; the conversation is not recent, so nobody was paged.";
      }
      say("Saved." + extra);
      var next = nextOpen(rows.indexOf(row));
      if (next >= 0) { focusRow(next); } else { say("Saved." + extra + " That was the last row on this page."); }
    }).catch(function () {
      say("Not saved: the console could not be reached. Check the connection and try again.");
    });
  }

  list.addEventListener("submit", function (event) {
    var form = event.target.closest("form.review-form");
    if (!form) { return; }
    event.preventDefault();
    send(form);
  });

  list.addEventListener("focusin", function (event) {
    var row = event.target.closest("[data-review-row]");
    if (row) {
      current = rows.indexOf(row);
      rows.forEach(function (r, i) { r.classList.toggle("review-current", i === current); });
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var target = event.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "SELECT" || target.tagName === "TEXTAREA");
    if (typing) {
      if (event.key === "Escape" && target.closest("[data-review-row]")) {
        target.blur();
        focusRow(current);
      }
      return;
    }
    if (!rows.length) { return; }
    if (current < 0) { current = Math.max(0, nextOpen(-1)); }
    var row = rows[current];
    var form = null;
    switch (event.key) {
      case "j": case "ArrowDown": focusRow(current + 1); break;
      case "k": case "ArrowUp": focusRow(current - 1); break;
      case "c": form = formOf(row, "confirm"); break;
      case "1": case "2":
        var alternatives = row.querySelectorAll("form.review-form[data-decision='correct'][data-intent]:not([data-intent='crisis'])");
        form = alternatives[parseInt(event.key, 10) - 1] || null;
        break;
      case "x": case "/":
        var search = row.querySelector("[data-correct-input]");
        if (search) { search.focus(); }
        break;
      case "n": var noteInput = row.querySelector("[data-note-input]"); if (noteInput) { noteInput.focus(); } break;
      case "e": form = formOf(row, "exclude"); break;
      case "!": form = formOf(row, "correct", "crisis"); break;
      case "o": var link = row.querySelector("[data-conversation-link]"); if (link) { window.location.href = link.href; } break;
      default: return;
    }
    event.preventDefault();
    if (form) { send(form); }
  });

  var first = nextOpen(-1);
  if (first >= 0) { focusRow(first); }
})();
