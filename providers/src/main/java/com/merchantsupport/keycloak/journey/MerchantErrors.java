package com.merchantsupport.keycloak.journey;

/**
 * The event errors the pack records, beside Keycloak's own {@link org.keycloak.events.Errors}: what a realm admin
 * filters on in Realm settings → Events, and what scripts and dashboards count. Renaming one breaks them.
 */
public final class MerchantErrors {

    /** A per-address or realm-wide limit refused a sign-up or a password reset (the reason detail says which). */
    public static final String RATE_LIMITED = "merchant_rate_limited";
    /** The captcha refused a "Forgot my password" request (the {@code captcha_reason} detail says why); nothing sent. */
    public static final String CAPTCHA_REFUSED = "merchant_captcha_refused";
    /** A send limit (per email address, per network address, realm-wide) refused an email. */
    public static final String TOO_MANY_EMAILS = "too_many_emails";
    /** The mail server refused or did not answer; the account is kept. */
    public static final String EMAIL_SEND_FAILED = "email_send_failed";

    /** Welcome link refusals, one per state of the link. */
    public static final String LINK_REPLACED = "link_replaced";
    public static final String LINK_ALREADY_USED = "link_already_used";
    public static final String INVALID_WELCOME_LINK = "invalid_welcome_link";
    public static final String ACCOUNT_UNAVAILABLE = "account_unavailable";
    public static final String ACCOUNT_COMPLETE = "account_complete";

    /** Provider sign-in refusals. */
    public static final String HOSTED_DOMAIN_NOT_ALLOWED = "merchant_hosted_domain_not_allowed";
    public static final String PROVIDER_EMAIL_MISSING = "merchant_provider_email_missing";
    /** A first sign-in made an account, but the provider did not vouch for its email: not signed in, welcome email sent. */
    public static final String PROVIDER_EMAIL_NOT_PROVEN = "merchant_provider_email_not_proven";
    /** A later sign-in through such a link, before the welcome link proved the mailbox. */
    public static final String ACCOUNT_AWAITS_MAILBOX = "merchant_account_awaits_mailbox";

    /** Event details the pack adds: which step an event belongs to, and why a send was refused. */
    public static final String REASON_SMTP = "smtp";
    /** Why a provider's link was removed when the mailbox was proven. */
    public static final String REASON_PROVIDER_DID_NOT_VOUCH = "provider_did_not_vouch";

    private MerchantErrors() {
    }
}
