// Passkeys and security keys (WebAuthn): the browser's part of adding one and of signing in.
// The server gives the options as JSON (binary values in base64url) and checks the answers;
// without this script the pages say that passkeys need JavaScript, and codes still work.
(function () {
  "use strict";
  var supported = !!(window.PublicKeyCredential && navigator.credentials && window.fetch);

  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    var binary = window.atob(base64 + "===".slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }

  function toText(buffer) {
    if (!buffer) { return null; }
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return window.btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      return { type: item.type, id: toBytes(item.id), transports: item.transports };
    });
  }

  function creationOptions(options) {
    options.challenge = toBytes(options.challenge);
    options.user.id = toBytes(options.user.id);
    options.excludeCredentials = descriptors(options.excludeCredentials);
    return options;
  }

  function requestOptions(options) {
    options.challenge = toBytes(options.challenge);
    options.allowCredentials = descriptors(options.allowCredentials);
    return options;
  }

  function answer(credential) {
    var response = credential.response;
    var json = {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: toText(response.clientDataJSON) }
    };
    if (response.attestationObject) {
      json.response.attestationObject = toText(response.attestationObject);
      json.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      json.response.authenticatorData = toText(response.authenticatorData);
      json.response.signature = toText(response.signature);
      json.response.userHandle = toText(response.userHandle);
    }
    if (credential.authenticatorAttachment) {
      json.authenticatorAttachment = credential.authenticatorAttachment;
    }
    return json;
  }

  function post(url, token, body, json) {
    var headers = { "X-CSRFToken": token, "Accept": "application/json" };
    if (json) { headers["Content-Type"] = "application/json"; }
    return window.fetch(url, {
      method: "POST",
      body: json ? JSON.stringify(body) : body,
      credentials: "same-origin",
      headers: headers
    }).then(function (response) {
      return response.json().then(function (data) {
        return { ok: response.ok, status: response.status, data: data };
      });
    });
  }

  function say(status, message) {
    if (!status) { return; }
    status.textContent = message;
    status.hidden = false;
    status.focus();
  }

  function browserRefusal(error) {
    if (error && error.name === "InvalidStateError") {
      return "That passkey or security key is already added.";
    }
    if (error && error.name === "NotAllowedError") {
      return "The passkey or security key was not used: it was cancelled, or took too long. Try again.";
    }
    return "Your browser could not use a passkey or security key here. Try again, or use another way.";
  }

  function follow(result, status) {
    if (result.data && result.data.redirect && (result.ok || !result.data.message)) {
      window.location.assign(result.data.redirect);
      return;
    }
    say(status, (result.data && result.data.message) || "Something went wrong. Try again.");
    if (result.data && result.data.redirect) {
      window.setTimeout(function () { window.location.assign(result.data.redirect); }, 4000);
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-passkey-needs-script]"), function (note) {
    if (supported) {
      note.hidden = true;
    } else {
      note.textContent = "This browser cannot use passkeys or security keys. Your other ways to sign in still work.";
    }
  });

  Array.prototype.forEach.call(document.querySelectorAll("form[data-passkey-add]"), function (form) {
    var status = form.querySelector("[data-passkey-status]");
    var button = form.querySelector("button[type=submit]");
    var token = form.querySelector("input[name=csrf_token]").value;
    if (!supported) { button.disabled = true; return; }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (button.disabled) { return; }
      button.disabled = true;
      status.hidden = true;
      post(form.getAttribute("data-options"), token, new FormData(form), false).then(function (result) {
        if (result.ok && result.data.invalid) {  // the name is not right: the server shows why, by the field
          form.submit();
          return null;
        }
        if (!result.ok) { follow(result, status); return null; }
        return navigator.credentials.create({ publicKey: creationOptions(result.data) }).then(function (credential) {
          return post(form.getAttribute("data-verify"), token, answer(credential), true);
        }, function (error) {
          say(status, browserRefusal(error));
          return null;
        }).then(function (verified) {
          if (verified) { follow(verified, status); }
        });
      }).catch(function () {
        say(status, "The server cannot be reached. Try again.");
      }).then(function () { button.disabled = false; });
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll("[data-passkey-sign-in]"), function (button) {
    var status = document.querySelector("[data-passkey-status]");
    var tokenField = document.querySelector("input[name=csrf_token]");
    if (!supported || !tokenField) { return; }
    var token = tokenField.value;
    button.hidden = false;
    button.addEventListener("click", function () {
      if (button.disabled) { return; }
      button.disabled = true;
      status.hidden = true;
      post(button.getAttribute("data-options"), token, null, false).then(function (result) {
        if (!result.ok) { follow(result, status); return null; }
        return navigator.credentials.get({ publicKey: requestOptions(result.data) }).then(function (credential) {
          return post(button.getAttribute("data-verify"), token, answer(credential), true);
        }, function (error) {
          say(status, browserRefusal(error));
          return null;
        }).then(function (verified) {
          if (verified) { follow(verified, status); }
        });
      }).catch(function () {
        say(status, "The server cannot be reached. Try again.");
      }).then(function () { button.disabled = false; });
    });
  });
}());
