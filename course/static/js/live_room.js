// The live view: poll the room's JSON and move people between the lists as they check in.
// Without this script the page is still complete; a reload shows the latest state.
(function () {
  "use strict";
  var room = document.querySelector("[data-live-room]");
  if (!room) { return; }
  var url = room.getAttribute("data-live-room");
  var announce = room.querySelector("[data-live-announce]");
  var status = room.querySelector("[data-live-status]");
  var lastHere = null;

  function update(data) {
    data.people.forEach(function (person) {
      var line = room.querySelector('[data-person="' + person.id + '"]');
      if (!line) { return; }
      line.querySelector("[data-status]").textContent = person.label;
      line.querySelector("[data-checked-in]").textContent =
        person.checked_in ? "checked in " + person.checked_in : "";
      line.querySelector("[data-flag]").hidden = !person.flagged;
      var was = line.querySelector("[data-was]");
      var select = line.querySelector("select");
      // Only refresh the form when the trainer is not in the middle of changing it.
      if (was && select && document.activeElement !== select) {
        was.value = person.status;
        select.value = person.status;
      }
      var list = room.querySelector('[data-group="' + person.group + '"]');
      if (list && line.parentNode !== list && !line.contains(document.activeElement)) {
        list.appendChild(line);
      }
    });
    Object.keys(data.counts).forEach(function (key) {
      room.querySelectorAll('[data-count="' + key + '"]').forEach(function (node) {
        node.textContent = data.counts[key];
      });
    });
    if (lastHere !== null && data.counts.here !== lastHere) {
      announce.textContent = data.counts.here + " here, " + data.counts.expected + " still expected.";
    }
    lastHere = data.counts.here;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (data) { update(data); window.setTimeout(poll, 5000); })
      .catch(function () {
        status.textContent = "The list could not be updated: reload the page.";
        window.setTimeout(poll, 15000);
      });
  }

  window.setTimeout(poll, 5000);
})();
