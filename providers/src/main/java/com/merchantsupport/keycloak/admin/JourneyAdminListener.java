package com.merchantsupport.keycloak.admin;

import java.util.regex.Pattern;

import com.merchantsupport.keycloak.journey.MerchantAccount;
import com.merchantsupport.keycloak.journey.StatelessProviderFactory;
import org.jboss.logging.Logger;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * What the console's own screens mean for the journey, read from Keycloak's admin events (the realm's
 * {@code eventsListeners} names {@code merchant-journey}; Keycloak hands every admin event to the realm's listeners,
 * whether or not admin events are stored, in the admin's request and transaction):
 * <ul>
 *   <li>a user created (Users → Create user, or {@code POST .../users} by a script) with an email and no password:
 *   the merchant is invited, unless the realm turned {@code inviteFromConsole} off;</li>
 *   <li>a user saved (Users → merchant → Required user actions) who did not carry {@code merchant-create-password}
 *   before and does now: a welcome link of a new generation.</li>
 * </ul>
 * Both go through {@link AdminLinks}: the pack's link, the send limits, the outbox in this transaction.
 */
public class JourneyAdminListener implements EventListenerProvider {

    public static final String PROVIDER_ID = "merchant-journey";
    private static final Logger LOG = Logger.getLogger(JourneyAdminListener.class);
    /** {@code users/{id}}: the user itself, not its credentials, groups or role mappings. */
    private static final Pattern USER_PATH = Pattern.compile("users/([A-Za-z0-9-]{1,36})");

    private final KeycloakSession session;

    JourneyAdminListener(KeycloakSession session) {
        this.session = session;
    }

    /** What an admin event means for the journey; decided from the event alone. */
    enum Meaning { CREATED, UPDATED, NONE }

    static Meaning meaning(ResourceType type, OperationType operation, String path, String error) {
        if (type != ResourceType.USER || error != null || path == null || !USER_PATH.matcher(path).matches()) {
            return Meaning.NONE;
        }
        return switch (operation) {
            case CREATE -> Meaning.CREATED;
            case UPDATE -> Meaning.UPDATED;
            default -> Meaning.NONE;
        };
    }

    @Override
    public void onEvent(Event event) {
        // The merchant's own steps are the journey's classes' business.
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        Meaning meaning = meaning(event.getResourceType(), event.getOperationType(), event.getResourcePath(), event.getError());
        if (meaning == Meaning.NONE) {
            return;
        }
        RealmModel realm = session.getContext().getRealm();
        if (realm == null || !realm.getId().equals(event.getRealmId())) {
            return;
        }
        String userId = event.getResourcePath().substring("users/".length());
        UserModel user = session.users().getUserById(realm, userId);
        if (user == null) {
            return; // made in another transaction than this request's (a partial import): not the console's "Create user"
        }
        AdminLinks links = AdminLinks.of(session);
        if (meaning == Meaning.CREATED) {
            if (InviteSettings.of(realm).inviteFromConsole() && links.invitable(user)) {
                AdminLinks.Outcome outcome = links.invite(user);
                LOG.debugf("merchant %s created by an admin in realm %s: invite %s", userId, realm.getName(), outcome.result());
            }
            return;
        }
        if (MerchantAccount.isUnfinished(user) && !carriedTheActionBefore(realm, userId)) {
            MerchantAccount.markAwaitingPassword(user);
            AdminLinks.Outcome outcome = links.newLink(user);
            LOG.debugf("required action %s added to merchant %s in realm %s: new link %s", MerchantAccount.CREATE_PASSWORD_ACTION,
                    userId, realm.getName(), outcome.result());
        }
    }

    /**
     * Whether the account carried {@code merchant-create-password} before this request: read as committed, in a
     * transaction of its own (this request's own changes are not visible there), so saving a waiting merchant's
     * details again sends nothing.
     */
    private boolean carriedTheActionBefore(RealmModel realm, String userId) {
        return KeycloakModelUtils.runJobInTransactionWithResult(session.getKeycloakSessionFactory(), other -> {
            RealmModel committed = other.realms().getRealm(realm.getId());
            if (committed == null) {
                return false;
            }
            other.getContext().setRealm(committed);
            UserModel before = other.users().getUserById(committed, userId);
            return before != null && before.getRequiredActionsStream().anyMatch(MerchantAccount.CREATE_PASSWORD_ACTION::equals);
        });
    }

    @Override
    public void close() {
    }

    public static class Factory implements EventListenerProviderFactory, StatelessProviderFactory<EventListenerProvider> {

        @Override
        public String getId() {
            return PROVIDER_ID;
        }

        @Override
        public EventListenerProvider create(KeycloakSession session) {
            return new JourneyAdminListener(session);
        }
    }
}
