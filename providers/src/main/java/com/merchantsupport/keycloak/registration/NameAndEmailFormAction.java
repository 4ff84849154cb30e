package com.merchantsupport.keycloak.registration;

import com.merchantsupport.keycloak.funnel.JourneyFunnel;
import java.util.List;
import java.util.Locale;

import com.merchantsupport.keycloak.journey.MerchantAccount;
import com.merchantsupport.keycloak.journey.StatelessProviderFactory;
import com.merchantsupport.keycloak.limits.JourneyLimits;
import com.merchantsupport.keycloak.welcome.WelcomeLink;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import org.keycloak.authentication.FormAction;
import org.keycloak.authentication.FormActionFactory;
import org.keycloak.authentication.FormContext;
import org.keycloak.authentication.ValidationContext;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.services.messages.Messages;
import org.keycloak.services.validation.Validation;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.userprofile.UserProfile;
import org.keycloak.userprofile.UserProfileContext;
import org.keycloak.userprofile.UserProfileProvider;
import org.keycloak.userprofile.ValidationException;

/**
 * The registration form's name and email, in place of Keycloak's "Registration User Profile Creation":
 * no password, no username, and an email that already has an account is not an error on the form but a
 * page of its own (see {@link CheckYourMailboxAuthenticator}).
 */
public class NameAndEmailFormAction implements FormAction {

    public static final String PROVIDER_ID = "merchant-name-and-email";

    @Override
    public void buildPage(FormContext context, LoginFormsProvider form) {
        form.setAttribute("journeyStep", "connect");
    }

    @Override
    public void validate(ValidationContext context) {
        MultivaluedMap<String, String> formData = normalized(context.getHttpRequest().getDecodedFormParameters());
        String email = formData.getFirst(NameAndEmailRules.FIELD_EMAIL);
        context.getEvent().detail(Details.REGISTER_METHOD, "form").detail(Details.EMAIL, email);
        JourneyFunnel.of(context.getSession()).count(JourneyFunnel.Step.REGISTRATION_SUBMITTED);

        List<FormMessage> errors = NameAndEmailRules.check(formData.getFirst(NameAndEmailRules.FIELD_NAME), email);
        if (!errors.isEmpty()) {
            refuse(context, formData, errors);
            return;
        }

        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        authSession.removeAuthNote(RegistrationNotes.EXISTING_ACCOUNT);
        authSession.removeAuthNote(RegistrationNotes.MAILBOX_SHOWN);
        authSession.removeAuthNote(RegistrationNotes.ALREADY_USED_SHOWN);
        authSession.removeAuthNote(RegistrationNotes.LIMITED);
        authSession.removeAuthNote(RegistrationNotes.WELCOME_COUNTED);
        authSession.setAuthNote(RegistrationNotes.EMAIL, email);

        // The whole form is checked before the address is looked up, so a bad name gets the same form error
        // whether or not the address has an account (the only difference would tell who has one).
        boolean taken = context.getRealm().isDuplicateEmailsAllowed();
        try {
            UserProfile profile = profile(context, formData);
            profile.validate();
            context.getSession().setAttribute(VALIDATED_PROFILE, profile);
        } catch (ValidationException invalid) {
            List<FormMessage> others = Validation.getFormErrorsFromValidation(invalid.getErrors().stream()
                    .filter(error -> !ALREADY_TAKEN.contains(error.getMessage())).toList());
            if (!others.isEmpty()) {
                refuse(context, formData, others);
                return;
            }
            taken = true;
        }
        // The profile's own duplicate check already looked the address up: a new address costs no second query.
        UserModel existing = taken ? context.getSession().users().getUserByEmail(context.getRealm(), email) : null;
        if (existing != null) {
            // Not a form error: the next step shows the merchant what to do with the existing account.
            authSession.setAuthNote(RegistrationNotes.EXISTING_ACCOUNT, existing.getId());
        }
        context.success();
    }

    /**
     * The profile {@link #validate} found valid, kept for the request so {@link #success} creates the account without
     * validating it a second time (as Keycloak's own registration does; the second pass was a tenth of the submit's CPU).
     * A racer for the same address is still caught: the address's welcome emails a minute (one by default) admit one
     * sign-up at a time, and the account's username is its email, which the database's unique key refuses a second
     * time as the account is inserted ({@code ModelDuplicateException} below).
     */
    private static final String VALIDATED_PROFILE = NameAndEmailFormAction.class.getName() + ".validated";

    /** The user profile's answers for an address or username that has an account: "already used", not an error. */
    private static final java.util.Set<String> ALREADY_TAKEN = java.util.Set.of(Messages.EMAIL_EXISTS, Messages.USERNAME_EXISTS);

    private static void refuse(ValidationContext context, MultivaluedMap<String, String> formData, List<FormMessage> errors) {
        context.getEvent().detail(Details.REASON, NameAndEmailRules.reason(errors));
        context.error(Errors.INVALID_REGISTRATION);
        context.validationError(formData, errors);
    }

    @Override
    public void success(FormContext context) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        MultivaluedMap<String, String> formData = normalized(context.getHttpRequest().getDecodedFormParameters());
        String email = formData.getFirst(NameAndEmailRules.FIELD_EMAIL);
        boolean newAddress = authSession.getAuthNote(RegistrationNotes.EXISTING_ACCOUNT) == null;
        // Counted for new and existing addresses alike (a new one with its welcome email, in the same count);
        // a refusal makes nothing, the next step answers 429.
        JourneyLimits limits = JourneyLimits.of(context.getSession());
        JourneyLimits.Verdict signUp = newAddress ? limits.signUpWithWelcomeEmail(email) : limits.signUp();
        if (!signUp.allowed()) {
            authSession.removeAuthNote(RegistrationNotes.EXISTING_ACCOUNT);
            authSession.setAuthNote(RegistrationNotes.LIMITED, RegistrationNotes.limited(signUp));
            return;
        }
        if (!newAddress) {
            return;
        }
        RealmModel realm = context.getRealm();

        UserModel user;
        try {
            user = validatedProfile(context, formData).create();
        } catch (ModelDuplicateException | ValidationException raced) {
            // Two registrations of one email at once: the database keeps one account, the other merchant
            // is treated as "already used", never shown an error page. The loser learns it from the database
            // or, when the other account was committed after validate(), from create()'s own validation.
            if (raced instanceof ValidationException invalid && !invalid.hasError(Messages.EMAIL_EXISTS, Messages.USERNAME_EXISTS)) {
                throw invalid;
            }
            UserModel taken = context.getSession().users().getUserByEmail(realm, email);
            if (taken == null) {
                throw raced;
            }
            // Its welcome email, counted above, is counted again if the next step sends one: rare, and never too few.
            authSession.setAuthNote(RegistrationNotes.EXISTING_ACCOUNT, taken.getId());
            return;
        }
        user.setEnabled(true);
        user.setEmailVerified(false);
        rememberLocale(context, user);
        MerchantAccount.markAwaitingPassword(user);
        WelcomeLink.of(context.getSession()).accountCreated(user);
        authSession.setAuthNote(RegistrationNotes.NEW_ACCOUNT, user.getId());
        authSession.setAuthNote(RegistrationNotes.WELCOME_COUNTED, user.getId());

        context.getEvent().user(user)
                .detail(Details.USERNAME, user.getUsername())
                .detail(Details.EMAIL, email)
                .detail(Details.REGISTER_METHOD, "form")
                .detail("merchant_mode", "new")
                .success();
    }

    /** The language of the pages the merchant used: the welcome email speaks it too. */
    private static void rememberLocale(FormContext context, UserModel user) {
        Locale locale = context.getSession().getContext().resolveLocale(user);
        if (locale != null && context.getRealm().getSupportedLocalesStream().anyMatch(locale.toLanguageTag()::equals)) {
            user.setSingleAttribute(UserModel.LOCALE, locale.toLanguageTag());
        }
    }

    private static UserProfile validatedProfile(FormContext context, MultivaluedMap<String, String> formData) {
        Object validated = context.getSession().getAttribute(VALIDATED_PROFILE);
        return validated instanceof UserProfile profile ? profile : profile(context, formData);
    }

    private static UserProfile profile(FormContext context, MultivaluedMap<String, String> formData) {
        return context.getSession().getProvider(UserProfileProvider.class).create(UserProfileContext.REGISTRATION, formData);
    }

    /** The form as the pack stores it: name trimmed, email trimmed and lower-cased, username = email. */
    static MultivaluedMap<String, String> normalized(MultivaluedMap<String, String> submitted) {
        MultivaluedMap<String, String> form = new MultivaluedHashMap<>();
        form.putSingle(NameAndEmailRules.FIELD_NAME, NameAndEmailRules.normalizeName(submitted.getFirst(NameAndEmailRules.FIELD_NAME)));
        String email = NameAndEmailRules.normalizeEmail(submitted.getFirst(NameAndEmailRules.FIELD_EMAIL));
        form.putSingle(NameAndEmailRules.FIELD_EMAIL, email);
        form.putSingle(UserModel.USERNAME, email);
        return form;
    }

    @Override
    public boolean requiresUser() {
        return false;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public void close() {
    }

    public static class Factory implements FormActionFactory, StatelessProviderFactory<FormAction> {

        private static final NameAndEmailFormAction INSTANCE = new NameAndEmailFormAction();

        @Override
        public String getId() {
            return PROVIDER_ID;
        }

        @Override
        public String getDisplayType() {
            return "Merchant Support: Name and email";
        }

        @Override
        public String getHelpText() {
            return "The merchant types a name and an email, nothing else. Creates the account without a password "
                    + "(the welcome email's link leads to creating one). An email that already has an account "
                    + "goes to the next step, 'Merchant Support: Check your mailbox', instead of a form error.";
        }

        @Override
        public String getReferenceCategory() {
            return null;
        }

        @Override
        public boolean isConfigurable() {
            return false;
        }

        @Override
        public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
            return new AuthenticationExecutionModel.Requirement[] {
                    AuthenticationExecutionModel.Requirement.REQUIRED, AuthenticationExecutionModel.Requirement.DISABLED};
        }

        @Override
        public boolean isUserSetupAllowed() {
            return false;
        }

        @Override
        public List<ProviderConfigProperty> getConfigProperties() {
            return List.of();
        }

        @Override
        public FormAction create(KeycloakSession session) {
            return INSTANCE;
        }
    }
}
