package com.merchantsupport.keycloak.registration;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.merchantsupport.keycloak.journey.MerchantProfile;
import com.merchantsupport.keycloak.outbox.JourneyOutbox;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.Urls;

/**
 * In private mode, the owner of an address learns that someone tried to register with it, with the
 * ways back in: sign in, or reset the password.
 */
public final class SomeoneTriedMail {

    static final String TEMPLATE = "merchant-someone-tried.ftl";
    static final String SUBJECT_KEY = "merchantSomeoneTriedSubject";

    private SomeoneTriedMail() {
    }

    /** The outbox's turn: the links are built from the request that queued it (the worker's context). */
    public static JourneyOutbox.Delivery deliver(KeycloakSession session, RealmModel realm, UserModel owner) throws EmailException {
        URI base = session.getContext().getUri().getBaseUri();
        Map<String, Object> attributes = new HashMap<>();
        // Absent when the name could be a link: the template then greets without it.
        MerchantProfile.greetingName(owner).ifPresent(name -> attributes.put("merchantName", name));
        attributes.put("signInUrl", Urls.realmLoginPage(base, realm.getName()).toString());
        attributes.put("resetUrl", Urls.loginResetCredentialsBuilder(base).build(realm.getName()).toString());
        session.getProvider(EmailTemplateProvider.class).setRealm(realm).setUser(owner)
                .send(SUBJECT_KEY, List.of(), TEMPLATE, attributes);
        return JourneyOutbox.Delivery.SENT;
    }
}
