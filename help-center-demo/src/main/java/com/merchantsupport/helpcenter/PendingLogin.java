package com.merchantsupport.helpcenter;

import java.time.Instant;

/**
 * What the callback must see again: the state we sent, the nonce the ID token must carry,
 * and the PKCE verifier only this server knows.
 */
public record PendingLogin(String state, String nonce, String codeVerifier, Instant startedAt) {
}
