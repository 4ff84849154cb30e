<#ftl output_format="plainText">
<#if merchantName??>${msg("merchantSomeoneTriedGreeting", merchantName)}<#else>${msg("merchantGreetingWithoutName")}</#if>

${msg("merchantSomeoneTriedBody")}

${msg("merchantSomeoneTriedSignIn")}: ${signInUrl}
${msg("merchantSomeoneTriedReset")}: ${resetUrl}

${msg("merchantSomeoneTriedIgnore")}

${msg("merchantMailSignature")}
