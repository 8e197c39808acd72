// The projected check-in code: fetch the current code when it changes. Without this script the
// page still shows the code that was current when it loaded, and a reload shows the new one.
(function () {
  "use strict";
  var box = document.querySelector("[data-check-in-screen]");
  if (!box) { return; }
  var url = box.getAttribute("data-check-in-screen");
  var code = box.querySelector("[data-check-in-code]");
  var qr = box.querySelector("[data-check-in-qr]");
  var status = box.querySelector("[data-check-in-status]");

  function schedule(seconds) {
    window.setTimeout(refresh, Math.max(1, seconds) * 1000 + 300);
  }

  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (data) {
        if (!data.open) {
          status.textContent = "Check-in has closed. Reload the page to see its times.";
          return;
        }
        code.textContent = data.code;
        qr.innerHTML = data.svg; // the site's own SVG, built on the server
        schedule(data.seconds_left);
      })
      .catch(function () {
        status.textContent = "The code could not be updated: reload the page.";
        schedule(10);
      });
  }

  var first = parseInt(box.getAttribute("data-seconds-left") || "5", 10);
  schedule(first);
})();
