<#-- keycloak.v2's registration page with the journey steps and the pack's captcha; the fields still come
     from the realm's user profile (name, email), so only the captcha block and the steps are the pack's. -->
<#import "template.ftl" as layout>
<#import "user-profile-commons.ftl" as userProfileCommons>
<#import "register-commons.ftl" as registerCommons>
<#import "merchant-journey.ftl" as journey>
<#import "captcha.ftl" as captcha>
<#import "merchant-blocked.ftl" as blocked>
<@layout.registrationLayout displayMessage=messagesPerField.exists('global') displayRequiredFields=true; section>
    <#if section = "header">
        ${msg("registerTitle")}
    <#elseif section = "form">
        <@journey.steps current="connect"/>
        <#if blocked.problem() == "restarted"><@blocked.hint/></#if>
        <p class="merchant-lead">${msg("merchantRegisterIntro")}</p>
        <form id="kc-register-form" class="${properties.kcFormClass!}" action="${url.registrationAction}" method="post" novalidate="novalidate">
            <@userProfileCommons.userProfileFormFields/>
            <@registerCommons.termsAcceptance/>
            <@captcha.widget/>
            <div id="kc-form-buttons" class="${properties.kcFormButtonsClass!}">
                <button class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!} ${properties.kcButtonLargeClass!}"
                        type="submit" id="kc-submit">${msg("doRegister")}</button>
            </div>
            <div class="${properties.kcFormGroupClass!} pf-v5-c-login__main-footer-band">
                <div id="kc-form-options" class="${properties.kcFormOptionsClass!} pf-v5-c-login__main-footer-band-item">
                    <span>${msg("merchantAlreadyHaveAccount")} <a href="${url.loginUrl}">${msg("backToLogin")}</a></span>
                </div>
            </div>
        </form>
    </#if>
</@layout.registrationLayout>
