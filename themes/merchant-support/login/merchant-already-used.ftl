<#import "template.ftl" as layout>
<#import "merchant-journey.ftl" as journey>
<@layout.registrationLayout displayMessage=false; section>
    <#if section = "header">
        ${msg("merchantAlreadyUsedTitle")}
    <#elseif section = "form">
        <@journey.steps current="connect"/>
        <div role="status">
            <p id="merchant-already-used">${msg("merchantAlreadyUsedText", merchantEmail)}</p>
            <p>${msg("merchantAlreadyUsedForgot")}</p>
        </div>
        <div class="${properties.kcFormGroupClass!}">
            <a id="merchant-forgot-password" class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}" href="${url.loginResetCredentialsUrl}">${msg("doForgotPassword")}</a>
        </div>
        <div class="${properties.kcFormGroupClass!}">
            <a id="merchant-sign-in" class="${properties.kcButtonSecondaryClass!} ${properties.kcButtonBlockClass!}" href="${url.loginUrl}">${msg("merchantSignInInstead")}</a>
        </div>
        <form action="${url.loginAction}" method="post">
            <button class="${properties.kcButtonLinkClass!}" type="submit" name="action" value="restart" id="merchant-restart">${msg("merchantMailboxWrongAddress")}</button>
        </form>
    </#if>
</@layout.registrationLayout>
