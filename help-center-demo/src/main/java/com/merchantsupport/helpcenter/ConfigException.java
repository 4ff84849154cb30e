package com.merchantsupport.helpcenter;

/** A setting is missing or malformed; the message is meant for the person starting the app. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
