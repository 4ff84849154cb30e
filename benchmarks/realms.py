#!/usr/bin/env python3
"""Writes the realms the benchmark server imports (benchmarks/run.sh), into the folder given as argument:

- merchant-support: the pack's realm JSON as deployers import it, with two changes: the per-network-address
  and realm-wide limits raised (all load comes from loopback), and ALTCHA difficulty 1000 instead of 100000. The server's work per challenge and per solution does not depend on it (one hash);
  only the client's does, and the load generator solves thousands of challenges on the same 2 cores.
- merchant-support-scale: the same realm under another name, for the "already used" check at 1,000 and
  100,000 accounts (its own accounts only).
- merchant-support-heap: the same realm under another name, for the heap and outbox phase (10,000 registrations
  whose emails queue while its mail server stalls), with what a registration leaves made to expire within the run:
  login, user-action and access code lifespans 60 s (the authentication session of the "check your mailbox" page;
  the realm JSON keeps Keycloak's 30 minutes), ALTCHA challenge expiry 60 s (the captcha's replay entry; 600 s in
  the realm JSON).
- stock-password: Keycloak's own registration flow, password on the form (stock a).
- stock-verify-email: Keycloak's own registration flow without the password step, "Verify email" on and
  "Update password" as a default required action (stock b): register, verify-email link, update password.
- stock-verify-email-heap: the same under another name with the heap realm's lifespans, for the same 10,000
  registrations in the heap phase: what any Keycloak realm keeps after them, beside what the pack's realm keeps.

Stock realms keep Keycloak's defaults (theme keycloak.v2, user profile firstName/lastName/email) and copy from
the pack only what makes the comparison fair: the help center client (same id, secret, redirect URI, PKCE),
e-mail as username, the password policy, brute force detection, events, the five languages, the required actions
(stock (b): Keycloak's defaults as the pack's realm keeps them) and the SMTP server.
Standard library only.
"""
import copy
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACK = json.loads((ROOT / "realm-export" / "merchant-support-realm.json").read_text(encoding="utf-8"))
ALTCHA_MAX_NUMBER = "1000"
# The heap realm's lifespans (seconds): what a registration leaves expires within the run (benchmarks/run.sh waits
# past them and past Infinispan's expiration reaper before it reads the heap).
SHORT_LIFESPAN = 60
LIFESPANS = ("accessCodeLifespan", "accessCodeLifespanLogin", "accessCodeLifespanUserAction")
# Every simulated merchant signs up from loopback: the per-network-address and realm-wide limits (issue #16) are
# raised in this copy, as in the tests' copy; the per-email limits keep the shipped values.
RAISED_LIMITS = {key: "1000000" for key in (
    "addressSignUpsPer10Minutes", "addressEmailsPerHour", "realmEmailsPerHour", "captchaClimbAfterSignUps",
    "addressResetsPerHour")}

SHARED_SETTINGS = [
    "enabled", "sslRequired", "registrationAllowed", "registrationEmailAsUsername", "loginWithEmailAllowed",
    "duplicateEmailsAllowed", "resetPasswordAllowed", "rememberMe", "editUsernameAllowed",
    "bruteForceProtected", "permanentLockout", "failureFactor", "waitIncrementSeconds", "maxFailureWaitSeconds",
    "maxDeltaTimeSeconds", "quickLoginCheckMilliSeconds", "minimumQuickLoginWaitSeconds",
    "eventsEnabled", "eventsExpiration", "adminEventsEnabled", "adminEventsDetailsEnabled",
    "passwordPolicy", "smtpServer",
    # The same merchants in the same five languages: the language picker and the locale's resolution on every page.
    "internationalizationEnabled", "supportedLocales", "defaultLocale",
]


def pack_realm(name, bulk=False, short_lifespans=False):
    realm = copy.deepcopy(PACK)
    realm["realm"] = name
    if bulk:
        # 100,000 accounts arrive through the admin partial import: no admin event per account.
        realm["adminEventsEnabled"] = False
    if short_lifespans:
        for key in LIFESPANS:
            realm[key] = SHORT_LIFESPAN
    for config in realm.get("authenticatorConfig", []):
        values = config.get("config", {})
        if "altcha.max.number" in values:
            values["altcha.max.number"] = ALTCHA_MAX_NUMBER
        if short_lifespans and "altcha.expiry.seconds" in values:
            values["altcha.expiry.seconds"] = str(SHORT_LIFESPAN)
        for key, value in RAISED_LIMITS.items():
            if key in values:
                values[key] = value
    return realm


def help_center_client():
    client = copy.deepcopy(next(c for c in PACK["clients"] if c["clientId"] == "merchant-support-center"))
    client["defaultClientScopes"] = ["basic", "email", "profile"]
    return client


def stock_realm(name, verify_email, short_lifespans=False):
    realm = {"realm": name, "displayName": name}
    for key in SHARED_SETTINGS:
        if key in PACK:
            realm[key] = copy.deepcopy(PACK[key])
    if short_lifespans:
        for key in LIFESPANS:
            realm[key] = SHORT_LIFESPAN
    realm["verifyEmail"] = verify_email
    realm["clients"] = [help_center_client()]
    if verify_email:
        # Keycloak's "registration" flow minus "Password Validation": the form shows no password fields.
        realm["authenticationFlows"] = [
            {"alias": "registration without password", "providerId": "basic-flow", "topLevel": True, "builtIn": False,
             "authenticationExecutions": [
                 {"authenticator": "registration-page-form", "requirement": "REQUIRED", "priority": 10,
                  "authenticatorFlow": True, "flowAlias": "registration without password form", "userSetupAllowed": False}]},
            {"alias": "registration without password form", "providerId": "form-flow", "topLevel": False, "builtIn": False,
             "authenticationExecutions": [
                 {"authenticator": "registration-user-creation", "requirement": "REQUIRED", "priority": 20,
                  "authenticatorFlow": False, "userSetupAllowed": False}]},
        ]
        realm["registrationFlow"] = "registration without password"
        # The required actions every realm has (Keycloak adds them to a realm imported without any), as the pack's
        # realm keeps them, "Update password" a default action. Listing only the two the journey uses left out
        # "Verify profile", whose check at the end of every login the pack's realm pays (2.2 ms of CPU per onboarding
        # in the profile of 2026-12-04 20:09) and stock (b)'s did not.
        actions = [copy.deepcopy(a) for a in PACK["requiredActions"] if not a["providerId"].startswith("merchant-")]
        for action in actions:
            if action["providerId"] == "UPDATE_PASSWORD":
                action["defaultAction"] = True
        realm["requiredActions"] = actions
    return realm


def main():
    target = pathlib.Path(sys.argv[1])
    target.mkdir(parents=True, exist_ok=True)
    realms = {
        "merchant-support": pack_realm("merchant-support"),
        "merchant-support-scale": pack_realm("merchant-support-scale", bulk=True),
        "merchant-support-heap": pack_realm("merchant-support-heap", short_lifespans=True),
        "stock-password": stock_realm("stock-password", False),
        "stock-verify-email": stock_realm("stock-verify-email", True),
        "stock-verify-email-heap": stock_realm("stock-verify-email-heap", True, short_lifespans=True),
    }
    for name, realm in realms.items():
        (target / f"{name}-realm.json").write_text(json.dumps(realm, indent=2, ensure_ascii=False), encoding="utf-8")
    print("realms:", ", ".join(realms))


if __name__ == "__main__":
    main()
