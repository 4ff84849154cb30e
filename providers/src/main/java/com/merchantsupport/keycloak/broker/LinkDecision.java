package com.merchantsupport.keycloak.broker;

import java.util.Locale;

/**
 * The linking rule: a brokered login is attached to an existing merchant account without any email
 * round-trip only when the provider and the account both vouch for the same address:
 * <ol>
 *   <li>the provider's ID token was validated and its signature checked,</li>
 *   <li>it says {@code email_verified: true} (when the admin does not require the claim, an absent claim is
 *       accepted; an explicit {@code false} never is),</li>
 *   <li>its {@code email} claim is the brokered email, which is the account's email (ignoring case),</li>
 *   <li>the account's own email is verified, the account is enabled and not yet linked to this provider.</li>
 * </ol>
 * Anything else goes to Keycloak's own verification (confirm, then an email or the password): never a
 * silent link. Keycloak's "Automatically set existing user" skips the last two checks (keycloak#53041).
 *
 * @param outcome what happens
 * @param reason  why, for the event an admin reads ({@link #VERIFIED_EMAIL} when linked)
 */
public record LinkDecision(Outcome outcome, String reason) {

    public enum Outcome {
        /** Link now, no email sent. */
        LINK,
        /** Let Keycloak's confirm-link and verification steps decide. */
        VERIFY
    }

    public static final String VERIFIED_EMAIL = "verified_email";
    public static final String NO_ID_TOKEN = "provider_sent_no_id_token";
    public static final String SIGNATURE_NOT_CHECKED = "provider_signature_not_checked";
    public static final String PROVIDER_EMAIL_NOT_VERIFIED = "provider_email_not_verified";
    public static final String PROVIDER_EMAIL_VERIFIED_MISSING = "provider_email_verified_missing";
    public static final String PROVIDER_EMAIL_MISMATCH = "provider_email_mismatch";
    public static final String ACCOUNT_EMAIL_MISMATCH = "account_email_mismatch";
    public static final String ACCOUNT_EMAIL_NOT_VERIFIED = "account_email_not_verified";
    public static final String ACCOUNT_DISABLED = "account_disabled";
    public static final String ACCOUNT_ALREADY_LINKED = "account_already_linked_to_provider";
    /** Only where the realm allows duplicate emails: Keycloak's steps ask which account. */
    public static final String SEVERAL_ACCOUNTS = "several_accounts_with_email";

    /** The local account found with the brokered email. */
    public record Account(String email, boolean emailVerified, boolean enabled, boolean linkedToThisProvider) {
    }

    public boolean links() {
        return outcome == Outcome.LINK;
    }

    public static LinkDecision decide(ProviderClaims claims, String brokeredEmail, Account account, boolean requireEmailVerifiedClaim) {
        String notVouched = whyProviderDoesNotVouch(claims, brokeredEmail, requireEmailVerifiedClaim);
        if (notVouched != null) {
            return verify(notVouched);
        }
        if (!sameEmail(account.email(), brokeredEmail)) {
            return verify(ACCOUNT_EMAIL_MISMATCH);
        }
        if (!account.emailVerified()) {
            return verify(ACCOUNT_EMAIL_NOT_VERIFIED);
        }
        if (!account.enabled()) {
            return verify(ACCOUNT_DISABLED);
        }
        if (account.linkedToThisProvider()) {
            return verify(ACCOUNT_ALREADY_LINKED);
        }
        return new LinkDecision(Outcome.LINK, VERIFIED_EMAIL);
    }

    /**
     * Null when the provider's signed ID token vouches that {@code brokeredEmail} is its owner's verified
     * address; otherwise the reason it does not. Also decides whether a new account's email is verified.
     */
    public static String whyProviderDoesNotVouch(ProviderClaims claims, String brokeredEmail, boolean requireEmailVerifiedClaim) {
        if (claims == null || !claims.idToken()) {
            return NO_ID_TOKEN;
        }
        if (!claims.signatureChecked()) {
            return SIGNATURE_NOT_CHECKED;
        }
        if (Boolean.FALSE.equals(claims.emailVerified())) {
            return PROVIDER_EMAIL_NOT_VERIFIED;
        }
        if (claims.emailVerified() == null && requireEmailVerifiedClaim) {
            return PROVIDER_EMAIL_VERIFIED_MISSING;
        }
        if (!sameEmail(claims.email(), brokeredEmail)) {
            return PROVIDER_EMAIL_MISMATCH;
        }
        return null;
    }

    /** Same address, ignoring case and surrounding spaces; two missing addresses are not the same. */
    public static boolean sameEmail(String a, String b) {
        if (a == null || b == null || a.isBlank() || b.isBlank()) {
            return false;
        }
        return a.trim().toLowerCase(Locale.ROOT).equals(b.trim().toLowerCase(Locale.ROOT));
    }

    private static LinkDecision verify(String reason) {
        return new LinkDecision(Outcome.VERIFY, reason);
    }
}
