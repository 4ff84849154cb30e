package com.merchantsupport.keycloak.welcome;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.merchantsupport.keycloak.journey.MerchantErrors;
import com.merchantsupport.keycloak.journey.MerchantProfile;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/** Sends "Welcome to Merchant Support" from Support Bot, with the link to create a password. */
public final class WelcomeMail {

    public static final String TEMPLATE = "merchant-welcome.ftl";
    public static final String SUBJECT_KEY = "merchantWelcomeSubject";
    /** The event detail that tells admins which step of the journey an event belongs to. */
    public static final String STEP_DETAIL = "merchant_step";

    private WelcomeMail() {
    }

    /** Sends the link {@link WelcomeLink} made; a failure is an event, and the outbox tries again. */
    static void send(KeycloakSession session, RealmModel realm, UserModel user, String link,
                        EventBuilder event, String step) throws EmailException {
        WelcomeSettings settings = WelcomeSettings.of(realm);

        Map<String, Object> attributes = new HashMap<>();
        attributes.put("link", link);
        // Absent when the name could be a link: the template then greets without it.
        MerchantProfile.greetingName(user).ifPresent(name -> attributes.put("merchantName", name));
        attributes.put("linkExpirationHours", Math.max(1, settings.linkLifespanSeconds() / 3600));
        attributes.put("linkExpirationMinutes", settings.linkLifespanSeconds() / 60);
        // "...or a passkey": said only while the realm offers passkeys on the page the link opens.
        attributes.put("passkeyOffered", PasskeyStep.offered(realm));

        EventBuilder sent = event.clone().event(EventType.SEND_VERIFY_EMAIL).user(user)
                .detail(Details.EMAIL, user.getEmail()).detail(STEP_DETAIL, step);
        try {
            session.getProvider(EmailTemplateProvider.class)
                    .setRealm(realm)
                    .setUser(user)
                    .send(SUBJECT_KEY, List.of(), TEMPLATE, attributes);
            sent.success();
        } catch (EmailException e) {
            sent.detail(Details.REASON, MerchantErrors.REASON_SMTP).error(MerchantErrors.EMAIL_SEND_FAILED);
            throw e;
        }
    }
}
