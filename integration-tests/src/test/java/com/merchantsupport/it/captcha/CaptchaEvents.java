package com.merchantsupport.it.captcha;

import java.util.ArrayList;
import java.util.List;

import org.keycloak.representations.idm.EventRepresentation;
import org.keycloak.testframework.events.Events;

/** Reads the login events of the current test until one of the given type shows up. */
final class CaptchaEvents {

    private CaptchaEvents() {
    }

    static EventRepresentation next(Events events, String type) {
        List<String> seen = new ArrayList<>();
        for (int attempt = 0; attempt < 20; attempt++) {
            EventRepresentation event;
            while ((event = events.poll()) != null) {
                if (type.equals(event.getType())) {
                    return event;
                }
                seen.add(event.getType());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("no " + type + " event; saw " + seen);
    }
}
