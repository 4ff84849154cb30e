package com.merchantsupport.it.reliability;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.merchantsupport.it.support.Accounts;
import com.merchantsupport.it.support.FormBrowser;
import com.merchantsupport.it.support.Journey;
import com.merchantsupport.it.support.Mails;
import com.merchantsupport.it.support.Pages;

/**
 * Accounts several cases of one bad-input class start from, made the first time a case asks. Each class holds its
 * own (a static instance of its own), so no class sees what another did to them.
 */
final class BadInputAccounts {

    record Account(String id, String email, String key, Accounts.Snapshot snapshot) {
    }

    private Account awaiting;
    private Account completed;
    private Account existing;
    private JsonNode tokens;
    private String resetKey;

    /** Registered, link not used: no password, email not verified. */
    synchronized Account awaiting(BadInput.Ctx c) {
        if (awaiting == null) {
            String email = Accounts.newEmail("bad-awaiting");
            Journey.register(new FormBrowser(), "Awaiting Merchant", email);
            String key = Pages.keyOf(Mails.welcomeLink(c.mail(), email));
            String id = Accounts.one(c.realm(), email).getId();
            awaiting = new Account(id, email, key, Accounts.snapshot(c.realm(), id));
            assertFalse(awaiting.snapshot().emailVerified());
            assertTrue(awaiting.snapshot().credentials().isEmpty());
        }
        return awaiting;
    }

    /** The whole journey done: a password, signed in at the help center (its tokens kept). */
    synchronized Account completed(BadInput.Ctx c) {
        if (completed == null) {
            String email = Accounts.newEmail("bad-completed");
            FormBrowser browser = Journey.completeJourney(new FormBrowser(), c.mail(), "Completed Merchant", email);
            tokens = Journey.tokens(Journey.code(browser));
            String key = Pages.keyOf(Mails.welcomeLink(c.mail(), email));
            String id = Accounts.one(c.realm(), email).getId();
            completed = new Account(id, email, key, Accounts.snapshot(c.realm(), id));
        }
        return completed;
    }

    synchronized JsonNode tokens(BadInput.Ctx c) {
        completed(c);
        return tokens;
    }

    /** A merchant with a password from long ago (for "already used" and Keycloak's own reset email). */
    synchronized Account existing(BadInput.Ctx c) {
        if (existing == null) {
            String email = Accounts.newEmail("bad-existing");
            String id = Accounts.existingMerchant(c.realm(), email, Journey.PASSWORD);
            existing = new Account(id, email, null, Accounts.snapshot(c.realm(), id));
        }
        return existing;
    }

    synchronized String resetKey(BadInput.Ctx c) {
        if (resetKey == null) {
            resetKey = Journey.resetCredentialsKey(new FormBrowser(), c.mail(), existing(c).email());
        }
        return resetKey;
    }
}
