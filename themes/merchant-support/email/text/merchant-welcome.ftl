<#ftl output_format="plainText">
${msg("merchantWelcomeGreeting", merchantName)}

${msg("merchantWelcomeBody")}

${msg("merchantWelcomeButton")}: ${link}

${msg("merchantWelcomeValidity", linkExpirationHours)}
${msg("merchantWelcomeIgnore")}

${msg("merchantMailSignature")}
