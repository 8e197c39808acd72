// The journal editor's safety net. Without this script the editor still works (Save entry);
// with it, the text is posted to the server as a draft every few seconds while it changes,
// the page says "Saved at 14:02" or "Not saved", and when the server cannot be reached a copy
// is kept in this browser's storage until the server has it.
(function () {
  "use strict";
  var INTERVAL_MS = 3000;
  // Copies belong to one sign-in (site.js removes any other sign-in's): "journal-copy:<owner>:<key>".
  var OWNER = document.body.getAttribute("data-copy-owner");
  var PREFIX = "journal-copy:" + OWNER + ":";

  function readCopy(key) {
    try { return JSON.parse(window.localStorage.getItem(PREFIX + key) || "null"); } catch (e) { return null; }
  }
  function forgetCopy(key) {
    try { window.localStorage.removeItem(PREFIX + key); } catch (e) { /* storage unavailable */ }
  }

  // Print buttons on the printable pages.
  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  if (!OWNER) { return; }  // nobody signed in: no copy is kept or offered

  // The entry was saved: the browser copy kept while submitting is no longer needed.
  Array.prototype.forEach.call(document.querySelectorAll("[data-journal-forget]"), function (el) {
    forgetCopy(el.getAttribute("data-journal-forget"));
  });

  var form = document.querySelector("form[data-autosave-url]");
  if (!form) { return; }
  var url = form.getAttribute("data-autosave-url");
  var key = form.getAttribute("data-storage-key");
  var status = document.getElementById("save-status");
  var tokenField = form.querySelector("input[name=csrf_token]");
  var token = tokenField ? tokenField.value : "";
  var dirty = false;
  var inFlight = false;
  var failing = false;
  var submitting = false;

  function say(text, state) {
    status.textContent = text;
    status.setAttribute("data-state", state);
  }

  function textFields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && (el.tagName === "TEXTAREA" || el.tagName === "SELECT" ||
        (el.tagName === "INPUT" && (el.type === "text" || el.type === "hidden") && el.name !== "csrf_token"));
    });
  }

  function labelOf(el) {
    var label = el.id ? form.querySelector("label[for='" + el.id + "']") : null;
    return label ? label.textContent.trim() : el.name;
  }

  function keepCopy() {
    var fields = textFields().map(function (el) {
      return { name: el.name, value: el.value, label: labelOf(el) };
    });
    try {
      window.localStorage.setItem(PREFIX + key, JSON.stringify({ at: new Date().toISOString(), fields: fields }));
    } catch (e) { /* storage full or refused: the server draft is all we have */ }
  }

  function setField(name, value) {
    var el = form.elements.namedItem(name);
    if (el && typeof el.value === "string") { el.value = value; }
  }

  function restore(copy) {
    var notes = form.elements.namedItem("notes");
    copy.fields.forEach(function (f) {
      if (f.name === "version") { return; }  // the page knows the entry's current version
      if (form.elements.namedItem(f.name)) { setField(f.name, f.value); }
      else if (f.value && notes) {
        // A box of another framework: keep its text under its heading in the free box.
        notes.value = (notes.value ? notes.value + "\n\n" : "") + "### " + f.label + "\n\n" + f.value;
      }
    });
    dirty = true;
    say("Restored the copy kept in this browser. Not saved yet.", "unsaved");
  }

  function offerCopy() {
    var copy = readCopy(key);
    if (!copy || !copy.fields) { return; }
    // The server tidies spaces and tags, so compare the words, not the whitespace.
    function same(a, b) { return a.replace(/\s+/g, "").toLowerCase() === b.replace(/\s+/g, "").toLowerCase(); }
    var differs = copy.fields.some(function (f) {
      var el = form.elements.namedItem(f.name);
      return f.name !== "version" && f.name !== "draft_id" && (el ? !same(el.value, f.value) : !!f.value.trim());
    });
    if (!differs) { forgetCopy(key); return; }
    var box = document.getElementById("local-copy");
    if (!box) { return; }
    var when = new Date(copy.at);
    box.textContent = "This browser kept a copy of writing that had not reached the server (" +
      when.toLocaleString("en-GB") + "). ";
    var restoreButton = document.createElement("button");
    restoreButton.type = "button";
    restoreButton.className = "button";
    restoreButton.textContent = "Restore that copy";
    var discardButton = document.createElement("button");
    discardButton.type = "button";
    discardButton.className = "button button-secondary";
    discardButton.textContent = "Discard it";
    restoreButton.addEventListener("click", function () { restore(copy); box.hidden = true; });
    discardButton.addEventListener("click", function () { forgetCopy(key); box.hidden = true; });
    box.appendChild(restoreButton);
    box.appendChild(discardButton);
    box.hidden = false;
  }

  function remember(data) {
    if (data.draft_id) { setField("draft_id", String(data.draft_id)); }
    if (data.draft_url && window.history.replaceState && window.location.pathname !== data.draft_url) {
      // Reloading the page now opens the draft, text and all.
      window.history.replaceState(null, "", data.draft_url);
    }
  }

  function saved(data) {
    failing = false;
    remember(data);
    forgetCopy(key);
    var note = form.getAttribute("data-saved-note") || "(a draft: press Save entry to add it to your journal).";
    var text = "Saved at " + data.saved_at + " " + note;
    if (data.changed_elsewhere) {
      text += " This entry has been saved from another tab or window since you opened it: " +
        "when you save, your version will be kept as a draft beside it.";
    }
    say(text, "saved");
  }

  function notSaved(message) {
    failing = true;
    dirty = true;
    keepCopy();
    say(message, "error");
  }

  function save() {
    if (!dirty || inFlight || submitting) { return; }
    dirty = false;
    inFlight = true;
    window.fetch(url, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) { return { response: response, data: data }; });
    }).then(function (result) {
      if (result.response.ok) { saved(result.data); return; }
      remember(result.data);
      if (result.data.too_long) {
        keepCopy();
        say(result.data.message, "error");
      } else if (result.data.kept) {
        failing = true;
        keepCopy();
        say("Not saved to your journal: " + result.data.message, "error");
      } else {
        notSaved("Not saved: your sign-in has ended. A copy is kept in this browser; sign in again in another tab.");
      }
    }).catch(function () {
      notSaved("Not saved: the server cannot be reached. A copy is kept in this browser, and saving will be tried again.");
    }).then(function () { inFlight = false; });
  }

  form.addEventListener("input", function () {
    dirty = true;
    if (failing) { keepCopy(); } else { say("Not saved yet", "unsaved"); }
  });
  form.addEventListener("change", function () { dirty = true; });
  form.addEventListener("submit", function (event) {
    submitting = true;
    var switching = event.submitter && event.submitter.hasAttribute("data-switch-framework");
    // Kept until the next page confirms the save, in case the request never arrives.
    if (!switching) { keepCopy(); }
  });
  window.addEventListener("pagehide", function () { if (dirty && !submitting) { keepCopy(); } });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !submitting) { event.preventDefault(); event.returnValue = ""; }
  });
  window.setInterval(save, INTERVAL_MS);
  offerCopy();
})();
