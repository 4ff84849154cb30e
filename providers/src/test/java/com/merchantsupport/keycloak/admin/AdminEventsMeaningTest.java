package com.merchantsupport.keycloak.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.merchantsupport.keycloak.admin.JourneyAdminListener.Meaning;
import com.merchantsupport.keycloak.journey.FlowSettings;
import org.junit.jupiter.api.Test;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;

class AdminEventsMeaningTest {

    private static final String ID = "0b7c7e8e-2c5d-4f3e-9a43-2f1f4c1e5d6a";

    @Test
    void onlyACreatedOrSavedUserItselfMeansSomethingToTheJourney() {
        assertEquals(Meaning.CREATED, JourneyAdminListener.meaning(ResourceType.USER, OperationType.CREATE, "users/" + ID, null));
        assertEquals(Meaning.UPDATED, JourneyAdminListener.meaning(ResourceType.USER, OperationType.UPDATE, "users/" + ID, null));
        // Its credentials, groups, the execute-actions email, a failed request, another resource: nothing.
        assertEquals(Meaning.NONE, JourneyAdminListener.meaning(ResourceType.USER, OperationType.ACTION, "users/" + ID + "/execute-actions-email", null));
        assertEquals(Meaning.NONE, JourneyAdminListener.meaning(ResourceType.USER, OperationType.ACTION, "users/" + ID + "/reset-password", null));
        assertEquals(Meaning.NONE, JourneyAdminListener.meaning(ResourceType.GROUP_MEMBERSHIP, OperationType.CREATE, "users/" + ID + "/groups/x", null));
        assertEquals(Meaning.NONE, JourneyAdminListener.meaning(ResourceType.USER, OperationType.DELETE, "users/" + ID, null));
        assertEquals(Meaning.NONE, JourneyAdminListener.meaning(ResourceType.USER, OperationType.CREATE, "users/" + ID, "some_error"));
        assertEquals(Meaning.NONE, JourneyAdminListener.meaning(ResourceType.CLIENT, OperationType.CREATE, "clients/" + ID, null));
        assertEquals(Meaning.NONE, JourneyAdminListener.meaning(ResourceType.USER, OperationType.CREATE, null, null));
    }

    @Test
    void invitesAreOnUnlessTheAdminSwitchedThemOff() {
        assertTrue(InviteSettings.from(FlowSettings.of(Map.of())).inviteFromConsole());
        assertTrue(InviteSettings.from(FlowSettings.of(Map.of(InviteSettings.INVITE_FROM_CONSOLE, "yes please"))).inviteFromConsole());
        assertFalse(InviteSettings.from(FlowSettings.of(Map.of(InviteSettings.INVITE_FROM_CONSOLE, "false"))).inviteFromConsole());
        assertEquals(InviteSettings.DEFAULT_INVITE_CLIENT, InviteSettings.from(FlowSettings.of(Map.of())).linkClientId());
        assertTrue(InviteSettings.configProperties().stream().allMatch(p -> p.getHelpText() != null && !p.getHelpText().isBlank()));
    }

    @Test
    void eachStepKeepsItsLastTimeAndRefusalsAreNotSteps() {
        List<Map<String, Object>> events = List.of(
                event(1000, "REGISTER", null, null),
                event(2000, "SEND_VERIFY_EMAIL", "welcome-email-sent", null),
                event(3000, "SEND_VERIFY_EMAIL", "welcome-email-resent", "too_many_emails"),
                event(4000, "SEND_VERIFY_EMAIL", "welcome-email-sent", null),
                event(5000, "UPDATE_CREDENTIAL", "password-created", null));

        Map<String, Object> steps = MerchantJourneyResource.steps(events);

        assertEquals(List.of("register", "welcome-email-sent", "password-created"), List.copyOf(steps.keySet()));
        assertEquals(4000L, steps.get("welcome-email-sent"));
    }

    private static Map<String, Object> event(long time, String type, String step, String error) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("time", time);
        event.put("type", type);
        if (step != null) {
            event.put("step", step);
        }
        if (error != null) {
            event.put("error", error);
        }
        return event;
    }
}
