// Passkeys: the account page registers them, the login page signs in with them.
// WebAuthn wants ArrayBuffers where JSON has base64url strings; these helpers convert.
(function () {
  "use strict";
  if (!window.PublicKeyCredential) return;

  function toBuffer(b64url) {
    var b64 = b64url.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes.buffer;
  }
  function toB64url(buffer) {
    var bytes = new Uint8Array(buffer), bin = "";
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function post(url, body, json) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": json ? "application/json" : "application/x-www-form-urlencoded" },
      body: json ? JSON.stringify(body) : new URLSearchParams(body)
    }).then(function (r) {
      return r.json().then(function (data) {
        // A sign-in too old for this change: sign in again, then come back.
        if (data.error === "reauthentication_required" && data.location) window.location.assign(data.location);
        if (!r.ok) throw new Error(data.message || "The request failed.");
        return data;
      });
    });
  }
  function say(el, text) { if (el) { el.textContent = text; el.hidden = !text; } }

  // Account page: "Add a passkey".
  var add = document.getElementById("add-passkey");
  if (add) {
    add.hidden = false;
    add.addEventListener("submit", function (event) {
      event.preventDefault();
      var form = event.target, error = document.getElementById("passkey-error");
      var csrf = form.elements.csrf_token.value, name = form.elements.name.value;
      say(error, "");
      post("/account/passkeys/options", { csrf_token: csrf }, false).then(function (start) {
        var o = start.options.publicKey;
        o.challenge = toBuffer(o.challenge);
        o.user.id = toBuffer(o.user.id);
        (o.excludeCredentials || []).forEach(function (c) { c.id = toBuffer(c.id); });
        // A passkey is a discoverable credential: it signs in with no e-mail typed.
        o.authenticatorSelection = Object.assign({}, o.authenticatorSelection,
          { residentKey: "required", requireResidentKey: true, userVerification: "required" });
        return navigator.credentials.create({ publicKey: o }).then(function (cred) {
          return post("/account/passkeys", {
            csrf_token: csrf, ceremony: start.ceremony, name: name,
            credential: {
              id: cred.id, rawId: toB64url(cred.rawId), type: cred.type,
              extensions: cred.getClientExtensionResults(),
              response: {
                attestationObject: toB64url(cred.response.attestationObject),
                clientDataJSON: toB64url(cred.response.clientDataJSON)
              }
            }
          }, true);
        });
      }).then(function () {
        window.location.assign("/account?done=passkey-added#passkeys");
      }).catch(function (e) { say(error, e.message || String(e)); });
    });
  }

  // Login page: "Sign in with a passkey", and the browser's passkey autofill where it has it.
  var button = document.getElementById("passkey-sign-in");
  if (button) {
    var form = document.getElementById("login-form");
    var request = form.elements.request.value, csrf = form.elements.csrf_token.value;
    var error = document.getElementById("passkey-error"), pending = null;
    var signIn = function (mediation) {
      if (pending) pending.abort();
      var abort = new AbortController();
      pending = abort;
      return post("/login/passkey/options", { request: request, csrf_token: csrf }, false).then(function (start) {
        var o = start.options.publicKey;
        o.challenge = toBuffer(o.challenge);
        (o.allowCredentials || []).forEach(function (c) { c.id = toBuffer(c.id); });
        var ask = { publicKey: o, signal: abort.signal };
        if (mediation) ask.mediation = mediation;
        return navigator.credentials.get(ask).then(function (cred) {
          return post("/login/passkey", {
            request: request, csrf_token: csrf, ceremony: start.ceremony,
            credential: {
              id: cred.id, rawId: toB64url(cred.rawId), type: cred.type,
              extensions: cred.getClientExtensionResults(),
              response: {
                authenticatorData: toB64url(cred.response.authenticatorData),
                clientDataJSON: toB64url(cred.response.clientDataJSON),
                signature: toB64url(cred.response.signature),
                userHandle: cred.response.userHandle ? toB64url(cred.response.userHandle) : null
              }
            }
          }, true);
        });
      }).then(function (done) {
        if (!done.form_post) return window.location.assign(done.redirect_to);
        // Form post response mode: the response goes to the application as a POST.
        var form = document.createElement("form");
        form.method = "post";
        form.action = done.form_post.action;
        Object.keys(done.form_post.fields).forEach(function (name) {
          var field = document.createElement("input");
          field.type = "hidden";
          field.name = name;
          field.value = done.form_post.fields[name];
          form.appendChild(field);
        });
        document.body.appendChild(form);
        form.submit();
      });
    };
    button.hidden = false;
    button.addEventListener("click", function () {
      say(error, "");
      signIn(null).catch(function (e) {
        if (e.name !== "AbortError") say(error, e.message || String(e));
      });
    });
    if (PublicKeyCredential.isConditionalMediationAvailable) {
      PublicKeyCredential.isConditionalMediationAvailable().then(function (yes) {
        if (yes) signIn("conditional").catch(function () {});
      });
    }
  }
})();
