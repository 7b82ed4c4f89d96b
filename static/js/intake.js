// The intake form (templates/cases/new.html): the category suggested from the words typed, the
// pickers by keyboard, the hints refreshed, and what was typed kept on the device (static/js/drafts.js,
// under the key "intake": this tab only, gone when it closes) so that a session that ran out, or Back
// after saving, never loses or doubles a case. Drawn back by the server (its chips and pickers), not
// field by field as drafts.js does for the other forms; forgotten, as theirs, on the message tagged
// draft-done:intake (cases/intake_views.py). The photos chosen are told by needle.js, as on the case page.
(function () {
  "use strict";

  var form = document.getElementById("intake");
  if (!form) return;
  var KEY = "intake";
  var drafts = window.needleDrafts;
  var SKIP = { csrfmiddlewaretoken: 1, photos: 1, resident_q: 1, building_q: 1, _find: 1, _pick: 1, _from: 1 };
  // Where the form was opened (a form drawn again elsewhere, a join refused, still posts there).
  var here = form.getAttribute("action") || window.location.pathname + window.location.search;
  var restoring = false;
  var touched = false; // only what the worker did is kept, not a form merely opened

  function tokenInput() {
    return document.querySelector("#intake [name=token]");
  }

  // One token per history entry: Back to a form that was saved sends that form's token again, and
  // the server answers with the case it made instead of logging a second one.
  var state = window.history.state || {};
  var drawnToken = tokenInput().value;
  if (state.intakeToken) {
    tokenInput().value = state.intakeToken;
  } else {
    window.history.replaceState(Object.assign({}, state, { intakeToken: tokenInput().value }), "");
  }

  function live(text) {
    var region = document.getElementById("intake-live");
    if (region) {
      region.textContent = "";
      window.setTimeout(function () { region.textContent = text; }, 50);
    }
  }

  // --- What was typed, kept on the device -------------------------------------------------------
  function photoCount() {
    var n = 0;
    document.querySelectorAll("#intake input[type=file]").forEach(function (input) {
      n += input.files ? input.files.length : 0;
    });
    return n;
  }

  function saveDraft() {
    var current = document.getElementById("intake");
    if (!current || !touched) return;
    var fields = [];
    new FormData(current).forEach(function (value, name) {
      if (!SKIP[name] && typeof value === "string") fields.push([name, value]);
    });
    drafts.write(KEY, { path: here, token: tokenInput().value, fields: fields, photos: photoCount() });
  }

  function readDraft() {
    var draft = drafts.read(KEY);
    return draft && draft.path === here ? draft : null;
  }

  function dropDraft() {
    drafts.drop(KEY);
  }

  function restore(draft) {
    var body = new FormData();
    draft.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    body.append("_restore", "1");
    body.append("_photos", String(draft.photos || 0));
    // Back from signing in again (the session had run out): the notice says so; otherwise the
    // worker had left the form and came back.
    try {
      if (document.referrer && /\/login\/$/.test(new URL(document.referrer).pathname)) body.append("_after_login", "1");
    } catch (e) { /* no referrer to read */ }
    var mine = draft.token === tokenInput().value;
    fetch(here, { method: "POST", body: body, credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text().then(function (html) { return { response: response, html: html }; });
      })
      .then(function (answer) {
        if (answer.response.headers.get("X-Intake-Nothing")) {
          dropDraft(); // it held only what the form opened here holds: nothing to bring back
          return;
        }
        var doc = new DOMParser().parseFromString(answer.html, "text/html");
        if (answer.response.headers.get("X-Intake-Logged")) {
          dropDraft();
          // Back to this very form after it was saved: say which case it made. A new form at the
          // same address (another case for the same resident) stays as it is.
          var notice = doc.getElementById("intake-notice");
          if (mine && notice) document.getElementById("intake-notice").replaceWith(notice);
          return;
        }
        restoring = false;
        touched = true; // what came back is the worker's work: keep it from now on
        var fresh = doc.getElementById("intake");
        if (!fresh) return;
        document.getElementById("intake").replaceWith(fresh);
        window.history.replaceState(Object.assign({}, window.history.state, { intakeToken: draft.token }), "");
        if (window.htmx) window.htmx.process(fresh);
        var notice2 = document.getElementById("intake-notice");
        if (notice2) live(notice2.textContent.trim());
      })
      .catch(function () { /* the empty form stays; the draft is kept for another try */ })
      .then(function () { restoring = false; });
  }

  if (form.getAttribute("data-restore") === "1") {
    // The copy kept on the device; else, Back to a form this history entry showed before (its token
    // is not the one just drawn): ask whether it was saved, which the notice then says. A saved
    // form's copy is forgotten on the page it led to (needle.js), so Back finds none.
    var draft = readDraft();
    if (!draft && tokenInput().value !== drawnToken) {
      draft = { token: tokenInput().value, fields: [["token", tokenInput().value]], photos: 0 };
    }
    if (draft) {
      restoring = true; // until it is back, leaving must not overwrite it
      restore(draft);
    }
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-intake-discard]")) {
      dropDraft();
      touched = false;
      window.location.replace(here);
    }
  });

  var saveTimer = null;
  function saveSoon() {
    touched = true;
    window.clearTimeout(saveTimer);
    saveTimer = window.setTimeout(saveDraft, 200);
  }
  document.addEventListener("input", function (event) {
    if (event.target.form && event.target.form.id === "intake") saveSoon();
  });
  // Leaving the page (to sign in again, or anywhere): keep the latest state, not the last timer's.
  window.addEventListener("pagehide", function () {
    if (!restoring) saveDraft();
  });

  // --- The category suggested from the words typed ------------------------------------------------
  var chosenByHand = !!document.querySelector("#intake [name=category]:checked");

  function suggest() {
    if (chosenByHand) return;
    var text = ["title", "description"].map(function (name) {
      var el = document.querySelector("#intake [name=" + name + "]");
      return el ? el.value : "";
    }).join(" ");
    var best = null;
    var bestLength = 0;
    document.querySelectorAll("#intake [name=category][data-words]").forEach(function (radio) {
      radio.getAttribute("data-words").split(/\s+/).forEach(function (word) {
        if (word && text.indexOf(word) !== -1 && word.length > bestLength) {
          best = radio;
          bestLength = word.length;
        }
      });
    });
    var current = document.querySelector("#intake [name=category]:checked");
    if (best && best !== current) {
      best.checked = true;
      var note = document.getElementById("category-suggested");
      if (note) note.textContent = (note.getAttribute("data-text") || "") + " " + best.parentNode.textContent.trim();
      whereChanged();
    }
  }

  document.addEventListener("input", function (event) {
    var name = event.target.name;
    if ((name === "title" || name === "description") && event.target.form && event.target.form.id === "intake") {
      suggest();
    }
  });

  // --- The hints against a duplicate follow the category, place and reporters --------------------
  function whereChanged() {
    document.body.dispatchEvent(new CustomEvent("needle:where-changed"));
    saveSoon();
  }

  // The place the case will be saved at follows the reporters (a reporter's room in the building
  // picked, whichever was picked first) and "the building only": drawn again by the server.
  var refocusBuildingOnly = false; // ticked by keyboard: the box drawn again keeps the focus
  function placeChanged() {
    document.body.dispatchEvent(new CustomEvent("needle:place-changed"));
  }

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!el.form || el.form.id !== "intake") return;
    if (el.name === "category") {
      chosenByHand = true;
      var note = document.getElementById("category-suggested");
      if (note) note.textContent = "";
    }
    if (el.name === "category" || el.name === "party") whereChanged();
    if (el.name === "party" || el.name === "building_only" || /^role_/.test(el.name || "")) placeChanged();
    refocusBuildingOnly = el.name === "building_only";
    saveSoon();
  });

  // --- The pickers by keyboard ---------------------------------------------------------------------
  // Enter in a search box searches (it would submit the whole form); in the new resident's
  // fields it adds them (not logging the case half-typed).
  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (event.key === "Enter" && (el.id === "resident_q" || el.id === "building_q")) {
      event.preventDefault();
      if (window.htmx) window.htmx.trigger(el, "search");
    } else if (event.key === "Enter" && /^new-/.test(el.name || "") && el.form && el.form.id === "intake") {
      event.preventDefault();
      var add = el.form.querySelector("[name=_add_resident]");
      if (add) add.click();
    }
  });

  // "Add them to the registry" under a search that found nobody: the new resident's form opened,
  // the name searched for already in it (not a number: that may be their phone, typed there).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-walk-in]");
    var box = document.getElementById("walk-in");
    if (!link || !box) return;
    event.preventDefault();
    box.open = true;
    var typed = (document.getElementById("resident_q") || {}).value || "";
    var name = box.querySelector("[name=new-name]");
    var phone = box.querySelector("[name=new-phone]");
    if (/^[\d\s+-]{7,}$/.test(typed.trim())) {
      if (phone && !phone.value) phone.value = typed.trim();
    } else if (name && !name.value) {
      name.value = typed.trim();
    }
    box.scrollIntoView({ block: "start" });
    if (name) name.focus();
  });

  // A picker's results, as they arrive, scrolled up into what the screen shows: on a phone they
  // opened under the sticky save bar and the navigation, the first of eight alone in sight (the bar
  // also stops sticking while a picker has results: needle.css). The search box stays in sight.
  function showResults(results) {
    var first = results.querySelector(".pick");
    var box = results.closest(".typeahead");
    if (!first || !box) return;
    var bottom = window.innerHeight;
    var view = window.visualViewport; // the on-screen keyboard takes the bottom of the screen
    if (view) bottom = Math.min(bottom, view.offsetTop + view.height);
    var nav = document.querySelector(".mainnav");
    if (nav && nav.offsetParent !== null) bottom = Math.min(bottom, nav.getBoundingClientRect().top);
    var header = document.querySelector(".topbar");
    var top = header ? Math.max(0, header.getBoundingClientRect().bottom) : 0;
    var need = results.getBoundingClientRect().bottom + 8 - bottom; // all of them, when they fit
    var room = box.getBoundingClientRect().top - top - 8; // no further than the box's label at the top
    var by = Math.min(need, room);
    if (by > 0) window.scrollBy(0, by);
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.target;
    // (An outerHTML swap reports the element it replaced: go by its id.)
    if (!target || !document.getElementById("intake")) return;
    var id = target.id;
    var region = document.getElementById("intake-live");
    if (id === "resident-results" || id === "building-results") {
      var n = document.getElementById(id).querySelectorAll("button.pick").length;
      if (n) showResults(document.getElementById(id));
      if (region) live(n ? region.getAttribute("data-found").replace("{n}", n) : region.getAttribute("data-none"));
    } else if (id === "parties") {
      // A resident was added: say who, and go back to the search box for the next one.
      var added = target.querySelector("li.party:last-child .party-name");
      var search = document.getElementById("resident_q");
      if (search) {
        search.value = "";
        search.focus();
      }
      if (added && region) live(region.getAttribute("data-added").replace("{name}", added.textContent.trim().split(/\s+/)[0]));
      whereChanged();
      placeChanged();
    } else if (id === "picked-place") {
      // Drawn again as the reporters changed (its own request): the focus stays where it is.
      var config = event.detail.requestConfig;
      var from = (config && config.elt) || event.detail.elt;
      if (!from || !from.classList || !from.classList.contains("pick")) {
        var box = document.querySelector("#intake [name=building_only]");
        if (refocusBuildingOnly && box) box.focus();
        refocusBuildingOnly = false;
        return;
      }
      var picked = document.getElementById("picked-place");
      if (picked) {
        picked.setAttribute("tabindex", "-1");
        picked.focus();
        if (region) live(picked.textContent.trim());
      }
      whereChanged();
    }
  });
})();
