package com.merchantsupport.keycloak.registration;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.merchantsupport.keycloak.journey.MerchantProfile;
import org.jboss.logging.Logger;
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
final class SomeoneTriedMail {

    private static final Logger LOG = Logger.getLogger(SomeoneTriedMail.class);
    static final String TEMPLATE = "merchant-someone-tried.ftl";
    static final String SUBJECT_KEY = "merchantSomeoneTriedSubject";

    private SomeoneTriedMail() {
    }

    static boolean send(KeycloakSession session, RealmModel realm, UserModel owner, String signInUrl) {
        Map<String, Object> attributes = new HashMap<>();
        // Absent when the name could be a link: the template then greets without it.
        MerchantProfile.greetingName(owner).ifPresent(name -> attributes.put("merchantName", name));
        attributes.put("signInUrl", signInUrl);
        attributes.put("resetUrl", Urls.loginResetCredentialsBuilder(session.getContext().getUri().getBaseUri())
                .build(realm.getName()).toString());
        try {
            session.getProvider(EmailTemplateProvider.class).setRealm(realm).setUser(owner)
                    .send(SUBJECT_KEY, List.of(), TEMPLATE, attributes);
            return true;
        } catch (EmailException e) {
            LOG.warnf("Someone-tried-to-register email to user %s could not be sent: %s", owner.getId(), e.getMessage());
            return false;
        }
    }
}
