// "Create your passkey" (merchant-create-passkey.ftl): on the button's click, hands the options Keycloak's passwordless
// registration made (form#register's data- attributes) to Keycloak's own webauthnRegister.js, which asks the browser
// for the passkey and posts the answer, or the error, in form#register. No WebAuthn of the pack's: names only, from
// the attributes of keycloak.v2's webauthn-register.ftl to its script's input. An external module, so the page needs
// no inline script.
import { registerByWebAuthn } from "./webauthnRegister.js";

const form = document.getElementById("register");
const button = document.getElementById("registerWebAuthn");

if (form && button) {
  const options = form.dataset;
  button.addEventListener("click", (event) => {
    event.preventDefault();
    button.disabled = true;
    registerByWebAuthn({
      challenge: options.challenge,
      userid: options.userid,
      username: options.username,
      signatureAlgorithms: options.signatureAlgorithms ? options.signatureAlgorithms.split(",").map(Number) : [],
      rpEntityName: options.rpEntityName,
      rpId: options.rpId,
      attestationConveyancePreference: options.attestationConveyancePreference,
      authenticatorAttachment: options.authenticatorAttachment,
      requireResidentKey: options.requireResidentKey,
      residentKey: options.residentKey,
      userVerificationRequirement: options.userVerificationRequirement,
      createTimeout: Number(options.createTimeout),
      excludeCredentialIds: options.excludeCredentialIds,
      initLabel: options.initLabel,
      initLabelPrompt: options.initLabelPrompt,
      errmsg: options.unsupported,
    });
  }, { once: true });
  button.disabled = false;
}
