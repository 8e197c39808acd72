// Small improvements only: the site works without this script.
(function () {
  "use strict";
  // Move focus to an error summary so screen-reader users hear what went wrong.
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }
  // Text the journal kept in this browser belongs to one person's sign-in: once someone is
  // signed in, copies kept under any other sign-in are removed (journal.js keeps them under
  // "journal-copy:<owner>:"). Signing out also clears them (the Clear-Site-Data header).
  var owner = document.body.getAttribute("data-copy-owner");
  if (owner) {
    [window.localStorage, window.sessionStorage].forEach(function (store) {
      try {
        for (var i = store.length - 1; i >= 0; i--) {
          var key = store.key(i);
          if (key && key.indexOf("journal-copy:") === 0 && key.indexOf("journal-copy:" + owner + ":") !== 0) {
            store.removeItem(key);
          }
        }
      } catch (e) { /* storage unavailable */ }
    });
  }
  // Copy buttons next to a read-only field (set-password links): shown only when this runs.
  Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.querySelector("[data-copy-status='" + button.getAttribute("data-copy") + "']");
    if (!field || !navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        if (status) { status.textContent = "Copied."; }
      }, function () {
        field.select();
        if (status) { status.textContent = "Select the link and copy it."; }
      });
    });
  });
  // On a phone the menu is one row that scrolls sideways: show the current page's item.
  var menu = document.querySelector(".site-nav ul");
  var here = menu && menu.querySelector("[aria-current='page']");
  if (here && menu.scrollWidth > menu.clientWidth) {
    var item = here.parentNode;
    menu.scrollLeft = item.offsetLeft - menu.offsetLeft - (menu.clientWidth - item.offsetWidth) / 2;
  }
  // Ask before a destructive action marked with data-confirm.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
})();
