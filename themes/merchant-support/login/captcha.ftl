<#--
  The captcha of the merchant-captcha form action, for whichever provider its config chose.
  Use inside the form, before the submit button (register.ftl, login-reset-password.ftl):
      <#import "captcha.ftl" as captcha> ... <@captcha.widget/>
  reloadUrl: where "Reload and connect again" goes when the widget cannot run (the registration page by default);
  notConfigured: the message key shown when the captcha lacks its keys (login-reset-password.ftl: captchaNotConfiguredReset).
  Renders nothing unless the step put captchaProvider on the page (captcha/CaptchaCheck). Reads only what it sets:
      captchaProvider        altcha | recaptcha | hcaptcha | turnstile (always)
      captchaNotConfigured   true when keys are missing: a "contact support" message replaces the widget
      captchaResponseField   form field carrying the answer
      altchaChallenge        ALTCHA: the page's own challenge (the endpoint's JSON), issued when read; empty if none
      altchaChallengeUrl     ALTCHA: GET endpoint of the challenges
      captchaSiteKey, captchaScriptUrl, captchaWidgetClass, captchaLanguage, captchaInvisible (reCAPTCHA v3),
      recaptchaAction        remote vendors
  No inline script or style: merchant-captcha.js (external) loads the widget, keeps the submit button disabled
  until the check is done, announces the state to screen readers and explains a blocked widget (with the steps of
  merchant-blocked.ftl and "Reload and connect again", as when JavaScript is off).
  ALTCHA widget: npm altcha (version pinned in the parent pom.xml), its strict-CSP build dist/external with the SHA
  worker as worker.js and altcha.css beside it, put into js/altcha/ by the build (not kept in git). Its own strings
  come from data-strings (merchant-captcha.js registers them for the page's language).
-->
<#import "merchant-blocked.ftl" as blocked>
<#macro widget reloadUrl=url.registrationUrl notConfigured="captchaNotConfigured">
<#if captchaProvider??>
    <div id="merchant-captcha" class="${properties.kcFormGroupClass!} merchant-captcha" data-captcha-provider="${captchaProvider}"
         data-status-waiting="${msg("captchaStatusWaiting")}" data-status-verified="${msg("captchaStatusVerified")}"
         data-status-expired="${msg("captchaWidgetExpired")}" data-status-error="${msg("captchaBlocked")}"
         <#if !(captchaNotConfigured??)>
         data-response-field="${captchaResponseField!}"
         <#if captchaProvider == "altcha">
         data-script-src="${url.resourcesPath}/js/altcha/altcha.js" data-worker-src="${url.resourcesPath}/js/altcha/worker.js"
         <#else>
         data-script-src="${captchaScriptUrl!}" data-site-key="${captchaSiteKey!}"
         <#if captchaInvisible??>data-invisible="true" data-action="${recaptchaAction!}"</#if>
         </#if>
         </#if>>
        <#if captchaNotConfigured??>
            <div class="${properties.kcAlertClass!} pf-m-danger" role="alert">
                <span class="${properties.kcAlertTitleClass!} kc-feedback-text">${msg(notConfigured)}</span>
            </div>
        <#else>
            <noscript>
                <div class="${properties.kcAlertClass!} pf-m-warning">
                    <span class="${properties.kcAlertTitleClass!} kc-feedback-text">${msg("captchaNoScript")}</span>
                </div>
                <div class="merchant-blocked"><@blocked.steps/><@blocked.reload href=reloadUrl id="merchant-noscript-reload" primary=false/></div>
            </noscript>
            <#if captchaProvider == "altcha">
                <#assign altchaStrings>{"label":"${msg("captchaWidgetLabel")?json_string}","verifying":"${msg("captchaWidgetVerifying")?json_string}","verified":"${msg("captchaWidgetVerified")?json_string}","waitAlert":"${msg("captchaWidgetWaitAlert")?json_string}","verificationRequired":"${msg("captchaWidgetVerificationRequired")?json_string}","error":"${msg("captchaWidgetError")?json_string}","expired":"${msg("captchaWidgetExpired")?json_string}","verify":"${msg("captchaWidgetVerify")?json_string}","reload":"${msg("captchaWidgetReload")?json_string}","loading":"${msg("captchaWidgetLoading")?json_string}"}</#assign>
                <link rel="stylesheet" href="${url.resourcesPath}/js/altcha/altcha.css">
                <#-- challenge: the page's own challenge (widget 3.x takes a challenge's JSON or a URL in one attribute),
                     so the widget starts without a request; data-challenge-url: where merchant-captcha.js points it
                     for the next one (after expiry, an error, a page restored from the back-forward cache).
                     Both escaped by the HTML output format. -->
                <#assign altchaInline = (altchaChallenge!"")>
                <altcha-widget challenge="<#if altchaInline?has_content>${altchaInline}<#else>${altchaChallengeUrl}</#if>" data-challenge-url="${altchaChallengeUrl}"
                               name="altcha" auto="onload" language="${(locale.currentLanguageTag)!"en"}"
                               configuration='{"hideFooter":true,"hideLogo":true,"humanInteractionSignature":false}'
                               data-strings='${altchaStrings}'></altcha-widget>
            <#elseif !(captchaInvisible??)>
                <div class="${captchaWidgetClass!}" data-sitekey="${captchaSiteKey!}" data-language="${captchaLanguage!}"
                     data-callback="merchantCaptchaSolved" data-expired-callback="merchantCaptchaExpired"
                     data-error-callback="merchantCaptchaFailed"></div>
            </#if>
            <#-- a plain wrapper carries "hidden": PatternFly's alert sets its own display, which would override it -->
            <div data-captcha-blocked hidden>
                <div class="${properties.kcAlertClass!} pf-m-warning">
                    <span class="${properties.kcAlertTitleClass!} kc-feedback-text">${msg("captchaBlocked")}</span>
                </div>
                <div class="merchant-blocked"><@blocked.steps/><@blocked.reload href=reloadUrl id="merchant-captcha-reload" primary=false/></div>
            </div>
            <p class="pf-v5-screen-reader" data-captcha-status role="status" aria-live="polite"></p>
            <script type="module" src="${url.resourcesPath}/js/merchant-captcha.js"></script>
        </#if>
    </div>
</#if>
</#macro>
