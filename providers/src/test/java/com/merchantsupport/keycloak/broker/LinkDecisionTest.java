package com.merchantsupport.keycloak.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class LinkDecisionTest {

    private static final String EMAIL = "ada@shop.test";
    private static final LinkDecision.Account VERIFIED_ACCOUNT = new LinkDecision.Account(EMAIL, true, true, false);

    private static ProviderClaims token(Object emailVerified, String email) {
        Map<String, Object> claims = new HashMap<>();
        claims.put("sub", "108");
        if (email != null) {
            claims.put("email", email);
        }
        if (emailVerified != null) {
            claims.put("email_verified", emailVerified);
        }
        return ProviderClaims.from(claims, true);
    }

    private static LinkDecision decide(ProviderClaims claims, LinkDecision.Account account) {
        return LinkDecision.decide(claims, EMAIL, account, true);
    }

    @Test
    void linksWhenTheSignedTokenAndTheAccountBothVouchForTheSameEmail() {
        LinkDecision decision = decide(token(true, EMAIL), VERIFIED_ACCOUNT);

        assertTrue(decision.links());
        assertEquals(LinkDecision.VERIFIED_EMAIL, decision.reason());
    }

    @Test
    void emailsMatchIgnoringCase() {
        assertTrue(LinkDecision.decide(token(true, "Ada@Shop.TEST"), "ADA@shop.test",
                new LinkDecision.Account("ada@shop.test", true, true, false), true).links());
    }

    @Test
    void neverLinksAnAccountWhoseOwnEmailWasNeverVerified() {
        // keycloak#53041: "automatically set existing user" would link here.
        LinkDecision decision = decide(token(true, EMAIL), new LinkDecision.Account(EMAIL, false, true, false));

        assertFalse(decision.links());
        assertEquals(LinkDecision.ACCOUNT_EMAIL_NOT_VERIFIED, decision.reason());
    }

    @Test
    void neverLinksWhenTheProviderSaysTheEmailIsNotVerified() {
        assertEquals(LinkDecision.PROVIDER_EMAIL_NOT_VERIFIED, decide(token(false, EMAIL), VERIFIED_ACCOUNT).reason());
        assertEquals(LinkDecision.PROVIDER_EMAIL_NOT_VERIFIED, decide(token("false", EMAIL), VERIFIED_ACCOUNT).reason());
        // Even when the admin does not require the claim.
        assertFalse(LinkDecision.decide(token(false, EMAIL), EMAIL, VERIFIED_ACCOUNT, false).links());
    }

    @Test
    void aMissingEmailVerifiedClaimCountsOnlyWhenTheAdminSaysSo() {
        assertEquals(LinkDecision.PROVIDER_EMAIL_VERIFIED_MISSING, decide(token(null, EMAIL), VERIFIED_ACCOUNT).reason());
        assertEquals(LinkDecision.PROVIDER_EMAIL_VERIFIED_MISSING, decide(token("yes", EMAIL), VERIFIED_ACCOUNT).reason());
        assertTrue(LinkDecision.decide(token(null, EMAIL), EMAIL, VERIFIED_ACCOUNT, false).links());
        assertTrue(decide(token("true", EMAIL), VERIFIED_ACCOUNT).links(), "string \"true\" as some providers send it");
    }

    @Test
    void theVerifiedClaimMustBeAboutTheBrokeredEmail() {
        // email_verified speaks of the ID token's email: one from elsewhere (userinfo) is not covered by it.
        assertEquals(LinkDecision.PROVIDER_EMAIL_MISMATCH, decide(token(true, "other@shop.test"), VERIFIED_ACCOUNT).reason());
        assertEquals(LinkDecision.PROVIDER_EMAIL_MISMATCH, decide(token(true, null), VERIFIED_ACCOUNT).reason());
    }

    @Test
    void theAccountMustHaveTheBrokeredEmail() {
        LinkDecision decision = decide(token(true, EMAIL), new LinkDecision.Account("someone@else.test", true, true, false));

        assertEquals(LinkDecision.ACCOUNT_EMAIL_MISMATCH, decision.reason());
    }

    @Test
    void withoutAValidatedSignedIdTokenNothingIsLinked() {
        assertEquals(LinkDecision.NO_ID_TOKEN, decide(ProviderClaims.NONE, VERIFIED_ACCOUNT).reason());
        assertEquals(LinkDecision.NO_ID_TOKEN, decide(null, VERIFIED_ACCOUNT).reason());
        ProviderClaims unsigned = ProviderClaims.from(Map.of("email", EMAIL, "email_verified", true), false);
        assertEquals(LinkDecision.SIGNATURE_NOT_CHECKED, decide(unsigned, VERIFIED_ACCOUNT).reason());
    }

    @Test
    void aDisabledAccountOrOneAlreadyLinkedToThisProviderIsLeftToKeycloak() {
        assertEquals(LinkDecision.ACCOUNT_DISABLED, decide(token(true, EMAIL), new LinkDecision.Account(EMAIL, true, false, false)).reason());
        assertEquals(LinkDecision.ACCOUNT_ALREADY_LINKED, decide(token(true, EMAIL), new LinkDecision.Account(EMAIL, true, true, true)).reason());
    }

    @Test
    void aNewAccountsEmailIsVerifiedOnlyWhenTheProviderVouchesForIt() {
        assertNull(LinkDecision.whyProviderDoesNotVouch(token(true, EMAIL), EMAIL, true));
        assertEquals(LinkDecision.PROVIDER_EMAIL_NOT_VERIFIED, LinkDecision.whyProviderDoesNotVouch(token(false, EMAIL), EMAIL, true));
        assertEquals(LinkDecision.PROVIDER_EMAIL_VERIFIED_MISSING, LinkDecision.whyProviderDoesNotVouch(token(null, EMAIL), EMAIL, true));
    }

    @Test
    void twoMissingEmailsAreNotTheSame() {
        assertFalse(LinkDecision.sameEmail(null, null));
        assertFalse(LinkDecision.sameEmail("", " "));
        assertTrue(LinkDecision.sameEmail(" a@b.test", "A@B.test "));
    }
}
