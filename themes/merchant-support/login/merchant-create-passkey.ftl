<#--
  "Create your passkey", reached with "Use a passkey instead" from "Create your password". Keycloak's passwordless
  registration (webauthn-register-passwordless, the realm's passwordless policy) made the challenge and the options: the
  attributes of keycloak.v2's webauthn-register.ftl, here in data- attributes. js/merchant-passkey.js hands them to
  Keycloak's webauthnRegister.js on the button's click (the browser asks for a gesture before its prompt); Keycloak's
  script fills in form#register and posts it back to merchant-create-password.
-->
<#import "template.ftl" as layout>
<#import "buttons.ftl" as buttons>
<#import "merchant-journey.ftl" as journey>
<@layout.registrationLayout; section>
    <#if section = "header">
        ${msg("merchantCreatePasskeyTitle")}
    <#elseif section = "form">
        <@journey.steps current="password"/>
        <p id="merchant-passkey-for" class="merchant-account-email">${msg("merchantCreatePasskeyFor", merchantEmail!"")}</p>
        <p class="merchant-lead" id="merchant-passkey-intro">${msg("merchantCreatePasskeyIntro")}</p>
        <form id="register" action="${url.loginAction}" method="post"
              data-challenge="${challenge}" data-userid="${userid}" data-username="${username}"
              data-signature-algorithms="<#list signatureAlgorithms as algorithm>${algorithm?c}<#sep>,</#list>"
              data-rp-entity-name="${rpEntityName}" data-rp-id="${rpId}"
              data-attestation-conveyance-preference="${attestationConveyancePreference}"
              data-authenticator-attachment="${authenticatorAttachment}"
              data-require-resident-key="${requireResidentKey}" data-resident-key="${residentKey!''}"
              data-user-verification-requirement="${userVerificationRequirement}"
              data-create-timeout="${createTimeout?c}" data-exclude-credential-ids="${excludeCredentialIds}"
              data-init-label="${msg("webauthn-registration-init-label")}"
              data-init-label-prompt="${msg("webauthn-registration-init-label-prompt")}"
              data-unsupported="${msg("webauthn-unsupported-browser-text")}">
            <input type="hidden" id="clientDataJSON" name="clientDataJSON"/>
            <input type="hidden" id="attestationObject" name="attestationObject"/>
            <input type="hidden" id="publicKeyCredentialId" name="publicKeyCredentialId"/>
            <input type="hidden" id="authenticatorLabel" name="authenticatorLabel"/>
            <input type="hidden" id="transports" name="transports"/>
            <input type="hidden" id="authenticatorAttachment" name="authenticatorAttachment"/>
            <input type="hidden" id="error" name="error"/>
        </form>
        <@buttons.actionGroup>
            <#-- Enabled by js/merchant-passkey.js once it listens: a click before would do nothing. -->
            <@buttons.button id="registerWebAuthn" label="merchantCreatePasskeySubmit" disabled="disabled"/>
        </@buttons.actionGroup>
        <noscript><p id="merchant-passkey-noscript" class="merchant-lead">${msg("merchantPasskeyNoScript")}</p></noscript>
        <form id="merchant-password-instead-form" action="${url.loginAction}" method="post">
            <input type="hidden" name="passkey" value="back"/>
            <@buttons.actionGroup>
                <@buttons.button id="merchant-password-instead" label="merchantCreatePasskeyPasswordInstead" type="secondary"/>
            </@buttons.actionGroup>
        </form>
        <script type="module" src="${url.resourcesPath}/js/merchant-passkey.js"></script>
    </#if>
</@layout.registrationLayout>
