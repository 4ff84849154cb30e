package com.merchantsupport.keycloak.limits;

/** Which limit refused a request: the {@code reason} detail of its event, and what an admin can raise. */
public enum LimitReason {
    /** Too many accepted sign-ups from one network address. */
    ADDRESS_SIGN_UPS("address_sign_ups"),
    /** Too many journey emails triggered from one network address. */
    ADDRESS_EMAILS("address_emails"),
    /** Too many journey emails to one email address (the resend limits; the id predates the other limits). */
    RECIPIENT_EMAILS("resend_limit"),
    /** Too many "Forgot my password" emails asked from one network address. */
    ADDRESS_RESETS("address_resets"),
    /** Too many "Forgot my password" emails for one typed address. */
    ACCOUNT_RESETS("account_resets"),
    /** The realm's hourly budget of journey emails is spent. */
    REALM_BUDGET("realm_budget");

    private final String id;

    LimitReason(String id) {
        this.id = id;
    }

    /** The event's {@code reason} detail: scripts and dashboards count it, so it never changes. */
    public String id() {
        return id;
    }
}
