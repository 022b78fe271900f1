// A link to a dossier field (a missing item: /candidatures/1/etape/2#partners) scrolls to it without
// JavaScript; with it, the field also takes the focus, ready to be typed in. A target that is a group
// (a set of choices, the partners' rows) gives the focus to its first empty field, else its first one.
// The browser scrolls the target to the top edge, which would hide a field's label and hint above it:
// a scroll margin as tall as them keeps them in view, now and when the browser scrolls to the fragment
// again once the page has loaded.
(function () {
  "use strict";
  function focusTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target || !target.closest("form")) { return; }
    var fields = target.matches("input, select, textarea") ? [target]
      : Array.prototype.slice.call(target.querySelectorAll("input, select, textarea"));
    var empty = fields.filter(function (f) {
      return f.type === "checkbox" || f.type === "radio" ? false : !f.value;
    });
    var field = empty[0] || fields[0];
    if (!field) { return; }
    var group = target.closest(".fr-input-group, .fr-fieldset__element") || target;
    target.style.scrollMarginTop = target.getBoundingClientRect().top - group.getBoundingClientRect().top + "px";
    target.scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  }
  focusTarget();
  window.addEventListener("hashchange", focusTarget);
})();
