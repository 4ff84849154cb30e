package com.merchantsupport.helpcenter;

/**
 * A request that ends on an error page. The title and detail are shown to the user,
 * so they must never carry secrets or stack traces.
 */
public final class HttpFailure extends RuntimeException {

    private final int status;
    private final String title;

    private HttpFailure(int status, String title, String detail, Throwable cause) {
        super(detail, cause);
        this.status = status;
        this.title = title;
    }

    /** The browser brought something we cannot accept (wrong state, Keycloak error, ...). */
    public static HttpFailure badRequest(String title, String detail) {
        return new HttpFailure(400, title, detail, null);
    }

    /** Keycloak could not be reached or answered something we cannot accept. */
    public static HttpFailure badGateway(String title, String detail, Throwable cause) {
        return new HttpFailure(502, title, detail, cause);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }
}
