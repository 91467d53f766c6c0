// Progressive enhancement only: every page works without this file.
// Printing opens every explanation (<details>), so the memo shows how each date was worked out,
// and restores them afterwards; the "Print status memo" button prints.
(function () {
  "use strict";
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = [];
    document.querySelectorAll("details:not([open])").forEach(function (d) {
      d.setAttribute("open", "");
      opened.push(d);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.removeAttribute("open"); });
    opened = [];
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
