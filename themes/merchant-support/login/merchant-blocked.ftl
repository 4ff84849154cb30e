<#--
  "If you're not able to access this page (blocked)": the seed's step 4, on the pages themselves.
  An ad blocker, a privacy extension or a cookie setting can stop Keycloak from keeping the merchant's place
  (its cookies) or stop the page's scripts (the captcha). Used by:
    error.ftl       Keycloak found no cookie (cookieNotFoundMessage) or a page of another sign-in: the whole help
    login.ftl,      Keycloak started the flow again (loginTimeout, expiredActionMessage): a fold-out hint
    register.ftl
    captcha.ftl     the captcha cannot load, or JavaScript is off: the steps under the captcha's own message
  Browser-neutral steps: no browser's menu names.
-->

<#-- What kind of trouble the page's message (if any) means: "blocked", "restart", "restarted" or "". -->
<#function problem>
  <#if !(message?? && message?has_content && message.summary?has_content)>
    <#return "">
  </#if>
  <#if message.summary == msg("cookieNotFoundMessage")>
    <#return "blocked">
  </#if>
  <#list ["invalidCodeMessage", "staleCodeMessage", "expiredCodeMessage"] as key>
    <#if message.summary == msg(key)>
      <#return "restart">
    </#if>
  </#list>
  <#list ["loginTimeout", "expiredActionMessage"] as key>
    <#if message.summary == msg(key)>
      <#return "restarted">
    </#if>
  </#list>
  <#return "">
</#function>

<#-- How to let the site work again. -->
<#macro steps>
  <ol class="merchant-blocked__steps">
    <li>${msg("merchantBlockedStepAdBlocker")}</li>
    <li>${msg("merchantBlockedStepCookies")}</li>
    <li>${msg("merchantBlockedStepDelete")}</li>
  </ol>
</#macro>

<#macro reload href id="merchant-reload" primary=true>
  <a id="${id}" class="${primary?then(properties.kcButtonPrimaryClass!, properties.kcButtonSecondaryClass!)} ${properties.kcButtonBlockClass!}" href="${href}">${msg("merchantBlockedReload")}</a>
</#macro>

<#-- A page of its own: why, how, and a clean new start. -->
<#macro help reloadUrl>
  <section id="merchant-blocked" class="merchant-blocked" aria-labelledby="merchant-blocked-how">
    <h2 id="merchant-blocked-how" class="merchant-blocked__title">${msg("merchantBlockedHowTitle")}</h2>
    <@steps/>
    <@reload href=reloadUrl/>
  </section>
</#macro>

<#-- Under a "we started again" message: the page works, but if it keeps happening the browser is the cause. -->
<#macro hint>
  <details id="merchant-blocked-hint" class="merchant-blocked merchant-blocked--hint">
    <summary>${msg("merchantBlockedHintSummary")}</summary>
    <p>${msg("merchantBlockedWhy")}</p>
    <@steps/>
  </details>
</#macro>
