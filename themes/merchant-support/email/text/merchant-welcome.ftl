<#ftl output_format="plainText">
<#if merchantName??>${msg("merchantWelcomeGreeting", merchantName)}<#else>${msg("merchantGreetingWithoutName")}</#if>

${msg("merchantWelcomeBody")}

${msg("merchantWelcomeButton")}: ${link}
<#if passkeyOffered!false>${msg("merchantWelcomePasskey")}
</#if>
${msg("merchantWelcomeValidity", linkExpirationHours)}
${msg("merchantWelcomeIgnore")}

${msg("merchantMailSignature")}
