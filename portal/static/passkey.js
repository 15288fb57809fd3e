// Passkeys: the portal's one script, loaded only by the passkey pages (portal/sign_in/passkeys.py).
// It asks the phone to make or use a passkey with the options the page carries, puts the answer
// (JSON, binary values as base64url) into the form's hidden "credential" field and posts the form,
// CSRF token and all. Every text it shows comes from the page (data-*), in the reader's language.
(function () {
  "use strict";
  var form = document.getElementById("passkey-form");
  if (!form) {
    return;
  }
  var error = document.getElementById("passkey-error");
  var button = form.querySelector("button");

  function show(message) {
    error.textContent = message;
    error.hidden = false;
  }

  function toBuffer(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) {
      base64 += "=";
    }
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i += 1) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i += 1) {
      binary += String.fromCharCode(bytes[i]);
    }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withBuffers(list) {
    return (list || []).map(function (item) {
      return { id: toBuffer(item.id), type: item.type, transports: item.transports };
    });
  }

  function answer(credential, creating) {
    var response = credential.response;
    var json = {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: toText(response.clientDataJSON) }
    };
    if (creating) {
      json.response.attestationObject = toText(response.attestationObject);
      json.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      json.response.authenticatorData = toText(response.authenticatorData);
      json.response.signature = toText(response.signature);
      json.response.userHandle = response.userHandle ? toText(response.userHandle) : undefined;
    }
    return JSON.stringify(json);
  }

  if (!window.PublicKeyCredential || !navigator.credentials) {
    show(form.dataset.unsupported);
    button.disabled = true;
    return;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    error.hidden = true;
    button.disabled = true;
    var options = JSON.parse(form.dataset.options);
    var creating = form.dataset.mode === "create";
    options.challenge = toBuffer(options.challenge);
    var asked;
    if (creating) {
      options.user.id = toBuffer(options.user.id);
      options.excludeCredentials = withBuffers(options.excludeCredentials);
      asked = navigator.credentials.create({ publicKey: options });
    } else {
      options.allowCredentials = withBuffers(options.allowCredentials);
      asked = navigator.credentials.get({ publicKey: options });
    }
    asked.then(function (credential) {
      form.elements.credential.value = answer(credential, creating);
      form.submit();
    }).catch(function () {
      button.disabled = false;
      show(form.dataset.cancelled);
    });
  });
}());
