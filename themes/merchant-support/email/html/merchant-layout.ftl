<#-- The look of every merchant email: the same accent and type as the login pages, inline for mail clients. -->
<#macro layout>
<html lang="${locale.language}" dir="${(ltr)?then('ltr','rtl')}">
<body style="margin:0;padding:0;background:#f0f0f0;font-family:'Red Hat Text',Helvetica,Arial,sans-serif;color:#151515;">
  <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f0f0f0;padding:24px 0;">
    <tr><td align="center">
      <table role="presentation" width="560" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border-top:4px solid #0b5cad;">
        <tr><td style="padding:24px 32px 8px 32px;font-size:13px;letter-spacing:2px;text-transform:uppercase;color:#0b5cad;">${msg("merchantMailBrand")}</td></tr>
        <tr><td style="padding:8px 32px 32px 32px;font-size:15px;line-height:1.5;">
          <#nested>
        </td></tr>
      </table>
    </td></tr>
  </table>
</body>
</html>
</#macro>

<#macro button href label>
  <table role="presentation" cellpadding="0" cellspacing="0" style="margin:24px 0;"><tr>
    <td style="background:#0b5cad;border-radius:3px;">
      <a href="${href}" style="display:inline-block;padding:12px 24px;color:#ffffff;text-decoration:none;font-weight:bold;">${label}</a>
    </td>
  </tr></table>
</#macro>
