// Needle's page behaviour. No inline scripts or handlers anywhere (the CSP forbids them):
// pages mark elements with data- attributes and this file wires them up.
(function () {
  "use strict";

  // <form data-confirm="Are you sure?">: ask before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    // A double-clicked submit sends one request: disable the buttons once the form is on its way.
    if (!event.defaultPrevented && !form.hasAttribute("hx-post") && !form.hasAttribute("hx-get")) {
      window.setTimeout(function () {
        form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) {
          b.disabled = true;
        });
      }, 0);
    }
  });

  // <select data-autosubmit> and <input data-autosubmit>: submit the form on change (htmx forms
  // handle this themselves; this is for plain forms).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form && !el.form.hasAttribute("hx-get")) {
      el.form.requestSubmit();
    }
  });

  // The photo buttons (templates/cases/includes/photo_buttons.html, the intake's and the case
  // page's): say how many photos were chosen, the camera's and the files' together.
  document.addEventListener("change", function (event) {
    var el = event.target;
    var field = el.type === "file" && el.closest && el.closest("[data-photo-field]");
    if (!field) return;
    var out = field.querySelector("[data-photos-chosen]");
    var n = 0;
    field.querySelectorAll("input[type=file]").forEach(function (input) {
      n += input.files ? input.files.length : 0;
    });
    if (out) out.textContent = n ? out.getAttribute("data-some").replace("{n}", n) : "";
  });

  // <button data-print>: print the page.
  document.addEventListener("click", function (event) {
    var el = event.target.closest && event.target.closest("[data-print]");
    if (el) {
      event.preventDefault();
      window.print();
    }
  });

  // Back to a page kept in the browser's memory (bfcache): its buttons were disabled on submit.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("button[type=submit]:disabled, input[type=submit]:disabled").forEach(function (b) {
      b.disabled = false;
    });
  });

  // An htmx request that met an ended session was redirected to the login page: never show that
  // page inside the form. Go to sign in, then come back to this page (a form keeps what was typed
  // on the device: static/js/drafts.js, the intake's through static/js/intake.js). Once: the
  // intake's searches answer together, and a second assign() aborted the first navigation.
  var signingIn = false;
  window.addEventListener("pageshow", function () { signingIn = false; });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (!xhr || !xhr.responseURL) return;
    var url = new URL(xhr.responseURL, window.location.href);
    if (url.searchParams.has("next") && /\/login\/$/.test(url.pathname)) {
      event.detail.shouldSwap = false;
      if (signingIn) return;
      signingIn = true;
      url.searchParams.set("next", window.location.pathname + window.location.search);
      window.location.assign(url.toString());
    }
  });

  // A refusal (403) of a form sent in place: htmx swaps no 4xx answer, and the button did nothing.
  // The refusal's words (the 403 page's .error-page: needle/views.py permission_denied, what was
  // refused and what to do instead) are drawn where the answer would have gone, as a plain post
  // shows the page.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (!xhr || xhr.status !== 403 || xhr.responseText.indexOf('class="error-page"') < 0) return;
    // A stale form (the CSRF refusal, templates/403_csrf.html): not the page's to replace. Its page
    // says "nothing was saved" and offers only home, while the form and what was typed are still
    // here and kept on the device: said by the button instead (sayNotSaved, "expired").
    if (staleForm(xhr)) return;
    event.detail.shouldSwap = true;
    event.detail.isError = false;
    event.detail.selectOverride = ".error-page";
  });

  function staleForm(xhr) {
    return xhr.status === 403 && xhr.responseText.indexOf("data-stale-form") >= 0;
  }

  // An htmx form that could not be saved: the connection dropped (htmx:sendError, a timeout), or the
  // server answered with an error (htmx:responseError: a 500/502/503, or a refusal such as a 403
  // once the page's CSRF token went stale). htmx swaps nothing then and the form stays as typed, but
  // the worker saw nothing happen and took it for saved. Said by the form's button, in the page's
  // language (#needle-words, base.html), which says whether what was typed is kept on the device
  // (a form marked data-keep-draft: static/js/drafts.js); the button stays ready for another try.
  function sayNotSaved(event, kind) {
    var detail = event.detail || {};
    var elt = detail.elt;
    var form = elt && elt.closest && elt.closest("form");
    if (!form || (detail.requestConfig && detail.requestConfig.verb === "get")) return;
    var words = document.getElementById("needle-words");
    if (!words) return;
    var kept = form.hasAttribute("data-keep-draft") ? "-kept" : "";
    var status = detail.xhr ? String(detail.xhr.status) : "";
    var text = (words.getAttribute("data-" + kind + kept) || "").replace("{status}", status);
    var alert = form.querySelector(".form-alert");
    if (!alert) {
      alert = document.createElement("p");
      alert.className = "message error form-alert";
      alert.setAttribute("role", "alert");
      var buttons = form.querySelectorAll("button[type=submit], input[type=submit]");
      var last = buttons[buttons.length - 1];
      form.insertBefore(alert, last ? last.nextSibling : null);
    }
    alert.textContent = text;
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) { b.disabled = false; });
  }
  document.addEventListener("htmx:sendError", function (event) { sayNotSaved(event, "offline"); });
  document.addEventListener("htmx:timeout", function (event) { sayNotSaved(event, "offline"); });
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var status = xhr ? xhr.status : 0;
    sayNotSaved(event, status >= 500 ? "server-error" : xhr && staleForm(xhr) ? "expired" : "refused");
  });
  // Sent again: the earlier word goes (the answer says what became of it).
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    var form = elt && elt.closest && elt.closest("form");
    var alert = form && form.querySelector(".form-alert");
    if (alert) alert.remove();
  });

  // Logging out forgets what the forms kept on this device.
  document.addEventListener("submit", function (event) {
    if (/\/logout\/$/.test(event.target.getAttribute("action") || "")) {
      try { window.sessionStorage.clear(); } catch (e) { /* nothing kept */ }
    }
  });

  // A table wider than the screen scrolls in its .table-wrap: make that box reachable by keyboard
  // (Tab to it, then arrow keys scroll) and name it after its table's heading. Checked again when
  // a disclosure opens (a chart's "as a table") and when the window changes size.
  function focusableScrollers() {
    document.querySelectorAll(".table-wrap").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        if (!box.hasAttribute("tabindex")) {
          var card = box.closest(".card, section, details");
          var heading = box.querySelector("caption") || (card && card.querySelector("h2, h3, summary"));
          box.setAttribute("tabindex", "0");
          box.setAttribute("role", "region");
          if (heading) box.setAttribute("aria-label", heading.textContent.trim());
        }
      }
    });
  }
  document.addEventListener("DOMContentLoaded", focusableScrollers);
  window.addEventListener("resize", focusableScrollers);
  document.addEventListener("toggle", focusableScrollers, true);
  document.addEventListener("htmx:afterSettle", focusableScrollers);

  // A long description folded to its first lines (templates/cases/detail.html, .fold in the CSS):
  // where it fits in them anyway (a wide screen), its 展开全文 would open nothing, so it is hidden.
  function foldsThatFit() {
    document.querySelectorAll("[data-fold]").forEach(function (fold) {
      var text = fold.querySelector(".case-description");
      var toggle = fold.querySelector(".fold-toggle");
      if (!text || !toggle || toggle.open) return;
      fold.classList.toggle("fits", text.scrollHeight <= text.clientHeight + 1);
    });
  }
  document.addEventListener("DOMContentLoaded", foldsThatFit);
  window.addEventListener("resize", foldsThatFit);
  document.addEventListener("htmx:afterSettle", foldsThatFit);

  // A form drawn again with its errors (a phone number refused, a date out of range): the first
  // field in error is focused and brought to the middle of the screen. On a phone the summary at
  // the top said "correct the marked fields below" and the field itself was out of sight, below
  // the fold. A field's group marked has-error stands for fields drawn by hand (the intake's chips).
  // The case page marks what was refused with `autofocus` (a form's words above its fields, or a
  // box), which a browser focuses without JavaScript too: that one, here in the middle.
  // Errors the page says elsewhere are left where they are (`data-errors-said`): the case list's
  // filters from a link that could not be read, said "not applied" above the results. Opened, the
  // panel's eleven fields filled a phone's first screen and pushed the notice and the cases below it.
  function firstInError(root, selector) {
    var found = root.querySelectorAll(selector);
    for (var i = 0; i < found.length; i++) {
      if (!found[i].closest("[data-errors-said]")) return found[i];
    }
    return null;
  }
  function focusFirstError(root) {
    var marked = firstInError(
      root, ".has-error[autofocus], .has-error [autofocus], [autofocus][aria-invalid=true]"
    );
    var first = marked || firstInError(root, "[aria-invalid=true]:not([type=hidden]), .has-error");
    if (!first) return false;
    var field = marked || (first.matches(".has-error")
      ? first.querySelector("input:not([type=hidden]), select, textarea")
      : first);
    var closed = first.closest("details:not([open])");
    if (closed) closed.open = true;
    if (field) field.focus({ preventScroll: true });
    (first.closest(".field") || first).scrollIntoView({ block: "center" });
    return true;
  }

  // An answer in place with no field in error: what the save said (done, refused because a colleague
  // changed the case, a word about a number typed, a due date set on a day off) is brought into view.
  // The page had shrunk as the form closed, and a phone was left at the foot of the timeline, the
  // words out of sight above; a message never seen is a save the worker is unsure of (a full page
  // load starts at the top with it).
  function showMessage(root) {
    var message = root.querySelector(".messages .message");
    if (!message) return;
    var box = message.getBoundingClientRect();
    var header = parseFloat(getComputedStyle(document.documentElement).scrollPaddingTop) || 0;
    if (box.top < header || box.bottom > window.innerHeight) message.scrollIntoView({ block: "start" });
  }
  document.addEventListener("DOMContentLoaded", function () { focusFirstError(document); });
  // The case page's forms answer in place (htmx): a form sent back with its errors does the same.
  document.addEventListener("htmx:afterSettle", function (event) {
    var config = event.detail.requestConfig;
    var target = event.detail.target;
    // (An outerHTML swap reports the element it replaced: the one now in the page, by its id.)
    if (target && target.id) target = document.getElementById(target.id) || target;
    if (config && config.verb !== "get" && target && !focusFirstError(target)) showMessage(target);
  });

  // A list's "not applied" notice links to the first filter it could not read (includes/not_applied.html):
  // without JavaScript the list again with its panel drawn open (?panel=open) at that field; here the
  // panel is opened in place and the field focused, nothing reloaded (the results may be htmx's).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-open-filters]");
    if (!link) return;
    var hash = link.getAttribute("href").split("#")[1];
    var field = hash && document.getElementById(hash);
    if (!field) return;
    event.preventDefault();
    var closed = field.closest("details:not([open])");
    if (closed) closed.open = true;
    field.focus({ preventScroll: true });
    (field.closest(".field") || field).scrollIntoView({ block: "center" });
  });

  // The case list's filters answer in place (htmx into #case-results, templates/cases/list.html), and
  // the resident list's search (#results). Both are sent by POST, so that a whole ID or phone number
  // typed is never in an address: the server answers at the list's address, without the empty fields
  // (review 7, item 9; the case list's `status=` kept) and the number as a key, and pushes it
  // (HX-Push-Url; common/hidden_searches.py). Nothing to drop here.
  // The results answer in place, not the panel: a field's error from a value corrected since (a bad
  // date from a link, the notice's 修改筛选条件, a good date typed) stayed under it in red until a full
  // reload. The results' notice names the fields still refused (data-refused); the others' go.
  document.addEventListener("htmx:afterSettle", function (event) {
    var results = document.getElementById("case-results");
    var form = document.querySelector("form.case-filters");
    if (!results || !form || !results.contains(event.detail.elt || event.detail.target)) return;
    var notice = results.querySelector("[data-refused]");
    var refused = notice ? notice.getAttribute("data-refused").split(" ") : [];
    form.querySelectorAll(".field.has-error").forEach(function (group) {
      var input = group.querySelector("[name]");
      if (!input || refused.indexOf(input.name) >= 0) return;
      group.classList.remove("has-error");
      group.querySelectorAll(".errorlist").forEach(function (list) { list.remove(); });
      input.removeAttribute("aria-invalid");
      var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
        return id && document.getElementById(id);  // the error list's id is gone with it
      });
      if (described.length) input.setAttribute("aria-describedby", described.join(" "));
      else input.removeAttribute("aria-describedby");
    });
  });

  // Close the account menu when clicking elsewhere.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.usermenu[open]").forEach(function (d) {
      if (!d.contains(event.target)) d.removeAttribute("open");
    });
  });
})();
