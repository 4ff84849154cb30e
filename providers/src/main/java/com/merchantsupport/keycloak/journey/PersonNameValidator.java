package com.merchantsupport.keycloak.journey;

import java.util.List;
import java.util.Optional;

import org.keycloak.models.UserModel;
import org.keycloak.provider.ConfiguredProvider;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.userprofile.UserProfileAttributeValidationContext;
import org.keycloak.validate.AbstractStringValidator;
import org.keycloak.validate.ValidationContext;
import org.keycloak.validate.ValidationError;
import org.keycloak.validate.ValidatorConfig;

/**
 * {@link PersonNames}' rule as a validator of the user profile ({@code merchant-person-name}), so that the
 * registration form, the account console (account REST API) and the admin API refuse the same names. A value the
 * account already holds is not refused: an account named before the rule keeps its name (and is not sent to
 * Keycloak's "Verify profile" page at its next sign-in) until someone changes it.
 */
public class PersonNameValidator extends AbstractStringValidator implements ConfiguredProvider {

    public static final String ID = "merchant-person-name";

    @Override
    public String getId() {
        return ID;
    }

    @Override
    protected void doValidate(String value, String inputHint, ValidationContext context, ValidatorConfig config) {
        Optional<String> refusal = PersonNames.refusal(value);
        if (refusal.isPresent() && !alreadyTheAccounts(value, inputHint, context)) {
            context.addError(new ValidationError(ID, inputHint, refusal.get()));
        }
    }

    private static boolean alreadyTheAccounts(String value, String attribute, ValidationContext context) {
        if (!(context instanceof UserProfileAttributeValidationContext profile)) {
            return false;
        }
        UserModel user = profile.getAttributeContext().getUser();
        return user != null && user.getAttributeStream(attribute).anyMatch(value::equals);
    }

    @Override
    public String getHelpText() {
        return "Merchant Support: a person's name without control or invisible characters (bidi controls, zero-width "
                + "space...; zero-width joiners are allowed inside a word) and without a web address (://). A value the "
                + "account already has is kept.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return List.of();
    }
}
