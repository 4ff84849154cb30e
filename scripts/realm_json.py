#!/usr/bin/env python3
"""Writes realm-export/merchant-support-realm.json.

The realm file embeds the user profile as a JSON string (that is how Keycloak exports it); keeping the
source here as plain Python data makes it reviewable. Run it after editing, and commit both files:
    python3 scripts/realm_json.py
CI regenerates it (scripts/check-realm-json.sh) and fails when the committed JSON differs. An optional argument
writes elsewhere: python3 scripts/realm_json.py /tmp/realm.json
"""
import json, pathlib, sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def login_message(lang, key):
    """One message of the login theme's bundle (UTF-8, one key=value per line, as the pack writes them)."""
    bundle = ROOT / "themes" / "merchant-support" / "login" / "messages" / f"messages_{lang}.properties"
    for line in bundle.read_text(encoding="utf-8").splitlines():
        if line.startswith(key + "="):
            return line[len(key) + 1:]
    raise KeyError(f"{key} missing from {bundle}")

user_profile = {
    "unmanagedAttributePolicy": "ADMIN_VIEW",
    "attributes": [
        {"name": "username", "displayName": "${username}",
         "validations": {"length": {"min": 3, "max": 255}, "username-prohibited-characters": {}, "up-username-not-idn-homograph": {}},
         "permissions": {"view": ["admin", "user"], "edit": ["admin"]}, "multivalued": False},
        # The merchant's name as typed: it becomes the ID token's `name` claim, unchanged. merchant-person-name is the
        # pack's rule for names (journey/PersonNames): no control or invisible characters, no web address; on the
        # registration form, the account console and the admin API alike. A name an account had before the rule is kept.
        {"name": "name", "displayName": "${merchantNameLabel}",
         "required": {"roles": ["user"]},
         "validations": {"length": {"min": 1, "max": 255}, "merchant-person-name": {}},
         "annotations": {"inputTypeAutocomplete": "name"},
         "permissions": {"view": ["admin", "user"], "edit": ["admin", "user"]}, "multivalued": False},
        {"name": "email", "displayName": "${email}",
         "required": {"roles": ["user"]},
         "validations": {"email": {"max-local-length": 64}, "length": {"max": 254}},
         "annotations": {"inputType": "html5-email", "inputTypeAutocomplete": "email"},
         "permissions": {"view": ["admin", "user"], "edit": ["admin", "user"]}, "multivalued": False},
    ],
    "groups": [],
}

client_id = "merchant-support-center"

def execution(authenticator, requirement="REQUIRED", priority=10, config=None, flow_alias=None):
    e = {"authenticator": authenticator, "requirement": requirement, "priority": priority,
         "autheticatorFlow": flow_alias is not None, "authenticatorFlow": flow_alias is not None,
         "userSetupAllowed": False}
    if config:
        e["authenticatorConfig"] = config
    if flow_alias:
        e["flowAlias"] = flow_alias
    return e

# Sign-up: the form (name, email, captcha), then "check your mailbox". The welcome email's link and the
# merchant-create-password required action finish the journey.
authentication_flows = [
    {"alias": "merchant registration", "description": "Merchant Support sign-up: name, email, captcha, then check your mailbox.",
     "providerId": "basic-flow", "topLevel": True, "builtIn": False,
     "authenticationExecutions": [
         execution("registration-page-form", priority=10, flow_alias="merchant registration form"),
         execution("merchant-check-your-mailbox", priority=20, config="merchant check your mailbox"),
     ]},
    {"alias": "merchant registration form", "description": "The registration form's fields and captcha.",
     "providerId": "form-flow", "topLevel": False, "builtIn": False,
     "authenticationExecutions": [
         execution("merchant-name-and-email", priority=10),
         execution("merchant-captcha", priority=20, config="merchant captcha"),
     ]},
]

authenticator_config = [
    {"alias": "merchant check your mailbox",
     "config": {"alreadyUsedMode": "reveal", "welcomeLinkLifespanSeconds": "86400",
                "resendPerMinute": "1", "resendPerHour": "5", "someoneTriedPerHour": "3",
                # Per network address and realm-wide (issue #16); tests, benchmarks and load runs raise them in their copies.
                "addressSignUpsPer10Minutes": "10", "addressEmailsPerHour": "20", "realmEmailsPerHour": "1000",
                "captchaClimbAfterSignUps": "3",
                # Issue #19: a merchant an admin creates without a password gets the welcome email; its link ends at this client.
                "inviteFromConsole": "true", "inviteClientId": client_id}},
    {"alias": "merchant captcha",
     "config": {"captcha.provider": "altcha", "altcha.max.number": "100000", "altcha.expiry.seconds": "600"}},
]

def mapper(name, kind, config):
    return {"name": name, "protocol": "openid-connect", "protocolMapper": kind, "consentRequired": False, "config": config}

def claim(user_attribute, claim_name, json_type="String", kind="oidc-usermodel-attribute-mapper", access=True):
    return {"user.attribute": user_attribute, "claim.name": claim_name, "jsonType.label": json_type,
            "id.token.claim": "true", "access.token.claim": str(access).lower(), "userinfo.token.claim": "true",
            "introspection.token.claim": "true"}

def scope(name, description, mappers, include_in_token_scope=True, consent_text=None):
    attributes = {"include.in.token.scope": str(include_in_token_scope).lower(),
                  "display.on.consent.screen": "false" if consent_text is None else "true"}
    if consent_text:
        attributes["consent.screen.text"] = consent_text
    return {"name": name, "description": description, "protocol": "openid-connect",
            "attributes": attributes, "protocolMappers": mappers}

# The realm's client scopes, written out so that `profile` carries exactly what a help center reads:
# the merchant's name as typed and their locale (no given/family names, no username, no roles).
client_scopes = [
    scope("basic", "OpenID Connect scope for add all basic claims to the token", [
        mapper("sub", "oidc-sub-mapper", {"access.token.claim": "true", "introspection.token.claim": "true"}),
        mapper("auth_time", "oidc-usersessionmodel-note-mapper",
               {"user.session.note": "AUTH_TIME", "claim.name": "auth_time", "jsonType.label": "long",
                "id.token.claim": "true", "access.token.claim": "true", "introspection.token.claim": "true"}),
    ], include_in_token_scope=False),
    scope("email", "OpenID Connect built-in scope: email", [
        mapper("email", "oidc-usermodel-attribute-mapper", claim("email", "email")),
        mapper("email verified", "oidc-usermodel-property-mapper", claim("emailVerified", "email_verified", "boolean")),
    ], consent_text="${emailScopeConsentText}"),
    scope("profile", "OpenID Connect built-in scope: profile (the merchant's name and locale)", [
        mapper("name", "oidc-usermodel-attribute-mapper", claim("name", "name")),
        mapper("locale", "oidc-usermodel-attribute-mapper", claim("locale", "locale")),
    ], consent_text="${profileScopeConsentText}"),
    scope("roles", "OpenID Connect scope for add user roles to the access token", [
        mapper("realm roles", "oidc-usermodel-realm-role-mapper",
               {"user.attribute": "foo", "claim.name": "realm_access.roles", "jsonType.label": "String", "multivalued": "true",
                "access.token.claim": "true", "introspection.token.claim": "true"}),
        mapper("client roles", "oidc-usermodel-client-role-mapper",
               {"user.attribute": "foo", "claim.name": "resource_access.${client_id}.roles", "jsonType.label": "String",
                "multivalued": "true", "access.token.claim": "true", "introspection.token.claim": "true"}),
        mapper("audience resolve", "oidc-audience-resolve-mapper", {"access.token.claim": "true", "introspection.token.claim": "true"}),
    ], include_in_token_scope=False, consent_text="${rolesScopeConsentText}"),
    scope("web-origins", "OpenID Connect scope for add allowed web origins to the access token", [
        mapper("allowed web origins", "oidc-allowed-origins-mapper", {"access.token.claim": "true", "introspection.token.claim": "true"}),
    ], include_in_token_scope=False),
    scope("acr", "OpenID Connect scope for add acr (authentication context class reference) to the token", [
        mapper("acr loa level", "oidc-acr-mapper", {"id.token.claim": "true", "access.token.claim": "true", "introspection.token.claim": "true"}),
    ], include_in_token_scope=False),
    scope("offline_access", "OpenID Connect built-in scope: offline_access", [], consent_text="${offlineAccessScopeConsentText}"),
]

def required_action(alias, name, priority, enabled=True, provider=None):
    return {"alias": alias, "name": name, "providerId": provider or alias, "enabled": enabled,
            "defaultAction": False, "priority": priority, "config": {}}

required_actions = [
    required_action("merchant-create-password", "Merchant Support: Create your password", 5),
    required_action("VERIFY_EMAIL", "Verify Email", 10),
    required_action("UPDATE_PASSWORD", "Update Password", 30),
    required_action("UPDATE_PROFILE", "Update Profile", 40),
    required_action("CONFIGURE_TOTP", "Configure OTP", 50),
    required_action("TERMS_AND_CONDITIONS", "Terms and Conditions", 60, enabled=False),
    required_action("VERIFY_PROFILE", "Verify Profile", 70),
    required_action("webauthn-register-passwordless", "Webauthn Register Passwordless", 75),
    required_action("delete_credential", "Delete Credential", 80),
    required_action("idp_link", "Linking Identity Provider", 90),
    required_action("update_user_locale", "Update User Locale", 1000),
]

realm = {
    "realm": "merchant-support",
    "displayName": "Merchant Support Center",
    "enabled": True,
    "sslRequired": "external",
    "registrationAllowed": True,
    "registrationEmailAsUsername": True,
    "loginWithEmailAllowed": True,
    "duplicateEmailsAllowed": False,
    "resetPasswordAllowed": True,
    "rememberMe": True,
    "verifyEmail": False,
    "editUsernameAllowed": False,
    "loginTheme": "merchant-support",
    "emailTheme": "merchant-support",
    "internationalizationEnabled": True,
    "supportedLocales": ["en", "fr", "de", "es", "it"],
    "defaultLocale": "en",
    "bruteForceProtected": True,
    "permanentLockout": False,
    "failureFactor": 10,
    "waitIncrementSeconds": 60,
    "maxFailureWaitSeconds": 900,
    "maxDeltaTimeSeconds": 43200,
    "quickLoginCheckMilliSeconds": 1000,
    "minimumQuickLoginWaitSeconds": 60,
    "eventsEnabled": True,
    "eventsExpiration": 2592000,
    # merchant-journey: the console's "Create user" and "Required user actions" send the pack's welcome link (issue #19).
    # Keycloak hands admin events to the realm's listeners whether or not it stores them.
    "eventsListeners": ["jboss-logging", "merchant-journey"],
    "adminEventsEnabled": True,
    "adminEventsDetailsEnabled": False,
    "passwordPolicy": "length(12) and notUsername(undefined) and notEmail(undefined) and maxLength(128)",
    "smtpServer": {
        "host": "${SMTP_HOST}",
        "port": "${SMTP_PORT:25}",
        "from": "${SMTP_FROM}",
        "fromDisplayName": "Support Bot",
        "replyTo": "${SMTP_REPLY_TO:}",
        "auth": "${SMTP_AUTH:false}",
        "user": "${SMTP_USER:}",
        "password": "${SMTP_PASSWORD:}",
        "starttls": "${SMTP_STARTTLS:false}",
        "ssl": "${SMTP_SSL:false}",
        "connectionTimeout": "10000",
        "timeout": "10000",
        "writeTimeout": "10000",
    },
    "clients": [
        {
            "clientId": client_id,
            "name": "Merchant Support Center (help center)",
            "description": "The help center that trusts this realm for sign-in (OpenID Connect).",
            "enabled": True,
            "protocol": "openid-connect",
            "publicClient": False,
            "clientAuthenticatorType": "client-secret",
            "secret": "${MERCHANT_SUPPORT_CENTER_CLIENT_SECRET}",
            "rootUrl": "${HELP_CENTER_URL}",
            "baseUrl": "${HELP_CENTER_URL}",
            "redirectUris": ["${HELP_CENTER_REDIRECT_URI}"],
            "webOrigins": ["${HELP_CENTER_URL}"],
            "standardFlowEnabled": True,
            "implicitFlowEnabled": False,
            "directAccessGrantsEnabled": False,
            "serviceAccountsEnabled": False,
            "consentRequired": False,
            # Logout reaches the help center server to server (back-channel), also when an admin signs a
            # merchant out. Keycloak 26 skips back-channel for clients with front-channel logout on, and
            # front-channel iframes need third-party cookies browsers now block.
            "frontchannelLogout": False,
            "fullScopeAllowed": False,
            "attributes": {
                "pkce.code.challenge.method": "S256",
                "post.logout.redirect.uris": "${HELP_CENTER_URL}/*",
                # Empty (the default): no logout call. Set it to the help center's back-channel logout endpoint.
                "backchannel.logout.url": "${HELP_CENTER_BACKCHANNEL_LOGOUT_URL:}",
                "backchannel.logout.session.required": "true",
                "backchannel.logout.revoke.offline.tokens": "false",
            },
            # The help center reads exactly sub, email, email_verified, name and locale (scopes basic,
            # email, profile); fullScopeAllowed false and no roles scope keep roles out of its tokens.
            "defaultClientScopes": ["basic", "email", "profile"],
            "optionalClientScopes": [],
        }
    ],
    # The name rule's messages for the account console, which reads only its own theme and the realm's texts, and the
    # name field's label for it and the admin console's "Create user" (which showed "merchantNameLabel");
    # taken from the login theme's bundles, the one place they are written.
    "localizationTexts": {
        lang: {key: login_message(lang, key) for key in ("merchantNameControlCharacters", "merchantNameWebAddress", "merchantNameLabel")}
        for lang in ("en", "fr", "de", "es", "it")
    },
    "clientScopes": client_scopes,
    "defaultDefaultClientScopes": ["basic", "email", "profile", "roles", "web-origins", "acr"],
    "defaultOptionalClientScopes": ["offline_access"],
    "authenticationFlows": authentication_flows,
    "authenticatorConfig": authenticator_config,
    "registrationFlow": "merchant registration",
    "requiredActions": required_actions,
    "components": {
        "org.keycloak.userprofile.UserProfileProvider": [
            {"providerId": "declarative-user-profile", "subComponents": {},
             "config": {"kc.user.profile.config": [json.dumps(user_profile, separators=(",", ":"))]}}
        ]
    },
}

# Sign in with Google: no email round-trip, and safely. The merchant-idp-link-verified-email step links a Google
# login to the existing account with the same email only when Google's signed ID token says email_verified
# and the account's own email is verified; otherwise Keycloak's confirm-link and verification steps (the
# "Handle Existing Account" part of its default first broker login flow) decide. No review-profile page.
# In the post login flow, merchant-idp-finish-sign-in finishes accounts created on a first sign-in (email
# verified only when the ID token says so, name, no password) and checks the allowed Workspace domains on
# every sign-in. Realms imported before these two existed name merchant-verified-email-link in both flows;
# the pack keeps that id working. Any OpenID Connect provider can use the same two flows.
authentication_flows.extend([
    {"alias": "merchant first broker login",
     "description": "Merchant Support: first sign-in with Google or another provider. Link a verified email, else create the account, else Keycloak's verification.",
     "providerId": "basic-flow", "topLevel": True, "builtIn": False,
     "authenticationExecutions": [
         execution("merchant-idp-link-verified-email", requirement="ALTERNATIVE", priority=10, config="merchant verified email link"),
         execution("idp-create-user-if-unique", requirement="ALTERNATIVE", priority=20, config="merchant create user if unique"),
         execution(None, requirement="ALTERNATIVE", priority=30, flow_alias="merchant handle existing account"),
     ]},
    {"alias": "merchant handle existing account",
     "description": "An account has the provider's email but could not be linked safely: the merchant confirms, then proves it by email or password.",
     "providerId": "basic-flow", "topLevel": False, "builtIn": False,
     "authenticationExecutions": [
         execution("idp-confirm-link", priority=10),
         execution(None, priority=20, flow_alias="merchant account verification options"),
     ]},
    {"alias": "merchant account verification options", "description": "An email with a link, or the account's password.",
     "providerId": "basic-flow", "topLevel": False, "builtIn": False,
     "authenticationExecutions": [
         execution("idp-email-verification", requirement="ALTERNATIVE", priority=10),
         execution(None, requirement="ALTERNATIVE", priority=20, flow_alias="merchant verify existing account by re-authentication"),
     ]},
    {"alias": "merchant verify existing account by re-authentication", "description": "The account's password (and its second factor, if any).",
     "providerId": "basic-flow", "topLevel": False, "builtIn": False,
     "authenticationExecutions": [
         execution("idp-username-password-form", priority=10),
         execution(None, requirement="CONDITIONAL", priority=20, flow_alias="merchant first broker login conditional 2fa"),
     ]},
    {"alias": "merchant first broker login conditional 2fa", "description": "A one-time code when the account has one configured.",
     "providerId": "basic-flow", "topLevel": False, "builtIn": False,
     "authenticationExecutions": [
         execution("conditional-user-configured", priority=10),
         execution("auth-otp-form", requirement="ALTERNATIVE", priority=20),
     ]},
    {"alias": "merchant post broker login",
     "description": "Merchant Support: after every sign-in with Google or another provider. Allowed domains; finishes accounts created on a first sign-in.",
     "providerId": "basic-flow", "topLevel": True, "builtIn": False,
     "authenticationExecutions": [
         execution("merchant-idp-finish-sign-in", priority=10, config="merchant verified email link"),
     ]},
])

authenticator_config.extend([
    # Both steps share these settings: one allow-list for the first and every later sign-in. The alias is the one
    # deployed realms have: kept.
    {"alias": "merchant verified email link",
     "config": {"allowedHostedDomains": "", "requireEmailVerifiedClaim": "true"}},
    {"alias": "merchant create user if unique", "config": {"require.password.update.after.registration": "false"}},
])

realm["identityProviders"] = [
    {"alias": "google", "displayName": "Google", "providerId": "google", "enabled": True,
     # Keycloak would mark every new account verified; the post login step decides from the ID token instead.
     "trustEmail": False,
     "storeToken": False, "addReadTokenRoleOnCreate": False, "linkOnly": False, "hideOnLogin": False,
     "firstBrokerLoginFlowAlias": "merchant first broker login",
     "postBrokerLoginFlowAlias": "merchant post broker login",
     "config": {
         "clientId": "${GOOGLE_CLIENT_ID}",
         "clientSecret": "${GOOGLE_CLIENT_SECRET}",
         # Optional: Google lists only this Workspace domain's accounts and Keycloak rejects others.
         "hostedDomain": "${GOOGLE_HOSTED_DOMAIN:}",
         "defaultScope": "openid profile email",
         # Imported once: later Google sign-ins do not overwrite the merchant's name or email.
         "syncMode": "IMPORT",
         # The ID token's signature is checked against Google's keys: linking trusts its email_verified.
         "validateSignature": "true",
         "useJwksUrl": "true",
         "jwksUrl": "https://www.googleapis.com/oauth2/v3/certs",
         "issuer": "https://accounts.google.com",
     }},
]

# Passkeys, on Keycloak's own WebAuthn passwordless mechanisms. The policy: what the merchant's browser is asked for
# ("Use a passkey instead" on the create-password page, the account console) and what a passkey must prove at sign-in.
# Resident key and user verification required: a passkey signs in alone, without an email or a password. Attestation
# none: any authenticator (phone, laptop, security key, password manager) is accepted, none is identified. The RP name
# is what the merchant's password manager shows; the RP ID stays empty so that it follows the hostname Keycloak is
# reached at (changing the hostname later orphans every passkey: docs/DEPLOYING.md). "Passkeys" on: the sign-in page
# (auth-username-password-form) offers them, autofill in the email field and a button.
realm.update({
    "webAuthnPolicyPasswordlessRpEntityName": "Merchant Support",
    "webAuthnPolicyPasswordlessSignatureAlgorithms": ["ES256", "RS256"],
    "webAuthnPolicyPasswordlessRpId": "",
    "webAuthnPolicyPasswordlessAttestationConveyancePreference": "none",
    "webAuthnPolicyPasswordlessAuthenticatorAttachment": "not specified",
    "webAuthnPolicyPasswordlessResidentKey": "required",
    "webAuthnPolicyPasswordlessUserVerificationRequirement": "required",
    "webAuthnPolicyPasswordlessCreateTimeout": 0,
    "webAuthnPolicyPasswordlessAvoidSameAuthenticatorRegister": False,
    "webAuthnPolicyPasswordlessAcceptableAaguids": [],
    "webAuthnPolicyPasswordlessExtraOrigins": [],
    "webAuthnPolicyPasswordlessPasskeysEnabled": True,
    "webAuthnPolicyPasswordlessMediation": "conditional",
})

# The sign-in flow, written out rather than left to Keycloak's built-in "browser" (whose content depends on the server's
# features at import time): the SSO cookie, a provider asked by the help center (kc_idp_hint), then the sign-in page,
# where email + password and passkeys are one step. A one-time code follows only for an account that has one and did
# not sign in with a passkey (a passkey already proves both possession and the person).
authentication_flows.extend([
    {"alias": "merchant browser", "description": "Merchant Support sign-in: SSO cookie, a provider hint, or the sign-in page (email and password, or a passkey).",
     "providerId": "basic-flow", "topLevel": True, "builtIn": False,
     "authenticationExecutions": [
         execution("auth-cookie", requirement="ALTERNATIVE", priority=10),
         execution("identity-provider-redirector", requirement="ALTERNATIVE", priority=25),
         execution(None, requirement="ALTERNATIVE", priority=30, flow_alias="merchant browser forms"),
     ]},
    {"alias": "merchant browser forms", "description": "The sign-in page, then a one-time code when the account has one.",
     "providerId": "basic-flow", "topLevel": False, "builtIn": False,
     "authenticationExecutions": [
         execution("auth-username-password-form", priority=10),
         execution(None, requirement="CONDITIONAL", priority=20, flow_alias="merchant browser conditional 2fa"),
     ]},
    {"alias": "merchant browser conditional 2fa", "description": "A one-time code, unless the merchant signed in with a passkey.",
     "providerId": "basic-flow", "topLevel": False, "builtIn": False,
     "authenticationExecutions": [
         execution("conditional-user-configured", priority=10),
         execution("conditional-credential", priority=20, config="merchant browser no passkey used"),
         execution("auth-otp-form", requirement="ALTERNATIVE", priority=30),
     ]},
])
authenticator_config.append(
    {"alias": "merchant browser no passkey used", "config": {"credentials": "webauthn-passwordless", "included": "false"}})
realm["browserFlow"] = "merchant browser"

# "Forgot my password": Keycloak's "reset credentials" flow, written out, with the pack's merchant-reset-choose-user in
# place of reset-credentials-choose-user: the registration's captcha on the page, and limits per typed address and
# per network address before Keycloak's own reset-credential-email sends its email (and answers "you should receive
# an email shortly" for any address). Then Keycloak's new password, and a new one-time code when the account has one.
# Tests, benchmarks and load runs raise addressResetsPerHour in their copies (TestRealmCopy): keep the key's name.
authentication_flows.extend([
    {"alias": "merchant reset credentials",
     "description": "Merchant Support: Forgot my password. Captcha and limits, then Keycloak's reset email and new password.",
     "providerId": "basic-flow", "topLevel": True, "builtIn": False,
     "authenticationExecutions": [
         execution("merchant-reset-choose-user", priority=10, config="merchant reset limits"),
         execution("reset-credential-email", priority=20),
         execution("reset-password", priority=30),
         execution(None, requirement="CONDITIONAL", priority=40, flow_alias="merchant reset conditional otp"),
     ]},
    {"alias": "merchant reset conditional otp", "description": "A new one-time code when the account has one configured.",
     "providerId": "basic-flow", "topLevel": False, "builtIn": False,
     "authenticationExecutions": [
         execution("conditional-user-configured", priority=10),
         execution("reset-otp", priority=20),
     ]},
])
authenticator_config.append(
    {"alias": "merchant reset limits",
     "config": {"addressResetsPerHour": "20", "accountResetsPerMinute": "1", "accountResetsPerHour": "5"}})
realm["resetCredentialsFlow"] = "merchant reset credentials"

# Security headers of the realm's pages (sign-in, registration, the pack's pages). Keycloak 26.7.3 puts no nonce or
# hash on keycloak.v2's inline scripts (import map, dark mode, session polling, password checks), so script-src needs
# 'unsafe-inline'; every other directive is strict. form-action: the help center too, because Chromium also checks
# the redirect that follows a form (to the help center's callback); list every help center origin there. frame-ancestors
# stays exactly 'self' (Keycloak lifts only that value for its login-status iframe). Remote captchas: docs/CAPTCHA.md.
realm["browserSecurityHeaders"] = {
    "contentSecurityPolicy": "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self'; img-src 'self' data:; "
                             "font-src 'self'; connect-src 'self'; worker-src 'self'; frame-src 'self'; frame-ancestors 'self'; "
                             "object-src 'none'; base-uri 'self'; form-action 'self' ${HELP_CENTER_URL}",
    "contentSecurityPolicyReportOnly": "",
    "xFrameOptions": "SAMEORIGIN",
    "xContentTypeOptions": "nosniff",
    "referrerPolicy": "no-referrer",
    "strictTransportSecurity": "max-age=31536000; includeSubDomains",
    "xRobotsTag": "none",
}

out = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "realm-export" / "merchant-support-realm.json"
out.write_text(json.dumps(realm, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
print(f"wrote {out}")
