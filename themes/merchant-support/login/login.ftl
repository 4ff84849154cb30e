<#--
  keycloak.v2's sign-in page, rearranged for the merchant journey with keycloak.v2's own macros (fields, buttons,
  identity providers, passkeys): step 1 "Connect" of the journey; the two ways in for a new merchant, Google (once
  the realm has the provider) and "New on the merchant support center?", marked at the top; then email and
  password with "Forgot my password?" for merchants who already have one, and "Sign in with a passkey". No
  autofocus: keyboard users meet the two marked options first.
-->
<#import "template.ftl" as layout>
<#import "field.ftl" as field>
<#import "buttons.ftl" as buttons>
<#import "social-providers.ftl" as identityProviders>
<#import "passkeys.ftl" as passkeys>
<#import "merchant-journey.ftl" as journey>
<#import "merchant-blocked.ftl" as blocked>
<#assign emailSent = message?? && message?has_content && message.summary == msg("emailSentMessage")>
<@layout.registrationLayout displayMessage=!messagesPerField.existsError('username','password'); section>
    <#if section = "header">
        ${msg("merchantSignInTitle")}
    <#elseif section = "form">
        <@journey.steps current=emailSent?then("mailbox", "connect")/>
        <#if blocked.problem() == "restarted"><@blocked.hint/></#if>
        <#if realm.password && ((social.providers)?has_content || (realm.registrationAllowed && !registrationDisabled??))>
            <section id="merchant-sign-in-choices" class="merchant-choices" aria-labelledby="merchant-choices-title">
                <h2 id="merchant-choices-title" class="merchant-choices__title">${msg("merchantSignInChoose")}</h2>
                <#if (social.providers)?has_content>
                    <@identityProviders.show social=social/>
                </#if>
                <#if realm.registrationAllowed && !registrationDisabled??>
                    <div id="kc-registration" class="merchant-choices__register">
                        <a class="${properties.kcButtonSecondaryClass!} ${properties.kcButtonBlockClass!}" href="${url.registrationUrl}">
                            <span class="merchant-choices__register-label">${msg("noAccount")}</span>
                            <span class="merchant-choices__register-hint">${msg("merchantSignInRegisterHint")}</span>
                        </a>
                    </div>
                </#if>
            </section>
        </#if>
        <div id="kc-form">
          <div id="kc-form-wrapper">
            <#if realm.password>
                <h2 class="merchant-choices__title merchant-choices__title--password">${msg("merchantSignInWithPassword")}</h2>
                <form id="kc-form-login" class="${properties.kcFormClass!}" onsubmit="login.disabled = true; return true;" action="${url.loginAction}" method="post" novalidate="novalidate">
                    <#if !usernameHidden??>
                        <#assign label><#if !realm.loginWithEmailAllowed>${msg("username")}<#elseif !realm.registrationEmailAsUsername>${msg("usernameOrEmail")}<#else>${msg("email")}</#if></#assign>
                        <@field.input name="username" label=label error=messagesPerField.getFirstError('username','password')
                            autocomplete="${(enableWebAuthnConditionalUI?has_content)?then('username webauthn', 'username')}" value=login.username!'' />
                    </#if>
                    <@field.password name="password" label=msg("password") error="" forgotPassword=realm.resetPasswordAllowed autofocus=usernameHidden?? autocomplete="current-password">
                        <#if realm.rememberMe && !usernameHidden??>
                            <@field.checkbox name="rememberMe" label=msg("rememberMe") value=login.rememberMe?? />
                        </#if>
                    </@field.password>
                    <input type="hidden" id="id-hidden-input" name="credentialId" <#if auth.selectedCredential?has_content>value="${auth.selectedCredential}"</#if>/>
                    <@buttons.loginButton />
                </form>
            </#if>
          </div>
        </div>
        <#if enableWebAuthnConditionalUI?has_content>
            <#-- Keycloak's passkey sign-in (the passwordless policy's "passkeys" on): autofill in the email field where the
                 browser offers it, and its button, which this heading introduces. -->
            <section id="merchant-passkey-sign-in" class="merchant-passkey-sign-in" aria-labelledby="merchant-passkey-sign-in-title">
                <h2 id="merchant-passkey-sign-in-title" class="merchant-choices__title merchant-choices__title--password">${msg("merchantSignInWithPasskey")}</h2>
                <@passkeys.conditionalUIData />
            </section>
        </#if>
    </#if>
</@layout.registrationLayout>
