package com.merchantsupport.it.support;

import java.util.HashMap;
import java.util.Map;

import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.RealmRepresentation;

/** The realm's mail server moved for a while, as an admin would in the console's Email tab. */
public final class RealmSmtp {

    private RealmSmtp() {
    }

    /** The realm's SMTP port set to {@code port} until closed ("1": nothing listens, every send fails at once). */
    public static AutoCloseable port(RealmResource realm, String port) {
        RealmRepresentation rep = realm.toRepresentation();
        Map<String, String> smtp = new HashMap<>(rep.getSmtpServer());
        Map<String, String> changed = new HashMap<>(smtp);
        changed.put("port", port);
        rep.setSmtpServer(changed);
        realm.update(rep);
        return () -> {
            RealmRepresentation back = realm.toRepresentation();
            back.setSmtpServer(smtp);
            realm.update(back);
        };
    }
}
