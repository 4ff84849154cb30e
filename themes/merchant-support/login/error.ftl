<#--
  base's error page. When the error means the browser lost Keycloak's cookies or is on a page of another sign-in
  (cookieNotFoundMessage, invalidCodeMessage, staleCodeMessage, expiredCodeMessage), it says why, how to allow
  the site, and offers "Reload and connect again": the help center's home (the client's base URL), which starts a
  new sign-in with its own state and PKCE. Keycloak's restart URL cannot do that here: without the cookies it
  finds no sign-in to restart and answers "cookie not found" again.
-->
<#import "template.ftl" as layout>
<#import "merchant-journey.ftl" as journey>
<#import "merchant-blocked.ftl" as blocked>
<#assign problem = blocked.problem()>
<#assign lost = problem == "blocked" || problem == "restart">
<@layout.registrationLayout displayMessage=false; section>
    <#if section = "header">
        <#if problem == "blocked">${msg("merchantBlockedTitle")}<#elseif lost>${msg("merchantRestartTitle")}<#else>${kcSanitize(msg("errorTitle"))?no_esc}</#if>
    <#elseif section = "form">
        <#if lost><@journey.steps current="connect"/></#if>
        <div id="kc-error-message"<#if lost> data-problem="${problem}"</#if>>
            <p class="instruction">${kcSanitize(message.summary)?no_esc}</p>
            <#if traceId??>
                <p class="instruction" id="traceId">${msg("traceIdSupportMessage", traceId)}</p>
            </#if>
            <#if lost>
                <@blocked.help reloadUrl=((client.baseUrl)?has_content)?then(client.baseUrl, url.loginRestartFlowUrl)/>
            <#elseif !(skipLink??) && client?? && client.baseUrl?has_content>
                <p><a id="backToApplication" href="${client.baseUrl}">${msg("backToApplication")}</a></p>
            </#if>
        </div>
    </#if>
</@layout.registrationLayout>
