// Keeps the server-rendered countdown of the home page up to date; without JavaScript the
// server's text stands. The wording mirrors app/main/countdown.py and its English catalogue.
(function () {
  "use strict";
  var node = document.querySelector("[data-countdown]");
  if (!node) { return; }
  var deadline = Date.parse(node.getAttribute("data-deadline"));
  if (isNaN(deadline)) { return; }
  // The server's clock is the one that counts: correct for a visitor's clock set wrong.
  var skew = Date.parse(node.getAttribute("data-now")) - Date.now() || 0;

  var words = {
    fr: {
      closed: "Le dépôt des candidatures est clos.", left: "Il reste ", and: " et ",
      day: ["jour", "jours"], hour: ["heure", "heures"], minute: ["minute", "minutes"],
      plural: function (n) { return n > 1; }
    },
    en: {
      closed: "Submissions are closed.", left: "Time left: ", and: " and ",
      day: ["day", "days"], hour: ["hour", "hours"], minute: ["minute", "minutes"],
      plural: function (n) { return n !== 1; }
    }
  };
  var w = words[document.documentElement.lang] || words.fr;

  // Each language's plural rule, as the server's catalogues: « 0 heure » but "0 hours".
  function count(n, unit) { return n + " " + w[unit][w.plural(n) ? 1 : 0]; }

  function text(ms) {
    if (ms <= 0) { return w.closed; }
    var minutes = Math.floor(ms / 60000);
    var days = Math.floor(minutes / 1440), hours = Math.floor(minutes / 60) % 24;
    if (days) { return w.left + count(days, "day") + w.and + count(hours, "hour") + "."; }
    if (hours) { return w.left + count(hours, "hour") + w.and + count(minutes % 60, "minute") + "."; }
    return w.left + count(minutes, "minute") + ".";
  }

  // Wake up when the displayed minute changes, and stop once the deadline has passed.
  function schedule(ms) {
    if (ms > 0) { window.setTimeout(refresh, (ms % 60000) || 60000); }
  }

  function refresh() {
    var ms = deadline - (Date.now() + skew);
    node.textContent = text(ms);
    schedule(ms);
  }
  // The server's text is exact when the page arrives (rewriting it now would show one minute
  // less as soon as a millisecond has passed): only the minutes to come are written here.
  schedule(deadline - (Date.now() + skew));
})();
