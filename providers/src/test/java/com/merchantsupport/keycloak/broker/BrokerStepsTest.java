package com.merchantsupport.keycloak.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import com.merchantsupport.keycloak.broker.FinishSignInAuthenticator.AccountState;
import org.junit.jupiter.api.Test;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.provider.ProviderConfigProperty;

class BrokerStepsTest {

    private static final List<BrokerStepFactory> FACTORIES = List.of(new LinkVerifiedEmailAuthenticator.Factory(),
            new FinishSignInAuthenticator.Factory(), new VerifiedEmailLinkAuthenticator.Factory());

    @Test
    void theDeployedIdStaysBesideTheTwoNewOnes() {
        assertEquals(List.of("merchant-idp-link-verified-email", "merchant-idp-finish-sign-in", "merchant-verified-email-link"),
                FACTORIES.stream().map(BrokerStepFactory::getId).toList());
        assertEquals(3, FACTORIES.stream().map(BrokerStepFactory::getDisplayType).distinct().count(), "told apart in the console");
        FACTORIES.forEach(f -> assertTrue(f.getDisplayType().startsWith("Merchant Support: "), f.getDisplayType()));
    }

    @Test
    void everyStepOffersTheSameSettingsSoTheFlowsCanShareOneConfiguration() {
        for (BrokerStepFactory factory : FACTORIES) {
            List<ProviderConfigProperty> properties = factory.getConfigProperties();
            assertTrue(factory.isConfigurable());
            assertEquals(List.of(BrokerSettings.ALLOWED_HOSTED_DOMAINS, BrokerSettings.REQUIRE_EMAIL_VERIFIED_CLAIM),
                    properties.stream().map(ProviderConfigProperty::getName).toList(), factory.getId());
            assertEquals(ProviderConfigProperty.MULTIVALUED_STRING_TYPE, properties.get(0).getType());
            assertEquals(ProviderConfigProperty.BOOLEAN_TYPE, properties.get(1).getType());
            assertEquals("true", properties.get(1).getDefaultValue());
            properties.forEach(p -> assertFalse(p.getHelpText() == null || p.getHelpText().isBlank(), p.getName()));
        }
    }

    @Test
    void theFirstLoginStepCanBeAnAlternativeThePostLoginStepOnlyRequired() {
        assertEquals(List.of(Requirement.ALTERNATIVE, Requirement.REQUIRED, Requirement.DISABLED),
                List.of(new LinkVerifiedEmailAuthenticator.Factory().getRequirementChoices()));
        assertEquals(List.of(Requirement.REQUIRED, Requirement.DISABLED),
                List.of(new FinishSignInAuthenticator.Factory().getRequirementChoices()));
        assertEquals(List.of(Requirement.ALTERNATIVE, Requirement.REQUIRED, Requirement.DISABLED),
                List.of(new VerifiedEmailLinkAuthenticator.Factory().getRequirementChoices()), "as it was before the split");
    }

    @Test
    void theFlowIsKnownByKeycloaksPathOnly() {
        assertEquals(BrokerFlow.FIRST_LOGIN, BrokerFlow.atPath("first-broker-login"));
        assertEquals(BrokerFlow.POST_LOGIN, BrokerFlow.atPath("post-broker-login"));
        assertNull(BrokerFlow.atPath("authenticate"));
        assertNull(BrokerFlow.atPath("registration"));
        assertNull(BrokerFlow.atPath(null));
    }

    @Test
    void onlyAnAccountTheFirstLoginCreatedOrAnUnfinishedOneLinkedJustNowIsFinished() {
        // of(afterFirstLogin, createdByFirstLogin, emailProven, unfinished, linkUnvouched)
        assertEquals(AccountState.CREATED_NOW, AccountState.of(true, true, true, false, false));
        assertEquals(AccountState.CREATED_NOW, AccountState.of(true, true, true, true, false));
        assertEquals(AccountState.LINKED_UNFINISHED, AccountState.of(true, false, true, true, false));
        assertEquals(AccountState.ESTABLISHED, AccountState.of(true, false, true, false, false));
        assertEquals(AccountState.ESTABLISHED, AccountState.of(false, false, true, true, false), "a later sign-in changes nothing");
        assertEquals(AccountState.ESTABLISHED, AccountState.of(false, true, true, false, false));
    }

    @Test
    void aNewAccountWhoseEmailTheProviderDidNotVouchForIsNotFinished() {
        assertEquals(AccountState.CREATED_UNPROVEN, AccountState.of(true, true, false, false, false));
        assertEquals(AccountState.CREATED_UNPROVEN, AccountState.of(true, true, false, true, true));
        // Linking to an existing account is the linking rule's or Keycloak's verification's business, never unproven here.
        assertEquals(AccountState.LINKED_UNFINISHED, AccountState.of(true, false, false, true, false));
        assertEquals(AccountState.ESTABLISHED, AccountState.of(true, false, false, false, true), "a link made just now is not the old one");
    }

    @Test
    void aLaterSignInThroughAnUnvouchedLinkIsRefusedWhateverTheAccount() {
        assertEquals(AccountState.LINK_UNVOUCHED, AccountState.of(false, false, true, false, true));
        assertEquals(AccountState.LINK_UNVOUCHED, AccountState.of(false, false, true, true, true));
        assertEquals(AccountState.LINK_UNVOUCHED, AccountState.of(false, true, false, false, true), "a stale note changes nothing");
    }

    @Test
    void settingsReadAsTheConsoleStoresThem() {
        BrokerSettings defaults = BrokerSettings.of(null);
        assertTrue(defaults.requireEmailVerifiedClaim());
        assertFalse(defaults.hostedDomains().restricts());

        AuthenticatorConfigModel config = new AuthenticatorConfigModel();
        config.setConfig(Map.of(BrokerSettings.ALLOWED_HOSTED_DOMAINS, "a.test##b.test", BrokerSettings.REQUIRE_EMAIL_VERIFIED_CLAIM, "false"));
        BrokerSettings set = BrokerSettings.of(config);
        assertFalse(set.requireEmailVerifiedClaim());
        assertTrue(set.hostedDomains().allows("B.test"));
        assertFalse(set.hostedDomains().allows("c.test"));

        config.setConfig(Map.of(BrokerSettings.REQUIRE_EMAIL_VERIFIED_CLAIM, "not a boolean"));
        assertTrue(BrokerSettings.of(config).requireEmailVerifiedClaim(), "anything but false keeps the safe default");
    }
}
