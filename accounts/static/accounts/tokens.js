// Progressive enhancement only: without it the new key is still selectable in its field.
// "Copy" puts the key on the clipboard and says so; where the clipboard is refused, the key is
// selected instead for the person to copy.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var said = document.querySelector('[data-copied-for="' + field.id + '"]');
    button.hidden = false;
    button.addEventListener("click", function () {
      field.select();
      var done = function () { said.textContent = "Copied."; };
      var refused = function () { said.textContent = "Selected: press Ctrl+C (⌘C) to copy."; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, refused);
      } else {
        refused();
      }
    });
  });
})();
