package com.merchantsupport.keycloak.limits;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

import org.keycloak.models.KeycloakSession;

/**
 * The network a request comes from, as the per-address limits count it: Keycloak's view of the remote address
 * (which honours the deployer's {@code --proxy-headers} and {@code --proxy-trusted-addresses}, and nothing else),
 * an IPv6 address grouped by its /64 (one customer's whole network), an IPv4-mapped address as IPv4.
 */
public final class ClientAddress {

    private ClientAddress() {
    }

    public static String of(KeycloakSession session) {
        return group(session.getContext().getConnection().getRemoteAddr());
    }

    static String group(String remoteAddr) {
        if (remoteAddr == null || remoteAddr.isBlank()) {
            return "unknown";
        }
        String address = remoteAddr.trim();
        if (address.indexOf(':') < 0) {
            return address;
        }
        if (address.startsWith("[") && address.endsWith("]")) {
            address = address.substring(1, address.length() - 1);
        }
        int zone = address.indexOf('%');
        if (zone >= 0) {
            address = address.substring(0, zone);
        }
        InetAddress parsed;
        try {
            // A literal with a colon is parsed, never looked up.
            parsed = InetAddress.getByName(address);
        } catch (UnknownHostException | SecurityException e) {
            return address.toLowerCase(Locale.ROOT);
        }
        byte[] bytes = parsed.getAddress();
        if (bytes.length == 4) {
            return parsed.getHostAddress();
        }
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
            prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
        }
        return prefix.append(":/64").toString();
    }
}
