package com.merchantsupport.keycloak.admin;

import jakarta.ws.rs.QueryParam;
import com.merchantsupport.keycloak.funnel.JourneyFunnel;
import com.merchantsupport.keycloak.funnel.FunnelDays;
import java.time.temporal.ChronoUnit;
import java.time.format.DateTimeParseException;
import java.time.ZoneOffset;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.merchantsupport.keycloak.journey.MerchantAccount;
import com.merchantsupport.keycloak.journey.MerchantErrors;
import com.merchantsupport.keycloak.journey.StatelessProviderFactory;
import com.merchantsupport.keycloak.outbox.JourneyOutbox;
import com.merchantsupport.keycloak.welcome.WelcomeLink;
import com.merchantsupport.keycloak.welcome.WelcomeMail;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.events.Event;
import org.keycloak.events.EventStoreProvider;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * {@code /admin/realms/{realm}/merchant-journey}: where a merchant is, for scripts and support tools, and a new
 * welcome link on request. Keycloak authenticates the caller (401 without a token); reading needs {@code view-users}
 * on the account, acting {@code manage-users} (403 otherwise); an account of another realm, or none, is 404. Every
 * answer is JSON.
 *
 * <p>{@code GET funnel}: the realm's sign-up funnel from the pack's daily totals ({@code view-users} on the realm).
 */
public class MerchantJourneyResource {

    /** The newest events read for a merchant: a journey is a dozen; an account attacked for a month is not. */
    static final int MAX_EVENTS = 200;

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;

    MerchantJourneyResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent.resource(ResourceType.USER);
    }

    /** The merchant's step, the time of each step, the welcome link's state, the emails waiting in the outbox. */
    @GET
    @Path("users/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response merchant(@PathParam("id") String id) {
        UserModel user = user(id);
        if (user == null) {
            return notFound();
        }
        auth.users().requireView(user);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", user.getId());
        answer.put("email", user.getEmail());
        answer.put("step", step(user));
        answer.put(MerchantAccount.JOURNEY_ATTRIBUTE, user.getFirstAttribute(MerchantAccount.JOURNEY_ATTRIBUTE));
        answer.put("emailVerified", user.isEmailVerified());
        answer.put("createdAt", user.getCreatedTimestamp());
        List<Map<String, Object>> events = events(user);
        answer.put("steps", steps(events));
        answer.put("events", events);
        answer.put("link", link(WelcomeLink.of(session).live(user)));
        answer.put("queuedEmails", JourneyOutbox.of(session).queuedFor(user.getId()));
        return Response.ok(answer, MediaType.APPLICATION_JSON_TYPE).build();
    }

    /**
     * A new welcome link (every older one replaced), within the send limits: 202 once queued, 429 with
     * {@code Retry-After} when a limit refused it, 409 when the account waits for no link. An admin event each time.
     */
    @POST
    @Path("users/{id}/welcome-link")
    @Produces(MediaType.APPLICATION_JSON)
    public Response newLink(@PathParam("id") String id) {
        UserModel user = user(id);
        if (user == null) {
            return notFound();
        }
        auth.users().requireManage(user);
        AdminLinks.Outcome outcome = AdminLinks.of(session).newLinkAsked(user);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("result", outcome.result().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        AdminEventBuilder event = adminEvent.clone(session).operation(OperationType.ACTION)
                .resourcePath(session.getContext().getUri())
                .detail(WelcomeMail.STEP_DETAIL, AdminLinks.NEW_LINK_STEP)
                .detail("result", (String) answer.get("result"));
        Response.ResponseBuilder response;
        switch (outcome.result()) {
            case SENT -> {
                answer.put("link", link(WelcomeLink.of(session).live(user)));
                response = Response.accepted();
            }
            case LIMITED -> {
                answer.put("error", MerchantErrors.TOO_MANY_EMAILS);
                answer.put("retryAfterSeconds", outcome.retryAfterSeconds());
                event.getEvent().setError(MerchantErrors.TOO_MANY_EMAILS);
                response = Response.status(Response.Status.TOO_MANY_REQUESTS).header(HttpHeaders.RETRY_AFTER, outcome.retryAfterSeconds());
            }
            default -> {
                answer.put("error", "not_waiting_for_a_link");
                answer.put("step", step(user));
                event.getEvent().setError("not_waiting_for_a_link");
                response = Response.status(Response.Status.CONFLICT);
            }
        }
        event.representation(answer).success();
        return response.entity(answer).type(MediaType.APPLICATION_JSON_TYPE).build();
    }

    /** Where the account stands: waiting at "Create your password", done, or not on the journey (no link wanted). */
    static String step(UserModel user) {
        if (MerchantAccount.isComplete(user)) {
            return MerchantAccount.COMPLETED;
        }
        return MerchantAccount.isUnfinished(user) ? MerchantAccount.AWAITING_PASSWORD : "not-waiting";
    }

    /** The account of this realm, or null: an unknown id, another realm's, or not an id at all. */
    private UserModel user(String id) {
        if (id == null || id.isEmpty() || id.length() > 255 || id.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            return null;
        }
        UserModel user = session.users().getUserById(realm, id);
        if (user == null && !auth.users().canQuery()) {
            // As Keycloak's own users resource: a caller who may not list users cannot probe ids.
            throw new jakarta.ws.rs.ForbiddenException();
        }
        return user;
    }

    /**
     * The realm's funnel from the pack's daily totals (UTC days, {@code from} and {@code to} included; the last 30 days
     * by default, at most 366): the count of each step, and each step's counts by reason and provider. Reading the
     * realm's numbers needs {@code view-users}.
     */
    @GET
    @Path("funnel")
    @Produces(MediaType.APPLICATION_JSON)
    public Response funnel(@QueryParam("from") String from, @QueryParam("to") String to) {
        auth.users().requireView();
        LocalDate today = LocalDate.ofInstant(java.time.Instant.ofEpochMilli(org.keycloak.common.util.Time.currentTimeMillis()), ZoneOffset.UTC);
        LocalDate end;
        LocalDate start;
        try {
            end = to == null || to.isBlank() ? today : LocalDate.parse(to.strip());
            start = from == null || from.isBlank() ? end.minusDays(29) : LocalDate.parse(from.strip());
        } catch (DateTimeParseException bad) {
            return badRange("from and to are UTC days written 2026-12-02");
        }
        if (start.isAfter(end)) {
            return badRange("from is after to");
        }
        if (ChronoUnit.DAYS.between(start, end) >= FunnelDays.MAX_DAYS) {
            return badRange("at most " + FunnelDays.MAX_DAYS + " days at once");
        }
        List<FunnelDays.Row> rows = FunnelDays.report(session, realm.getId(), start, end);
        Map<String, Long> steps = new LinkedHashMap<>();
        for (JourneyFunnel.Step step : JourneyFunnel.Step.values()) {
            steps.put(step.id(), 0L);
        }
        rows.forEach(row -> steps.merge(row.step(), row.count(), Long::sum));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("realm", realm.getName());
        answer.put("from", start.toString());
        answer.put("to", end.toString());
        answer.put("steps", steps);
        answer.put("rows", rows.stream().map(row -> {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("step", row.step());
            one.put("reason", row.reason());
            one.put("provider", row.provider());
            one.put("count", row.count());
            return one;
        }).toList());
        return Response.ok(answer).build();
    }

    private static Response badRange(String why) {
        return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", "invalid_range", "error_description", why)).build();
    }

    private static Response notFound() {
        return Response.status(Response.Status.NOT_FOUND).entity(Map.of("error", "User not found"))
                .type(MediaType.APPLICATION_JSON_TYPE).build();
    }

    /** The account's events, oldest first (the newest {@link #MAX_EVENTS}), as the console's Events tab lists them. */
    private List<Map<String, Object>> events(UserModel user) {
        EventStoreProvider store = session.getProvider(EventStoreProvider.class);
        List<Map<String, Object>> events = new ArrayList<>();
        if (store == null) {
            return events;
        }
        store.createQuery().realm(realm.getId()).user(user.getId()).orderByDescTime().maxResults(MAX_EVENTS)
                .getResultStream().forEach(e -> events.add(0, event(e)));
        return events;
    }

    private static Map<String, Object> event(Event e) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("time", e.getTime());
        event.put("type", e.getType().name());
        String step = e.getDetails() == null ? null : e.getDetails().get(WelcomeMail.STEP_DETAIL);
        if (step != null) {
            event.put("step", step);
        }
        if (e.getError() != null) {
            event.put("error", e.getError());
        }
        if (e.getClientId() != null) {
            event.put("clientId", e.getClientId());
        }
        return event;
    }

    /**
     * The time of each step the merchant took (the last time, if taken again): its {@code merchant_step}, or the event's
     * type for Keycloak's own steps ({@code register}, {@code login}); refusals are in {@code events}, not here.
     */
    static Map<String, Object> steps(List<Map<String, Object>> events) {
        Map<String, Object> steps = new LinkedHashMap<>();
        for (Map<String, Object> event : events) {
            if (event.containsKey("error")) {
                continue;
            }
            String name = event.containsKey("step") ? (String) event.get("step") : ((String) event.get("type")).toLowerCase(Locale.ROOT);
            steps.remove(name);
            steps.put(name, event.get("time"));
        }
        return steps;
    }

    private static Map<String, Object> link(WelcomeLink.Live live) {
        Map<String, Object> link = new LinkedHashMap<>();
        link.put("state", live.state() == null ? "none" : live.state().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        link.put("generation", live.generation());
        link.put("spentGeneration", live.spentGeneration());
        link.put("issuedAt", live.issuedAt());
        link.put("expiresAt", live.expiresAt());
        return link;
    }

    /** Registers the resource under the realm's admin API. */
    public static class Factory implements AdminRealmResourceProviderFactory, AdminRealmResourceProvider,
            StatelessProviderFactory<AdminRealmResourceProvider> {

        public static final String PROVIDER_ID = "merchant-journey";

        @Override
        public String getId() {
            return PROVIDER_ID;
        }

        @Override
        public AdminRealmResourceProvider create(KeycloakSession session) {
            return this;
        }

        @Override
        public Object getResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {
            return new MerchantJourneyResource(session, realm, auth, adminEvent);
        }

        @Override
        public void close() {
        }
    }
}
