<#import "template.ftl" as layout>
<#import "merchant-journey.ftl" as journey>
<@layout.registrationLayout displayMessage=false; section>
    <#if section = "header">
        ${msg("merchantLink_" + linkProblem + "_title")}
    <#elseif section = "form">
        <@journey.steps current=journeyStep!"mailbox"/>
        <div id="merchant-link-problem" data-problem="${linkProblem}" role="status">
            <p>${msg("merchantLink_" + linkProblem + "_text")}</p>
            <#if retryAfterMinutes??>
                <p id="merchant-link-wait">${msg("merchantLinkWait", retryAfterMinutes)}</p>
            </#if>
        </div>
        <#if resendUrl?? && resendKey??>
            <form id="merchant-new-link-form" action="${resendUrl}" method="post">
                <input type="hidden" name="key" value="${resendKey}"/>
                <button class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}" type="submit" id="merchant-new-link">${msg("merchantLinkSendNew")}</button>
            </form>
        </#if>
        <div class="${properties.kcFormGroupClass!}">
            <a id="merchant-sign-in" class="${properties.kcButtonSecondaryClass!} ${properties.kcButtonBlockClass!}" href="${signInUrl}">${msg("merchantLinkSignIn")}</a>
        </div>
    </#if>
</@layout.registrationLayout>
