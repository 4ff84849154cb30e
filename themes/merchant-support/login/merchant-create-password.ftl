<#import "template.ftl" as layout>
<#import "field.ftl" as field>
<#import "buttons.ftl" as buttons>
<#import "password-validation.ftl" as validator>
<#import "merchant-journey.ftl" as journey>
<@layout.registrationLayout displayMessage=!messagesPerField.existsError('password-new','password-confirm'); section>
    <#if section = "header">
        ${msg("merchantCreatePasswordTitle")}
    <#elseif section = "form">
        <@journey.steps current="password"/>
        <p id="merchant-password-for" class="merchant-account-email">${msg("merchantCreatePasswordFor", merchantEmail!"")}</p>
        <p class="merchant-lead">${msg("merchantCreatePasswordIntro", merchantName!"")}</p>
        <form id="merchant-create-password-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post" novalidate="novalidate">
            <input type="text" name="username" value="${username!''}" autocomplete="username" hidden aria-hidden="true" readonly/>
            <@field.password name="password-new" label=msg("merchantCreatePasswordNew") autocomplete="new-password" autofocus=true />
            <@field.password name="password-confirm" label=msg("merchantCreatePasswordConfirm") autocomplete="new-password" />
            <@buttons.actionGroup>
                <@buttons.button id="kc-submit" name="login" label="merchantCreatePasswordSubmit"/>
            </@buttons.actionGroup>
        </form>
        <#if passkeyOffered!false>
            <#-- Keycloak's passwordless registration, on the pack's next page (merchant-create-passkey.ftl). -->
            <form id="merchant-passkey-form" class="${properties.kcFormClass!} merchant-passkey-choice" action="${url.loginAction}" method="post">
                <input type="hidden" name="passkey" value="start"/>
                <p id="merchant-passkey-hint" class="merchant-passkey-choice__hint">${msg("merchantCreatePasswordPasskeyHint")}</p>
                <@buttons.actionGroup>
                    <@buttons.button id="merchant-use-passkey" label="merchantCreatePasswordUsePasskey" type="secondary"/>
                </@buttons.actionGroup>
            </form>
        </#if>
        <@validator.templates/>
        <@validator.script field="password-new"/>
    </#if>
</@layout.registrationLayout>
