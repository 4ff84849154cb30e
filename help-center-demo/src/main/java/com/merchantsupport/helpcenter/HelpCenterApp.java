package com.merchantsupport.helpcenter;

import io.javalin.util.JavalinBindException;

/** Entry point: {@code java -jar help-center-demo.jar}, configured by environment variables. */
public final class HelpCenterApp {

    private HelpCenterApp() {
    }

    public static void main(String[] args) {
        HelpCenterConfig config;
        try {
            config = HelpCenterConfig.fromEnv(System.getenv());
        } catch (ConfigException e) {
            System.err.println("help-center-demo: " + e.getMessage());
            System.exit(2);
            return;
        }
        HelpCenterServer server;
        try {
            server = HelpCenterServer.start(config);
        } catch (JavalinBindException e) {
            // Usually the port is taken: say which one instead of a stack trace.
            System.err.println("help-center-demo: cannot listen on port " + config.port() + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "help-center-shutdown"));
        System.out.println("help-center-demo: Merchant Support Center listening on port " + server.port()
                + ", open " + config.publicUrl() + "/ (issuer " + config.issuer()
                + ", client " + config.clientId() + ")");
    }
}
