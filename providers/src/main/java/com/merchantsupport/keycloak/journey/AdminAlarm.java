package com.merchantsupport.keycloak.journey;

import java.util.Map;
import java.util.Objects;

import org.keycloak.common.util.Time;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventStoreProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.AuthDetails;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * How the pack tells a realm's admins that something needs them: an admin event (Realm settings → Events → Admin
 * events, when admin events are stored, and every event listener of the realm), with an error code and details.
 */
public final class AdminAlarm {

    private AdminAlarm() {
    }

    public static void raise(KeycloakSession session, RealmModel realm, String resourcePath, String error, Map<String, String> details) {
        AdminEvent event = new AdminEvent();
        event.setTime(Time.currentTimeMillis());
        event.setRealmId(realm.getId());
        AuthDetails auth = new AuthDetails();
        auth.setRealmId(realm.getId());
        auth.setIpAddress(session.getContext().getConnection().getRemoteAddr());
        event.setAuthDetails(auth);
        event.setOperationType(OperationType.ACTION);
        event.setResourceType(ResourceType.REALM);
        event.setResourcePath(resourcePath);
        event.setError(error);
        event.setDetails(details);
        if (realm.isAdminEventsEnabled()) {
            session.getProvider(EventStoreProvider.class).onEvent(event, false);
        }
        realm.getEventsListenersStream()
                .map(id -> session.getProvider(EventListenerProvider.class, id))
                .filter(Objects::nonNull)
                .forEach(listener -> listener.onEvent(event, false));
    }
}
