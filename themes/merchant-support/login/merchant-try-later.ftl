<#import "template.ftl" as layout>
<#import "merchant-journey.ftl" as journey>
<#-- A limit refused the request (HTTP 429, Retry-After): how long to wait, the same page whatever the address typed. -->
<@layout.registrationLayout displayMessage=false; section>
    <#if section = "header">
        ${msg("merchantTryLaterTitle")}
    <#elseif section = "form">
        <#-- sign-up ("connect") and "Forgot my password" ("reset", whose page is the journey's first step too) -->
        <#if journeyStep?? && (journeyStep == "connect" || journeyStep == "reset")><@journey.steps current="connect"/></#if>
        <div id="merchant-try-later" role="alert">
            <p id="merchant-try-later-wait">${msg("merchantTryLaterText", retryAfterMinutes)}</p>
            <p>${msg((journeyStep?? && journeyStep == "reset")?then("merchantTryLaterWhyReset", "merchantTryLaterWhy"))}</p>
        </div>
        <#if tryLaterRestart?? && tryLaterRestart>
            <form id="merchant-try-later-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
                <div class="${properties.kcFormGroupClass!}">
                    <button class="${properties.kcButtonSecondaryClass!} ${properties.kcButtonBlockClass!}" type="submit" name="action" value="restart" id="merchant-try-later-back">${msg("merchantTryLaterBack")}</button>
                </div>
            </form>
        <#else>
            <div class="${properties.kcFormGroupClass!}">
                <a id="merchant-try-later-back" class="${properties.kcButtonSecondaryClass!} ${properties.kcButtonBlockClass!}" href="${url.loginUrl}">${msg("merchantTryLaterSignIn")}</a>
            </div>
        </#if>
    </#if>
</@layout.registrationLayout>
