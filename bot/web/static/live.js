/* The console's live chat (console/live.html and console/live_chat.html).
 *
 * Queue page: every few seconds GET /console/live/queue.json (which also tells the server this
 * page is open, keeping its staff member available) and rebuild the table from the row
 * <template>. Chat page: every second or two GET .../events?after=N and append the new turns
 * (when the server listens to Rasa's events it holds the request until there is news, "push",
 * and the page asks again at once);
 * the message box posts with fetch (the session's CSRF token from the form) and keeps the page.
 * Everything is built with textContent, never innerHTML. Without JavaScript both pages work with
 * forms and a Refresh link.
 */
(function () {
  "use strict";

  var statusLine = document.getElementById("live-status");
  var stopped = false;

  function say(text) {
    if (statusLine && statusLine.textContent !== text) { statusLine.textContent = text; }
  }

  // Times in the center's zone, as the server writes them: 14:05:09 under a day heading (clock),
  // 2026-03-20 14:05 elsewhere (withDate).
  function timeFormat(zone, withDate) {
    var options = withDate
      ? { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }
      : { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" };
    var format;
    try {
      format = new Intl.DateTimeFormat("en-CA", Object.assign({ timeZone: zone }, options));
    } catch (e) {
      format = new Intl.DateTimeFormat("en-CA", options);
    }
    return function (date) {
      var parts = {};
      format.formatToParts(date).forEach(function (p) { parts[p.type] = p.value; });
      var clock = parts.hour + ":" + parts.minute + (withDate ? "" : ":" + parts.second);
      return withDate ? parts.year + "-" + parts.month + "-" + parts.day + " " + clock : clock;
    };
  }

  function timeElement(format, iso) {
    var el = document.createElement("time");
    el.setAttribute("datetime", iso);
    el.textContent = format(new Date(iso));
    return el;
  }

  function getJSON(url) {
    return window.fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (response) {
        if (response.status === 401 || response.status === 403) {
          stopped = true;
          say(response.status === 401
            ? "Live updates stopped: your session has ended. Reload the page to sign in again."
            : "Live updates stopped: you may no longer open this conversation (a crisis is for the clinical team, who may have taken it over).");
          return null;
        }
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      });
  }

  function every(seconds, poll) {
    var timer = null;
    // poll() may resolve with the seconds until the next poll (0: the server waited for news).
    function schedule(next) {
      if (!stopped) { timer = window.setTimeout(run, (typeof next === "number" ? next : seconds) * 1000); }
    }
    var busy = false; // one request at a time: a held request answers as soon as there is news
    var again = false;
    function done(next) {
      busy = false;
      if (again) { again = false; run(); } else { schedule(next); }
    }
    function run() {
      if (timer) { window.clearTimeout(timer); timer = null; }
      if (busy) { again = true; return; }
      busy = true;
      poll().then(done, function () {
        say("Could not check for updates just now; trying again.");
        done();
      });
    }
    document.addEventListener("visibilitychange", function () { if (!document.hidden && !stopped) { run(); } });
    schedule();
    return run;
  }

  // --- the queue ---------------------------------------------------------------------------------

  function queuePage(table) {
    var tbody = table.tBodies[0];
    var rowTemplate = document.getElementById("queue-row");
    var emptyTemplate = document.getElementById("queue-empty");
    var format = timeFormat(table.getAttribute("data-zone") || "UTC", true);
    var interval = Math.max(2, parseFloat(table.getAttribute("data-interval") || "3"));
    var signature = null;
    var title = document.title;

    function badge(text, kind) {
      var span = document.createElement("span");
      span.className = "badge badge-" + kind;
      span.textContent = text;
      return span;
    }

    function stateCell(cell, item) {
      if (item.state === "waiting") {
        cell.appendChild(badge("waiting for a person", item.in_crisis ? "danger" : "warn"));
      } else if (item.state === "active") {
        cell.appendChild(badge((item.staff_name || "Someone") + " is chatting", "ok"));
      } else {
        cell.appendChild(badge("crisis escalation " + (item.escalation_status || "open"), "danger"));
      }
      if (item.in_crisis && item.state !== "escalation") {
        cell.appendChild(document.createTextNode(" "));
        cell.appendChild(badge("crisis", "danger"));
      }
    }

    function buildRow(item) {
      var row = rowTemplate.content.firstElementChild.cloneNode(true);
      var path = "/console/live/" + encodeURIComponent(item.conversation_id);
      row.setAttribute("data-conversation", item.conversation_id);
      row.setAttribute("data-state", item.state);
      row.querySelector('[data-field="since"]').appendChild(timeElement(format, item.since));
      var whoCell = row.querySelector('[data-field="who"]');
      if (item.client_name) {
        whoCell.textContent = item.client_name + " ";
        whoCell.appendChild(badge("client", "client"));
      } else {
        whoCell.textContent = "Visitor";
      }
      stateCell(row.querySelector('[data-field="state"]'), item);
      row.querySelector('[data-field="last_message"]').textContent = item.last_message || "";
      var open = row.querySelector('[data-field="open"]');
      var take = row.querySelector('[data-field="take"]');
      if (item.state === "active") {
        open.setAttribute("href", path);
        take.parentNode.removeChild(take);
      } else {
        take.setAttribute("action", path + "/take");
        row.querySelector('[data-field="take_label"]').textContent = " the conversation with " + (item.client_name || "the visitor");
        open.parentNode.removeChild(open);
      }
      return row;
    }

    return every(interval, function () {
      return getJSON("/console/live/queue.json").then(function (data) {
        if (!data) { return; }
        var items = data.items || [];
        var next = items.map(function (i) { return i.conversation_id + ":" + i.state + ":" + i.in_crisis + ":" + (i.staff_name || "") + ":" + i.last_message; }).join("|");
        var waiting = items.filter(function (i) { return i.state === "waiting"; }).length;
        document.title = (waiting ? "(" + waiting + ") " : "") + title;
        if (next === signature) { return; }
        var firstLoad = signature === null;
        signature = next;
        if (document.activeElement && tbody.contains(document.activeElement)) { return; } // don't pull a button from under the keyboard
        var fragment = document.createDocumentFragment();
        items.forEach(function (item) { fragment.appendChild(buildRow(item)); });
        if (!items.length) { fragment.appendChild(emptyTemplate.content.firstElementChild.cloneNode(true)); }
        tbody.textContent = "";
        tbody.appendChild(fragment);
        if (!firstLoad) {
          say(waiting ? waiting + " waiting for a person." : "The queue changed.");
        }
      });
    });
  }

  // --- one chat ----------------------------------------------------------------------------------

  function chatPage(panel) {
    var conversation = panel.getAttribute("data-conversation");
    var base = "/console/live/" + encodeURIComponent(conversation);
    var after = panel.getAttribute("data-after") || "0";
    var status = panel.getAttribute("data-status") || "";
    var mine = panel.getAttribute("data-mine") === "1";
    var speaker = panel.getAttribute("data-speaker") || "Visitor";
    var list = document.getElementById("live-transcript");
    var composer = document.getElementById("composer");
    var text = document.getElementById("composer-text");
    var format = timeFormat(panel.getAttribute("data-zone") || "UTC", false);
    var interval = Math.max(1, parseFloat(panel.getAttribute("data-interval") || "1.5"));

    function addTurn(turn) {
      var li = document.createElement("li");
      var staff = turn.kind === "bot" && turn.staff_name;
      li.className = "t-msg " + (turn.kind === "user" ? "t-user" : "t-bot") + (turn.crisis ? " t-crisis" : "") + (staff ? " t-staff" : "");
      var meta = document.createElement("p");
      meta.className = "t-meta";
      var whoSpan = document.createElement("span");
      whoSpan.className = "t-who";
      whoSpan.textContent = turn.kind === "user" ? speaker : (staff ? turn.staff_name + " (staff)" : "Assistant");
      meta.appendChild(whoSpan);
      meta.appendChild(document.createTextNode(" "));
      meta.appendChild(timeElement(format, turn.at));
      if (turn.crisis) {
        var crisis = document.createElement("span");
        crisis.className = "badge badge-danger";
        crisis.textContent = "crisis";
        meta.appendChild(document.createTextNode(" "));
        meta.appendChild(crisis);
      }
      var body = document.createElement("p");
      body.className = "t-text";
      body.textContent = turn.text || "(no text)";
      li.appendChild(meta);
      li.appendChild(body);
      list.appendChild(li);
      if (turn.crisis) { say("Crisis message from " + speaker + ": " + (turn.text || "")); }
    }

    var poll = every(interval, function () {
      return getJSON(base + "/events?wait=20&after=" + encodeURIComponent(after)).then(function (data) {
        if (!data) { return; }
        var nearBottom = window.innerHeight + window.scrollY >= document.body.scrollHeight - 80;
        (data.turns || []).forEach(addTurn);
        after = String(data.after);
        if (data.turns && data.turns.length && nearBottom) { window.scrollTo(0, document.body.scrollHeight); }
        var handoff = data.handoff || {};
        var changed = (handoff.status || "") !== status || Boolean(handoff.mine) !== mine;
        if (changed && !(text && text.value.trim())) {
          window.location.reload(); // the controls depend on who is chatting: draw them anew
        } else if (changed) {
          say("Who is chatting has changed. Send or clear your message, then reload the page.");
        }
        return data.push ? 0.05 : undefined; // a server that waits for news: ask again at once
      });
    });

    if (composer && text) {
      composer.addEventListener("submit", function (event) {
        event.preventDefault();
        if (!text.value.trim()) { return; }
        var button = composer.querySelector('button[type="submit"]');
        button.disabled = true;
        window.fetch(composer.getAttribute("action"), {
          method: "POST",
          credentials: "same-origin",
          headers: { Accept: "application/json" },
          body: new FormData(composer)
        }).then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (body) {
            if (!response.ok) { throw new Error(body.error || "HTTP " + response.status); }
            text.value = "";
            say("");
            poll();
          });
        }).catch(function (error) {
          say("Not sent: " + error.message);
        }).then(function () {
          button.disabled = false;
          text.focus();
        });
      });
      text.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          composer.requestSubmit ? composer.requestSubmit() : composer.dispatchEvent(new Event("submit", { cancelable: true }));
        }
      });
      text.focus();
    }
  }

  var queue = document.querySelector("table[data-live-queue]");
  var chat = document.querySelector("[data-live-chat]");
  if (!window.fetch || !("content" in document.createElement("template"))) { return; }
  if (queue) { queuePage(queue); }
  if (chat) { chatPage(chat); }
})();
