<#import "template.ftl" as layout>
<#import "merchant-journey.ftl" as journey>
<@layout.registrationLayout displayMessage=false; section>
    <#if section = "header">
        ${msg("merchantMailboxTitle")}
    <#elseif section = "form">
        <@journey.steps current="mailbox"/>
        <div id="merchant-mailbox" role="status" aria-live="polite">
            <#if mailboxStatus == "limited">
                <div <#if mailboxDelayed!false>id="merchant-mailbox-delayed" </#if>class="${properties.kcAlertClass!} pf-m-warning"><p class="${properties.kcAlertTitleClass!}">${msg((mailboxDelayed!false)?then("merchantMailboxLimitedDelayed", "merchantMailboxLimited"))}</p><#if retryAfterMinutes??><p id="merchant-mailbox-wait" class="${properties.kcAlertDescriptionClass!}">${msg("merchantMailboxLimitedWait", retryAfterMinutes)}</p></#if></div>
            <#else>
                <p id="merchant-mailbox-sent">${msg("merchantMailboxSent", merchantEmail!"")}</p>
                <p id="merchant-mailbox-passkey">${msg("merchantMailboxPasskey")}</p>
                <#if mailboxStatus == "delayed">
                    <div id="merchant-mailbox-delayed" class="${properties.kcAlertClass!} pf-m-warning"><p class="${properties.kcAlertTitleClass!}">${msg("merchantMailboxDelayed")}</p></div>
                </#if>
                <#if mailboxStatus == "resent">
                    <div class="${properties.kcAlertClass!} pf-m-success"><p class="${properties.kcAlertTitleClass!}">${msg("merchantMailboxResent")}</p></div>
                </#if>
            </#if>
            <p>${msg("merchantMailboxFrom")}</p>
            <p>${msg("merchantMailboxValidity", linkExpirationHours)}</p>
        </div>
        <form id="merchant-mailbox-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
            <div class="${properties.kcFormGroupClass!}">
                <p>${msg("merchantMailboxNotReceived")}</p>
                <button class="${properties.kcButtonSecondaryClass!} ${properties.kcButtonBlockClass!}" type="submit" name="action" value="resend" id="merchant-resend">${msg("merchantMailboxResend")}</button>
            </div>
            <div class="${properties.kcFormGroupClass!}">
                <button class="${properties.kcButtonLinkClass!}" type="submit" name="action" value="restart" id="merchant-restart">${msg("merchantMailboxWrongAddress")}</button>
            </div>
        </form>
    </#if>
</@layout.registrationLayout>
