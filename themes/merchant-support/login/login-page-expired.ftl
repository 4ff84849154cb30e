<#--
  base's "Page has expired" (a form sent twice, the browser's back button, a page left open in another tab),
  said in the merchant's words: nothing is lost, continue where you were, or start again from the sign-in page.
-->
<#import "template.ftl" as layout>
<#import "buttons.ftl" as buttons>
<#import "merchant-journey.ftl" as journey>
<@layout.registrationLayout; section>
    <#if section = "header">
        ${msg("merchantPageExpiredTitle")}
    <#elseif section = "form">
        <@journey.steps current="connect"/>
        <div id="merchant-page-expired">
            <p class="instruction">${msg("merchantPageExpiredWhy")}</p>
            <@buttons.actionGroup>
                <@buttons.buttonLink id="loginContinueLink" href=url.loginAction label="merchantPageExpiredContinue" class=["kcButtonPrimaryClass", "kcButtonBlockClass"]/>
                <@buttons.buttonLink id="loginRestartLink" href=url.loginRestartFlowUrl label="merchantPageExpiredRestart"/>
            </@buttons.actionGroup>
        </div>
    </#if>
</@layout.registrationLayout>
