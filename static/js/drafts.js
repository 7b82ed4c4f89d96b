// What a worker types into a form is kept on this device until the server has accepted it: a session
// that ran out (needle.js sends the page to sign in), a dropped connection, a reload or Back never
// loses it. A form opts in with data-keep-draft="KEY", KEY stable for the form and its record
// (case-12-note, referral-5-reply, visit-837); the copy is in sessionStorage (this tab only, gone when
// it closes, forgotten on logging out: needle.js), under needle:draft:KEY, for the session's
// 12-hour limit at most.
//
// A copy is its user's (#needle-words data-owner, a keyed hash of who is signed in): a shared phone
// puts back no one else's, and a page opened by someone else drops every copy that isn't theirs (a
// session that ran out and another person signed in; a logout in another tab). Logging out forgets
// every copy and keeps nothing more from that page, not even what pagehide would have saved.
//
// The copy holds what the form looked like when drawn (base) and what the worker made of it
// (fields): the fields the worker changed, by typing, tapping or choosing in them (an input or change
// event on the field), and no other. Drawn again (after signing in, a reload, the case page's part
// drawn again in place after another form's save), those are put back, over the page as drawn now:
// a colleague's newer title, the case's newer version stay as the server drew them, and so does the
// visit form's time, drawn as now. A value the browser put in by itself is not the worker's: going
// Back, Chrome fills the fields in with what they held when the page was left (the time drawn an hour
// ago, with no event), which, kept as typed, came back over the time drawn now on every later visit
// to the form, and a visit was saved at the wrong time. Put back on a page opened afresh, the form
// says so, with a button to start afresh.
//
// The server says a form was accepted by the tag draft-done:KEY on its message (common/drafts.py):
// the copy is forgotten on the page that message is on. Each marked form posts its key as _draft
// for that. The intake form keeps its own copy through this module too (static/js/intake.js: drawn
// again by the server, with its chips and pickers).
(function () {
  "use strict";

  var PREFIX = "needle:draft:";
  var MAX_AGE_MS = 12 * 3600 * 1000; // the session's absolute limit: older copies are not offered
  var NOT_TYPED = { csrfmiddlewaretoken: 1, _draft: 1, token: 1 };
  var NOT_FIELDS = { hidden: 1, file: 1, submit: 1, button: 1, reset: 1, image: 1, password: 1 };

  function words(name) {
    var el = document.getElementById("needle-words");
    return (el && el.getAttribute("data-" + name)) || "";
  }

  // --- The stored copy ------------------------------------------------------------------------------
  var OWNER = words("owner"); // "" on a page for no one signed in (the login page): it keeps nothing
  var loggingOut = false;

  function read(key) {
    try {
      var draft = JSON.parse(window.sessionStorage.getItem(PREFIX + key) || "null");
      if (!draft || !OWNER) return null;
      if (draft.owner !== OWNER) {
        drop(key); // another user's: never put back, and not left on the phone
        return null;
      }
      if (Date.now() - draft.at < MAX_AGE_MS) return draft;
    } catch (e) { /* unreadable: as if none */ }
    return null;
  }

  function write(key, draft) {
    if (!OWNER || loggingOut) return;
    draft.owner = OWNER;
    draft.at = Date.now();
    try {
      window.sessionStorage.setItem(PREFIX + key, JSON.stringify(draft));
    } catch (e) { /* storage full or refused: the form still works, it just is not kept */ }
  }

  function drop(key) {
    try { window.sessionStorage.removeItem(PREFIX + key); } catch (e) { /* nothing kept */ }
  }

  function keptKeys() {
    var keys = [];
    try {
      for (var i = 0; i < window.sessionStorage.length; i++) {
        var name = window.sessionStorage.key(i);
        if (name && name.indexOf(PREFIX) === 0) keys.push(name.slice(PREFIX.length));
      }
    } catch (e) { /* storage refused: nothing kept */ }
    return keys;
  }

  // Someone signed in: every copy that is not theirs goes (read() drops them one by one too).
  if (OWNER) keptKeys().forEach(function (key) { read(key); });

  // --- A form's fields ------------------------------------------------------------------------------
  // By name, each a list of values (radios, check boxes and multiple choices have several or none).
  // Hidden fields are the page's (the case's version, where to go next), never the worker's.
  function typedIn(el) {
    return el.name && !NOT_TYPED[el.name] && !NOT_FIELDS[el.type] && !el.disabled;
  }

  function valuesOf(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!typedIn(el)) return;
      var list = values[el.name] || (values[el.name] = []);
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) list.push(el.value);
      } else if (el.type === "select-multiple") {
        Array.prototype.forEach.call(el.selectedOptions, function (o) { list.push(o.value); });
      } else {
        list.push(el.value);
      }
    });
    return values;
  }

  function same(a, b) {
    return JSON.stringify(a || []) === JSON.stringify(b || []);
  }

  function setValues(form, name, list) {
    var seen = 0;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name !== name || !typedIn(el)) return;
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = list.indexOf(el.value) !== -1;
      } else if (el.type === "select-multiple") {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = list.indexOf(o.value) !== -1; });
      } else {
        el.value = list[seen++] || "";
      }
    });
  }

  function changed(base, fields) {
    return Object.keys(fields).filter(function (name) { return !same(fields[name], base[name]); });
  }

  // The values of the fields the worker changed (state.typed: their names), the others left out.
  function typedValues(form, state) {
    var values = valuesOf(form);
    var fields = {};
    Object.keys(values).forEach(function (name) {
      if (state.typed[name] && !same(values[name], state.base[name])) fields[name] = values[name];
    });
    return fields;
  }

  // --- Kept as typed --------------------------------------------------------------------------------
  function save(form) {
    var state = form.needleDraft;
    // A form no longer in the page was replaced by the server's answer: a late timer must not bring
    // back the copy of a form just accepted.
    if (!state || !state.touched || !form.isConnected || loggingOut) return;
    var fields = typedValues(form, state);
    if (!Object.keys(fields).length) {
      drop(state.key); // typed and erased again: nothing to keep
      return;
    }
    var token = form.querySelector("input[name=token]");
    write(state.key, {
      path: window.location.pathname,
      base: state.base,
      fields: fields,
      token: token ? token.value : "",
    });
  }

  function marked(form) {
    return form && form.nodeName === "FORM" && form.needleDraft ? form : null;
  }

  var timers = {};
  function saveSoon(form, name) {
    form.needleDraft.touched = true;
    if (name) form.needleDraft.typed[name] = true;
    window.clearTimeout(timers[form.needleDraft.key]);
    timers[form.needleDraft.key] = window.setTimeout(function () { save(form); }, 200);
  }

  function saveAll() {
    document.querySelectorAll("form[data-keep-draft]").forEach(function (form) { save(form); });
  }

  // --- Put back -------------------------------------------------------------------------------------
  function afterLogin() {
    try {
      return !!document.referrer && /\/login\/$/.test(new URL(document.referrer).pathname);
    } catch (e) {
      return false;
    }
  }

  function notice(form) {
    var old = form.querySelector(".draft-notice");
    if (old) old.remove();
    var p = document.createElement("p");
    p.className = "message info draft-notice";
    p.setAttribute("role", "status");
    p.textContent = words(afterLogin() ? "restored-after-login" : "restored") + " ";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "linklike";
    button.setAttribute("data-draft-discard", "");
    button.textContent = words("start-afresh");
    p.appendChild(button);
    form.insertBefore(p, form.firstChild);
    return p;
  }

  // Prepare a marked form (the page's, or one just drawn in place) and put its copy back into it.
  // `said`: tell the worker (a page opened afresh); a form drawn again in place after another form's
  // save is merely left as the worker had it.
  function prepare(form, said) {
    var key = form.getAttribute("data-keep-draft");
    if (!key || form.needleDraft) return null;
    var drawn = valuesOf(form);
    form.needleDraft = { key: key, base: drawn, drawn: drawn, touched: false, typed: {} };
    if (!form.querySelector("input[name=_draft]")) {
      var field = document.createElement("input");
      field.type = "hidden";
      field.name = "_draft";
      field.value = key;
      form.appendChild(field);
    }
    var draft = read(key);
    if (!draft || !draft.fields || draft.path !== window.location.pathname) return null;
    var typed = changed(draft.base || {}, draft.fields).filter(function (name) { return name in drawn; });
    if (!typed.length) {
      drop(key);
      return null;
    }
    // From now on the origin is the draft's for what the worker typed, the page's for the rest.
    var base = Object.assign({}, drawn);
    var put = false;
    typed.forEach(function (name) {
      base[name] = draft.base[name] || [];
      form.needleDraft.typed[name] = true;
      if (!same(drawn[name], draft.fields[name])) {
        setValues(form, name, draft.fields[name]);
        put = true;
      }
    });
    form.needleDraft.base = base;
    form.needleDraft.touched = true;
    if (!put) return null; // drawn again by the server as typed (a refusal): nothing to put back
    // The same form sent again: a save whose answer was lost is then recognised (cases/services/once.py).
    var token = form.querySelector("input[name=token]");
    if (token && draft.token) token.value = draft.token;
    for (var open = form.closest("details"); open; open = open.parentElement.closest("details")) open.open = true;
    save(form);
    return said ? notice(form) : form;
  }

  function prepareAll(root, said) {
    var first = null;
    root.querySelectorAll("form[data-keep-draft]").forEach(function (form) {
      var put = prepare(form, said);
      first = first || put;
    });
    return first;
  }

  // --- A copy whose form is gone -----------------------------------------------------------------------
  // Kept for this page, but its form is no longer drawn (a colleague resolved the case, or it went to
  // someone else, meanwhile): never dropped without a word. Shown at the top of the page, read-only,
  // with a button to copy it and one to let it go (review 7, #5). The words typed, not the choices
  // (ids, dates, options: a tap to make again).
  function typedWords(draft) {
    var out = [];
    changed(draft.base || {}, draft.fields || {}).forEach(function (name) {
      (draft.fields[name] || []).forEach(function (value) {
        if (value && value.trim() && !/^[\w.:+-]*$/.test(value.trim())) out.push(value.trim());
      });
    });
    return out.join("\n\n");
  }

  function copyOut(box, button) {
    var done = function () { button.textContent = words("copied"); };
    box.select();
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(box.value).then(done, function () {
        if (document.execCommand("copy")) done();
      });
    } else if (document.execCommand("copy")) {
      done();
    }
  }

  function orphanNotice(key, text) {
    var section = document.createElement("section");
    section.className = "card message warning draft-orphan";
    section.setAttribute("role", "status");
    section.setAttribute("data-draft-orphan", key);
    var head = document.createElement("p");
    head.textContent = words("orphan");
    var box = document.createElement("textarea");
    box.readOnly = true;
    box.rows = Math.min(8, text.split("\n").length + 1);
    box.value = text;
    box.setAttribute("aria-label", words("orphan-label"));
    var copy = document.createElement("button");
    copy.type = "button";
    copy.className = "button";
    copy.textContent = words("copy");
    copy.addEventListener("click", function () { copyOut(box, copy); });
    var forget = document.createElement("button");
    forget.type = "button";
    forget.className = "linklike";
    forget.textContent = words("orphan-discard");
    forget.addEventListener("click", function () {
      drop(key);
      section.remove();
    });
    var actions = document.createElement("p");
    actions.appendChild(copy);
    actions.appendChild(document.createTextNode(" "));
    actions.appendChild(forget);
    section.appendChild(head);
    section.appendChild(box);
    section.appendChild(actions);
    return section;
  }

  function sayOrphans() {
    var main = document.getElementById("main");
    // The expired form's page (templates/403_csrf.html) stands at the address of a form that posts
    // to its own page (the visit form): its copy is not orphaned but waits for the page opened again.
    if (!main || !OWNER || document.querySelector("[data-stale-form]")) return;
    var status = document.getElementById("page-messages");
    var after = status ? status.parentElement : null;
    var first = null;
    keptKeys().forEach(function (key) {
      if (document.querySelector('form[data-keep-draft="' + key + '"], [data-draft-orphan="' + key + '"]')) return;
      var draft = read(key);
      if (!draft || !draft.base || draft.path !== window.location.pathname) return;
      var text = typedWords(draft);
      if (!text) return;
      var notice = orphanNotice(key, text);
      if (after && after.parentElement === main) main.insertBefore(notice, after.nextSibling);
      else main.insertBefore(notice, main.firstChild);
      first = first || notice;
    });
    if (!first) return;
    // The words typed stand at the top of the page, and a reload put the page back where it was
    // scrolled to (the form, further down, now gone), the words out of sight: this page's scroll is
    // not restored, and the words are brought into sight (again at the load event, as late as a
    // browser may still move the page).
    if ("scrollRestoration" in history) history.scrollRestoration = "manual";
    var show = function () { first.scrollIntoView({ block: "center" }); };
    show();
    if (document.readyState !== "complete") window.addEventListener("load", show, { once: true });
  }

  // The server's word that a form was accepted: its copy is done with (a message's draft-done:KEY).
  function forgetAccepted(root) {
    root.querySelectorAll(".message").forEach(function (message) {
      if (message.needleDraftRead) return;
      message.needleDraftRead = true;
      message.classList.forEach(function (name) {
        if (name.indexOf("draft-done:") === 0) drop(name.slice("draft-done:".length));
      });
    });
  }

  forgetAccepted(document);
  var restored = prepareAll(document, true);
  sayOrphans();
  if (restored) {
    // The page opens at its top, or a reload where it was; the words put back may be elsewhere (the
    // case page's note): brought into view once the browser has put the page where it puts it.
    var show = function () { window.setTimeout(function () { restored.scrollIntoView({ block: "center" }); }, 0); };
    if (document.readyState === "complete") show();
    else window.addEventListener("load", show);
  }

  document.addEventListener("htmx:afterSettle", function () {
    forgetAccepted(document);
    prepareAll(document, false);
  });

  document.addEventListener("input", function (event) {
    var form = marked(event.target.form);
    if (form) saveSoon(form, event.target.name);
  });
  document.addEventListener("change", function (event) {
    var form = marked(event.target.form);
    if (form) saveSoon(form, event.target.name);
  });
  // Logging out (the account menu's form): every copy is forgotten, and nothing more is kept from this
  // page (pagehide's saveAll below would have written the touched forms back for the next person).
  document.addEventListener("submit", function (event) {
    if (!/\/logout\/$/.test(event.target.getAttribute("action") || "")) return;
    loggingOut = true;
    Object.keys(timers).forEach(function (key) { window.clearTimeout(timers[key]); });
    keptKeys().forEach(drop);
  }, true);

  // Sent: kept as it is now, until the answer says it was accepted. Every other touched form too,
  // at once: the answer may draw them again in place (the case page's part) before their timer
  // runs, and a form no longer in the page is not saved, so what was typed in the last 200 ms of
  // another panel was lost.
  document.addEventListener("submit", function (event) {
    if (loggingOut || !marked(event.target)) return;
    Object.keys(timers).forEach(function (key) { window.clearTimeout(timers[key]); });
    saveAll();
  }, true);
  // Leaving the page (to sign in again, or anywhere): the latest state, not the last timer's.
  window.addEventListener("pagehide", saveAll);

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-draft-discard]");
    var form = button && marked(button.closest("form"));
    if (!form) return;
    var state = form.needleDraft;
    Object.keys(state.drawn).forEach(function (name) { setValues(form, name, state.drawn[name]); });
    drop(state.key);
    state.base = state.drawn;
    state.touched = false;
    state.typed = {};
    button.closest(".draft-notice").remove();
    var first = form.querySelector("textarea, input:not([type=hidden]), select");
    if (first) first.focus();
  });

  // For the intake (static/js/intake.js), which draws its copy back through the server.
  window.needleDrafts = { read: read, write: write, drop: drop };
})();
