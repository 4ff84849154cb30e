<#ftl output_format="plainText">
${msg("merchantWelcomeGreeting", merchantName)}

${msg("merchantWelcomeBody")}

${msg("merchantWelcomeButton")}: ${link}
<#if passkeyOffered!false>${msg("merchantWelcomePasskey")}
</#if>
${msg("merchantWelcomeValidity", linkExpirationHours)}
${msg("merchantWelcomeIgnore")}

${msg("merchantMailSignature")}
