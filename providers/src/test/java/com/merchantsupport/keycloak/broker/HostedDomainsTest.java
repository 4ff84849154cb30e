package com.merchantsupport.keycloak.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;

import org.junit.jupiter.api.Test;

class HostedDomainsTest {

    @Test
    void anEmptySettingAllowsEveryAccountPersonalOrNot() {
        for (String setting : new String[] {null, "", "  ", "##", " , "}) {
            HostedDomains any = HostedDomains.parse(setting);
            assertFalse(any.restricts(), "'" + setting + "'");
            assertTrue(any.allows(null));
            assertTrue(any.allows("example.com"));
        }
    }

    @Test
    void listedDomainsMatchExactlyIgnoringCaseSpacesAndATrailingDot() {
        HostedDomains allowed = HostedDomains.parse(" Example.com ##shop.example.org,  other.test ");

        assertEquals(Set.of("example.com", "shop.example.org", "other.test"), allowed.domains());
        assertTrue(allowed.allows("example.com"));
        assertTrue(allowed.allows("EXAMPLE.COM"));
        assertTrue(allowed.allows(" example.com. "));
        assertTrue(allowed.allows("other.test"));
    }

    @Test
    void notASubdomainNorASuffixNorAPersonalAccount() {
        HostedDomains allowed = HostedDomains.parse("example.com");

        assertFalse(allowed.allows("sub.example.com"));
        assertFalse(allowed.allows("evil-example.com"));
        assertFalse(allowed.allows("example.com.evil.test"));
        assertFalse(allowed.allows("com"));
        assertFalse(allowed.allows(null), "personal account: no hd claim");
        assertFalse(allowed.allows("  "));
    }

    @Test
    void aStarAllowsAnyWorkspaceAccountButNoPersonalOne() {
        HostedDomains workspace = HostedDomains.parse("*");

        assertTrue(workspace.restricts());
        assertTrue(workspace.allows("anything.test"));
        assertFalse(workspace.allows(null));
        assertFalse(workspace.allows(""));
    }
}
