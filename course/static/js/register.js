// The register's name filter: an optional help; without it every row is simply shown.
(function () {
  "use strict";
  var box = document.querySelector("[data-register-filter]");
  if (!box) { return; }
  var input = box.querySelector("input");
  var rows = document.querySelectorAll(".register-row[data-name]");
  box.hidden = false;
  input.addEventListener("input", function () {
    var wanted = input.value.trim().toLowerCase();
    rows.forEach(function (row) {
      row.hidden = wanted !== "" && row.getAttribute("data-name").indexOf(wanted) === -1;
    });
  });
})();
