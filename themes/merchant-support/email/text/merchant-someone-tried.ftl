<#ftl output_format="plainText">
${msg("merchantSomeoneTriedGreeting", merchantName)}

${msg("merchantSomeoneTriedBody")}

${msg("merchantSomeoneTriedSignIn")}: ${signInUrl}
${msg("merchantSomeoneTriedReset")}: ${resetUrl}

${msg("merchantSomeoneTriedIgnore")}

${msg("merchantMailSignature")}
