// Saves the juror's scoresheet as a draft as they type (jury/scoresheet.html, form[data-autosave]):
// after a pause in typing, and when they leave the page. It posts what the « Enregistrer le
// brouillon » button posts (CSRF token included), so the server judges it alike; asked for JSON,
// the server answers the sheet's new version and the sentence to show (app/jury/routes.py,
// _autosaved), in the page's language. Without JavaScript the buttons do the same.
// Nothing typed is kept in the browser's storage: a juror's judgment would stay on a shared
// computer after they sign out. A draft the server refused stays in the page, and leaving the
// page then asks first; what a refused « Rendre ma fiche » showed again is saved as a draft.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = form.querySelector("[data-autosave-status]");
  var badge = document.querySelector("[data-autosave-badge]");
  var PAUSE = 1500;  // milliseconds without typing before the draft is saved
  var timer = null, pending = null, submitting = false, refused = false;
  var saved = snapshot();  // the form as the server holds it

  function snapshot() { return new URLSearchParams(new FormData(form)).toString(); }

  function say(text) { status.textContent = text || form.getAttribute("data-failed"); }

  function answered(response, typed) {
    var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
    // Anything but the app's JSON (a sign-in page after the session ended, an error page) is a failure.
    return (json ? response.json() : Promise.resolve({})).then(function (answer) {
      refused = !(response.ok && answer.version !== undefined);
      if (!refused) {
        form.elements.version.value = answer.version;  // the next save, draft or button, carries it
        saved = typed;
        if (badge) { badge.textContent = badge.getAttribute("data-autosave-badge"); }  // « non commencée » no more
      }
      say(answer.message);
    });
  }

  function save(leaving) {
    window.clearTimeout(timer);
    if (submitting) { return Promise.resolve(); }
    // One save at a time: each carries the version the previous one returned.
    if (pending) { return pending.then(function () { return save(leaving); }); }
    var typed = snapshot();
    if (typed === saved) { return Promise.resolve(); }
    var body = new FormData(form);
    body.set("action", "save");
    // The page's own address: form.action would name the buttons called « action ».
    pending = window.fetch(window.location.pathname + window.location.search, {
      method: "POST", body: body, credentials: "same-origin", keepalive: leaving,
      headers: {"Accept": "application/json"}
    }).then(function (response) { return answered(response, typed); })
      .catch(function () { refused = true; say(); })
      .then(function () { pending = null; });
    return pending;
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { save(false); }, PAUSE);
  }

  // After a refused post (a sheet handed in incomplete) the page shows what was typed, not what is
  // stored: it is saved as a draft at once, so that leaving the page loses nothing.
  if (form.hasAttribute("data-unsaved")) { saved = ""; save(false); }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
  form.addEventListener("submit", function (event) {
    window.clearTimeout(timer);
    if (pending) {  // the button's post waits for the draft being saved, and its new version
      event.preventDefault();
      var button = event.submitter;
      pending.then(function () { if (button) { button.click(); } else { form.requestSubmit(); } });
      return;
    }
    submitting = true;  // the button saves what is typed: no draft on leaving
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { save(true); }
  });
  window.addEventListener("pagehide", function () { save(true); });
  window.addEventListener("beforeunload", function (event) {
    if (refused && !submitting && snapshot() !== saved) {
      event.preventDefault();
      event.returnValue = "";  // the browser asks, in its own words, whether to leave
    }
  });
})();
