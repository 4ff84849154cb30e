<#import "merchant-layout.ftl" as mail>
<@mail.layout>
  <p><#if merchantName??>${msg("merchantSomeoneTriedGreeting", merchantName)}<#else>${msg("merchantGreetingWithoutName")}</#if></p>
  <p>${msg("merchantSomeoneTriedBody")}</p>
  <@mail.button href=signInUrl label=msg("merchantSomeoneTriedSignIn")/>
  <p>${msg("merchantSomeoneTriedForgot")} <a href="${resetUrl}" style="color:#0b5cad;">${msg("merchantSomeoneTriedReset")}</a></p>
  <p style="font-size:13px;color:#6a6e73;">${msg("merchantSomeoneTriedIgnore")}</p>
  <p>${msg("merchantMailSignature")}</p>
</@mail.layout>
