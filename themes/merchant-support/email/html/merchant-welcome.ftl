<#import "merchant-layout.ftl" as mail>
<@mail.layout>
  <p><#if merchantName??>${msg("merchantWelcomeGreeting", merchantName)}<#else>${msg("merchantGreetingWithoutName")}</#if></p>
  <p>${msg("merchantWelcomeBody")}</p>
  <@mail.button href=link label=msg("merchantWelcomeButton")/>
  <#if passkeyOffered!false><p>${msg("merchantWelcomePasskey")}</p></#if>
  <p style="font-size:13px;color:#6a6e73;">${msg("merchantWelcomeValidity", linkExpirationHours)}</p>
  <p style="font-size:13px;color:#6a6e73;">${msg("merchantWelcomeLinkFallback")}<br><a href="${link}" style="color:#0b5cad;word-break:break-all;">${link}</a></p>
  <p style="font-size:13px;color:#6a6e73;">${msg("merchantWelcomeIgnore")}</p>
  <p>${msg("merchantMailSignature")}</p>
</@mail.layout>
