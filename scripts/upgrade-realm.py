#!/usr/bin/env python3
"""Bring a realm imported from an earlier realm JSON of the pack to this version's flows and settings.

`kc.sh start --import-realm` skips a realm that exists, so a realm imported from an earlier file never gets the
flows, required actions and settings a later file adds. This script applies them through Keycloak's admin REST
API, and never touches accounts (users, credentials, federated identities, sessions), clients' secrets, SMTP or
identity providers' secrets and client IDs. What it does, exactly, is in docs/DEPLOYING.md ("Upgrading a realm
imported from an earlier file"). It is idempotent: a second run changes nothing and says so.

Environment:
  KEYCLOAK_URL              Keycloak's base URL, e.g. https://login.example.com (or --url)
  KEYCLOAK_ADMIN            an admin's user name in KEYCLOAK_ADMIN_REALM (default master), with
  KEYCLOAK_ADMIN_PASSWORD   its password (password grant of the admin-cli client)
  KEYCLOAK_CLIENT_ID        instead of a user: a service account's client in KEYCLOAK_ADMIN_REALM, with
  KEYCLOAK_CLIENT_SECRET    its secret (client-credentials grant; the account needs manage-realm on the realm)
  KEYCLOAK_ADMIN_REALM      where that admin or client lives (default master)

Python 3 standard library only.
"""

import argparse
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

# A deployment placeholder the import fills from the environment: upper-case, ${NAME} or ${NAME:default}.
# Lower-case ${username} texts are Keycloak message keys, not placeholders.
PLACEHOLDER = re.compile(r"\$\{[A-Z][A-Z0-9_]*(?::[^}]*)?\}")
# How the admin API shows a secret it does not reveal.
MASKED = "**********"
# Suffix of the flows and configurations built beside the realm's own while a flow is rebuilt.
TEMP = " upgrading"
# The realm's flow bindings, as the realm representation names them.
REALM_BINDINGS = ("browserFlow", "registrationFlow", "resetCredentialsFlow", "directGrantFlow",
                  "clientAuthenticationFlow", "dockerAuthenticationFlow", "firstBrokerLoginFlow")
IDP_BINDINGS = ("firstBrokerLoginFlowAlias", "postBrokerLoginFlowAlias")
# Every password policy an earlier realm JSON of the pack shipped (git log -p realm-export/): a realm still on
# one of them gets this file's; a realm whose admin chose another keeps it.
EARLIER_PASSWORD_POLICIES = (
    "length(12) and notUsername(undefined) and notEmail(undefined) and maxLength(128)",
)
USER_PROFILE_COMPONENT = "org.keycloak.userprofile.UserProfileProvider"
USER_PROFILE_KEY = "kc.user.profile.config"


class Failure(Exception):
    pass


def has_placeholder(value):
    if isinstance(value, str):
        return PLACEHOLDER.search(value) is not None
    if isinstance(value, list):
        return any(has_placeholder(v) for v in value)
    if isinstance(value, dict):
        return any(has_placeholder(v) for v in value.values())
    return False


def q(text):
    return urllib.parse.quote(text, safe="")


class Admin:
    """The admin REST API of one realm, with a token that is fetched again when it expires."""

    def __init__(self, base, realm):
        self.base = base.rstrip("/")
        self.realm = realm
        self.token = None

    def login(self):
        admin_realm = os.environ.get("KEYCLOAK_ADMIN_REALM", "master")
        secret = os.environ.get("KEYCLOAK_CLIENT_SECRET")
        if secret:
            form = {"grant_type": "client_credentials", "client_id": os.environ.get("KEYCLOAK_CLIENT_ID", ""),
                    "client_secret": secret}
        else:
            user = os.environ.get("KEYCLOAK_ADMIN")
            password = os.environ.get("KEYCLOAK_ADMIN_PASSWORD")
            if not user or password is None:
                raise Failure("set KEYCLOAK_ADMIN and KEYCLOAK_ADMIN_PASSWORD, or KEYCLOAK_CLIENT_ID and "
                              "KEYCLOAK_CLIENT_SECRET")
            form = {"grant_type": "password", "client_id": os.environ.get("KEYCLOAK_CLIENT_ID", "admin-cli"),
                    "username": user, "password": password}
        url = f"{self.base}/realms/{q(admin_realm)}/protocol/openid-connect/token"
        request = urllib.request.Request(url, data=urllib.parse.urlencode(form).encode(), method="POST",
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                self.token = json.load(response)["access_token"]
        except urllib.error.HTTPError as e:
            raise Failure(f"could not sign in to {url}: HTTP {e.code} {e.read().decode(errors='replace')}")
        except urllib.error.URLError as e:
            raise Failure(f"could not reach {url}: {e.reason}")

    def call(self, method, path, body=None, content_type="application/json", retry=True):
        """Returns (status, parsed JSON or None, Location header)."""
        if self.token is None:
            self.login()
        url = f"{self.base}/admin/realms/{q(self.realm)}{path}"
        data = None
        if body is not None:
            data = body.encode("utf-8") if isinstance(body, str) and content_type != "application/json" \
                else json.dumps(body).encode("utf-8")
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                raw = response.read()
                parsed = json.loads(raw) if raw and "json" in (response.headers.get("Content-Type") or "") else None
                return response.status, parsed, response.headers.get("Location")
        except urllib.error.HTTPError as e:
            if e.code == 401 and retry:
                self.login()
                return self.call(method, path, body, content_type, retry=False)
            raise Failure(f"{method} {url}: HTTP {e.code} {e.read().decode(errors='replace')[:500]}")
        except urllib.error.URLError as e:
            raise Failure(f"could not reach {url}: {e.reason}")

    def get(self, path):
        return self.call("GET", path)[1]

    def put(self, path, body, content_type="application/json"):
        self.call("PUT", path, body, content_type)

    def post(self, path, body):
        """Returns the id at the end of the Location header, if any."""
        location = self.call("POST", path, body)[2]
        return location.rstrip("/").rsplit("/", 1)[-1] if location else None

    def delete(self, path):
        self.call("DELETE", path)


class Upgrade:
    def __init__(self, admin, file, dry_run):
        self.api = admin
        self.file = file
        self.dry_run = dry_run
        self.changes = []
        self.kept = []
        self.reported = set()  # configurations whose merge is already reported
        self.file_flows = {f["alias"]: f for f in file.get("authenticationFlows", [])}
        self.file_configs = {c["alias"]: c.get("config") or {} for c in file.get("authenticatorConfig", [])}

    # -- reporting -------------------------------------------------------------------------------------------

    def change(self, line):
        self.changes.append(line)
        print(("would " if self.dry_run else "") + line, flush=True)

    def keep(self, line):
        self.kept.append(line)
        print("kept: " + line, flush=True)

    # -- reading the realm's flows ---------------------------------------------------------------------------

    def realm_flows(self):
        """Top-level flows by alias."""
        return {f["alias"]: f for f in self.api.get("/authentication/flows")}

    def executions(self, alias):
        return self.api.get(f"/authentication/flows/{q(alias)}/executions")

    def config(self, config_id):
        return self.api.get(f"/authentication/config/{q(config_id)}")

    def read_realm(self):
        """The realm's flows as comparable rows, where each config lives, and the configs by alias."""
        self.flows = self.realm_flows()
        self.flow_types = {}       # flow id -> providerId (sub-flows too)
        self.rows = {}             # top-level alias -> comparable rows
        self.trees = {}            # top-level alias -> aliases of its sub-flows
        self.configs = {}          # config alias -> {"id", "config", "flows": set of top-level aliases}
        for alias, flow in self.flows.items():
            self.flow_types[flow["id"]] = flow.get("providerId")
            rows, subs = [], []
            for e in self.executions(alias):
                config_alias = None
                if e.get("authenticationConfig"):
                    config = self.config(e["authenticationConfig"])
                    config_alias = config["alias"]
                    entry = self.configs.setdefault(config_alias, {"id": config["id"], "config": config.get("config") or {},
                                                                   "flows": set()})
                    entry["flows"].add(alias)
                if e.get("authenticationFlow"):
                    subs.append(e["displayName"])
                    sub_type = self.flow_types.get(e["flowId"])
                    if sub_type is None:
                        sub_type = self.api.get(f"/authentication/flows/{q(e['flowId'])}").get("providerId")
                        self.flow_types[e["flowId"]] = sub_type
                    rows.append((e["level"], e["index"], "flow", e["displayName"], sub_type, e.get("providerId"),
                                 e["requirement"], e.get("priority"), config_alias))
                else:
                    rows.append((e["level"], e["index"], "step", None, None, e.get("providerId"),
                                 e["requirement"], e.get("priority"), config_alias))
            self.rows[alias] = rows
            self.trees[alias] = subs

    def file_rows(self, alias, level=0, rows=None, subs=None):
        """The file's flow as the same rows the realm's executions give."""
        rows = [] if rows is None else rows
        subs = [] if subs is None else subs
        executions = sorted(self.file_flows[alias].get("authenticationExecutions", []), key=lambda e: e.get("priority", 0))
        for index, e in enumerate(executions):
            if e.get("authenticatorFlow"):
                sub = self.file_flows[e["flowAlias"]]
                subs.append(sub["alias"])
                rows.append((level, index, "flow", sub["alias"], sub["providerId"], e.get("authenticator"),
                             e["requirement"], e.get("priority"), e.get("authenticatorConfig")))
                self.file_rows(sub["alias"], level + 1, rows, subs)
            else:
                rows.append((level, index, "step", None, None, e.get("authenticator"), e["requirement"],
                             e.get("priority"), e.get("authenticatorConfig")))
        return rows, subs

    # -- flows -----------------------------------------------------------------------------------------------

    def upgrade_flows(self):
        self.read_realm()
        leftovers = [a for a in self.flows if a.endswith(TEMP)]
        if leftovers:
            raise Failure(f"the realm has {', '.join(repr(a) for a in leftovers)}: a run of this script stopped half-way. "
                          f"Compare it with the flow of the same name without '{TEMP}' in the console, keep the one that is "
                          "bound (Authentication -> Flows, 'Used by'), delete the other, and run the script again.")
        top_level = [a for a, f in self.file_flows.items() if f.get("topLevel")]
        missing, differing = [], {}
        for alias in top_level:
            want, _ = self.file_rows(alias)
            if alias not in self.flows:
                missing.append(alias)
            elif self.rows[alias] != want:
                differing[alias] = describe_difference(self.rows[alias], want)
        # A configuration is deleted with the flow that holds it: flows sharing one with a rebuilt flow are rebuilt too.
        rebuilt = set(differing)
        grew = True
        while grew:
            grew = False
            for name, entry in self.configs.items():
                if entry["flows"] & rebuilt and not entry["flows"] <= rebuilt:
                    for other in entry["flows"] - rebuilt:
                        if other not in self.file_flows:
                            raise Failure(f"configuration '{name}' is shared by flow '{other}', which the file does not "
                                          f"have, and by '{', '.join(entry['flows'] & rebuilt)}', which must be rebuilt: "
                                          "give the step in "
                                          f"'{other}' a configuration of its own in the console, and run the script again.")
                        differing[other] = "shares configuration '" + name + "' with a flow rebuilt"
                        rebuilt.add(other)
                        grew = True
        if not missing and not differing:
            return
        # Configurations that live in a flow about to be deleted are copied (the admin's values, with the file's new
        # keys) under a temporary alias and renamed once the old flow is gone.
        copied = {name for name, entry in self.configs.items() if entry["flows"] & rebuilt}
        for name in sorted(copied):
            masked = [k for k, v in self.configs[name]["config"].items() if v == MASKED]
            if masked:
                raise Failure(f"configuration '{name}' holds a secret the admin API does not show ({', '.join(masked)}) "
                              "and its flow must be rebuilt: nothing was changed. Rebuild the flow in the console as the "
                              "file describes it.")
        for alias in missing:
            _, subs = self.file_rows(alias)
            taken = [s for s in subs if self.flow_exists(s)]
            if taken:
                raise Failure(f"flow '{alias}' is missing but its sub-flow alias {taken} is used by another flow")
        for alias in missing:
            self.change(f"create flow '{alias}' as in the file")
        for alias in sorted(differing):
            self.change(f"rebuild flow '{alias}' as in the file ({differing[alias]})")
        if self.dry_run:
            for name in sorted(copied):
                self.report_config_merge(name, self.configs[name]["config"], self.file_configs.get(name, {}))
            return

        self.created_configs = {}   # file alias -> (id, alias used now)
        renames = []                # (flow id, final alias)
        for alias in missing:
            self.build(alias, alias, None, copied, renames, temporary=False)
        new_ids = {}
        for alias in sorted(rebuilt):
            new_ids[alias] = self.build(alias, alias + TEMP, None, copied, renames, temporary=True)
        for alias in sorted(rebuilt):
            self.rebind(alias, alias + TEMP, self.flows[alias]["id"], new_ids[alias])
        for alias in sorted(rebuilt):
            self.api.delete(f"/authentication/flows/{q(self.flows[alias]['id'])}")
        for flow_id, final in renames:
            rep = self.api.get(f"/authentication/flows/{q(flow_id)}")
            rep["alias"] = final
            rep.pop("authenticationExecutions", None)
            self.api.put(f"/authentication/flows/{q(flow_id)}", rep)
        for name, (config_id, used) in self.created_configs.items():
            if used != name:
                rep = self.api.get(f"/authentication/config/{q(config_id)}")
                rep["alias"] = name
                self.api.put(f"/authentication/config/{q(config_id)}", rep)
        self.read_realm()

    def flow_exists(self, alias):
        try:
            self.executions(alias)
            return True
        except Failure as e:
            if "HTTP 404" in str(e):
                return False
            raise

    def build(self, file_alias, alias, parent_id, copied, renames, temporary):
        """Creates the file's flow (and its sub-flows, executions, configurations) under alias; returns its id."""
        source = self.file_flows[file_alias]
        flow_id = self.api.post("/authentication/flows", {
            "alias": alias, "description": source.get("description") or "", "providerId": source["providerId"],
            "topLevel": parent_id is None, "builtIn": False})
        if temporary:
            renames.append((flow_id, file_alias))
        executions = sorted(source.get("authenticationExecutions", []), key=lambda e: e.get("priority", 0))
        for e in executions:
            if e.get("authenticatorFlow"):
                sub_alias = e["flowAlias"]
                sub_id = self.build(sub_alias, sub_alias + TEMP if temporary else sub_alias, flow_id, copied, renames,
                                    temporary)
                self.api.post("/authentication/executions", {
                    "parentFlow": flow_id, "authenticatorFlow": True, "flowId": sub_id,
                    "authenticator": e.get("authenticator"), "requirement": e["requirement"],
                    "priority": e.get("priority")})
                continue
            name = e.get("authenticatorConfig")
            rep = {"parentFlow": flow_id, "authenticatorFlow": False, "authenticator": e["authenticator"],
                   "requirement": e["requirement"], "priority": e.get("priority")}
            if name and name in self.created_configs:
                rep["authenticatorConfig"] = self.created_configs[name][1]
            elif name and name in self.configs and name not in copied:
                rep["authenticatorConfig"] = name  # kept where it is, shared; new keys are added by upgrade_configs
            execution_id = self.api.post("/authentication/executions", rep)
            if name and "authenticatorConfig" not in rep:
                if name in copied:
                    values = self.report_config_merge(name, self.configs[name]["config"], self.file_configs.get(name, {}))
                    used = name + TEMP
                else:
                    values = {k: v for k, v in self.file_configs.get(name, {}).items() if v != "" and not has_placeholder(v)}
                    used = name
                config_id = self.api.post(f"/authentication/executions/{q(execution_id)}/config",
                                          {"alias": used, "config": values})
                self.created_configs[name] = (config_id, used)
        return flow_id

    def rebind(self, old_alias, new_alias, old_id, new_id):
        """Every binding that named the old flow now names the new one (before the old one is deleted)."""
        realm = self.api.get("")
        bound = [b for b in REALM_BINDINGS if realm.get(b) == old_alias]
        if bound:
            for b in bound:
                realm[b] = new_alias
            self.api.put("", without_smtp(realm))
        for idp in self.api.get("/identity-provider/instances") or []:
            fields = [b for b in IDP_BINDINGS if idp.get(b) == old_alias]
            if fields:
                for b in fields:
                    idp[b] = new_alias
                self.api.put(f"/identity-provider/instances/{q(idp['alias'])}", idp)
        for client in self.api.get("/clients") or []:
            overrides = client.get("authenticationFlowBindingOverrides") or {}
            if old_id in overrides.values():
                client["authenticationFlowBindingOverrides"] = {k: (new_id if v == old_id else v) for k, v in overrides.items()}
                client.pop("secret", None)  # absent: the client keeps its secret
                self.api.put(f"/clients/{q(client['id'])}", client)
                self.change(f"client '{client['clientId']}': its flow override now names the rebuilt '{old_alias}'")

    # -- authenticator configurations ------------------------------------------------------------------------

    def report_config_merge(self, name, current, wanted):
        """The admin's values, with the file's keys the realm does not have; reports both. Returns the merged values."""
        merged = dict(current)
        if name in self.reported:
            return {**{k: v for k, v in wanted.items() if k not in current and v != "" and not has_placeholder(v)}, **current}
        self.reported.add(name)
        for key, value in wanted.items():
            if key in current:
                if current[key] != value and not has_placeholder(value):
                    self.keep(f"config '{name}' {key}={current[key]!r} (the file has {value!r})")
            elif value == "" or has_placeholder(value):
                continue  # Keycloak stores no empty value; placeholders are never written
            else:
                merged[key] = value
                self.change(f"add to config '{name}': {key}={value!r}")
        return merged

    def upgrade_configs(self):
        for name, wanted in self.file_configs.items():
            entry = self.configs.get(name)
            if entry is None:
                continue  # not used by any flow of the realm (the flows above made every one the file uses)
            merged = self.report_config_merge(name, entry["config"], wanted)
            if merged != entry["config"] and not self.dry_run:
                rep = self.config(entry["id"])
                rep["config"] = merged
                self.api.put(f"/authentication/config/{q(entry['id'])}", rep)

    # -- required actions ------------------------------------------------------------------------------------

    def upgrade_required_actions(self):
        current = {a["alias"]: a for a in self.api.get("/authentication/required-actions")}
        for wanted in self.file.get("requiredActions", []):
            alias = wanted["alias"]
            action = current.get(alias)
            registered = action is None
            if registered:
                settings = ", ".join(f"{f} {wanted[f]!r}" for f in ("enabled", "defaultAction", "priority") if f in wanted)
                self.change(f"register required action '{alias}' ({settings})")
                if self.dry_run:
                    continue
                self.api.post("/authentication/register-required-action",
                              {"providerId": wanted["providerId"], "name": wanted.get("name", alias)})
                action = self.api.get(f"/authentication/required-actions/{q(alias)}")
            updated = dict(action)
            for field in ("enabled", "defaultAction", "priority"):
                if field in wanted and action.get(field) != wanted[field]:
                    if not registered:
                        self.change(f"required action '{alias}': {field} {action.get(field)!r} -> {wanted[field]!r}")
                    updated[field] = wanted[field]
            config = dict(action.get("config") or {})
            for key, value in (wanted.get("config") or {}).items():
                if key not in config and not has_placeholder(value):
                    if not registered:
                        self.change(f"required action '{alias}': config {key}={value!r}")
                    config[key] = value
            updated["config"] = config
            if updated != action and not self.dry_run:
                self.api.put(f"/authentication/required-actions/{q(alias)}", updated)

    # -- realm settings --------------------------------------------------------------------------------------

    def upgrade_realm_settings(self):
        realm = self.api.get("")
        updated = json.loads(json.dumps(realm))
        for field in REALM_BINDINGS:
            want = self.file.get(field)
            if want and realm.get(field) != want:
                self.change(f"bind {field}: {realm.get(field)!r} -> {want!r}")
                updated[field] = want
        for field in ("eventsListeners", "enabledEventTypes"):
            want = self.file.get(field)
            if want is None:
                continue
            have = realm.get(field) or []
            if field == "enabledEventTypes" and not have:
                continue  # an empty list keeps every event type: already more than the file asks
            extra = [v for v in want if v not in have]
            if extra:
                self.change(f"{field}: add {', '.join(extra)} (the realm's own stay)")
                updated[field] = have + extra
        for field in sorted(k for k in self.file if k.startswith("webAuthnPolicyPasswordless")):
            want, have = self.file[field], realm.get(field)
            if has_placeholder(want) or same(want, have):
                continue
            if field == "webAuthnPolicyPasswordlessRpId" and have:
                self.keep(f"{field}={have!r} (the file has {want!r}: changing it would orphan every passkey)")
                continue
            self.change(f"{field}: {have!r} -> {want!r}")
            updated[field] = want
        want = self.file.get("passwordPolicy")
        have = realm.get("passwordPolicy")
        if want and have != want and not has_placeholder(want):
            if not have or have in EARLIER_PASSWORD_POLICIES:
                self.change(f"passwordPolicy: {have!r} -> {want!r}")
                updated["passwordPolicy"] = want
            else:
                self.keep(f"passwordPolicy={have!r}, set by an admin (the file has {want!r})")
        if updated != realm and not self.dry_run:
            self.api.put("", without_smtp(updated))
        # Identity providers: the file's flows bound, nothing else of the provider (secret, client ID) touched.
        providers = {p["alias"]: p for p in self.api.get("/identity-provider/instances") or []}
        for wanted in self.file.get("identityProviders", []):
            idp = providers.get(wanted["alias"])
            if idp is None:
                continue
            fields = [b for b in IDP_BINDINGS if wanted.get(b) and idp.get(b) != wanted[b]]
            for b in fields:
                self.change(f"identity provider '{idp['alias']}': {b} {idp.get(b)!r} -> {wanted[b]!r}")
                idp[b] = wanted[b]
            if fields and not self.dry_run:
                self.api.put(f"/identity-provider/instances/{q(idp['alias'])}", idp)

    def upgrade_localization(self):
        for locale, texts in (self.file.get("localizationTexts") or {}).items():
            have = self.api.get(f"/localization/{q(locale)}") or {}
            for key, text in texts.items():
                if key in have:
                    if have[key] != text:
                        self.keep(f"localization text {locale} '{key}' (an admin's wording)")
                    continue
                if has_placeholder(text):
                    continue
                self.change(f"add localization text {locale} '{key}'")
                if not self.dry_run:
                    self.api.put(f"/localization/{q(locale)}/{q(key)}", text, content_type="text/plain; charset=utf-8")

    def upgrade_user_profile(self):
        components = (self.file.get("components") or {}).get(USER_PROFILE_COMPONENT) or []
        documents = [c.get("config", {}).get(USER_PROFILE_KEY) for c in components]
        documents = [d[0] for d in documents if d]
        if not documents:
            return
        wanted = json.loads(documents[0])
        current = self.api.get("/users/profile")
        updated = json.loads(json.dumps(current))
        attributes = {a["name"]: a for a in updated.get("attributes", [])}
        for attribute in wanted.get("attributes", []):
            name = attribute["name"]
            if has_placeholder(attribute):
                continue
            if name not in attributes:
                self.change(f"user profile: add attribute '{name}'")
                updated.setdefault("attributes", []).append(attribute)
                continue
            validations = attributes[name].setdefault("validations", {})
            for validator, config in (attribute.get("validations") or {}).items():
                if validator not in validations:
                    self.change(f"user profile: attribute '{name}' gets validator '{validator}'")
                    validations[validator] = config
        if updated != current and not self.dry_run:
            self.api.put("/users/profile", updated)

    def run(self):
        self.upgrade_flows()
        self.upgrade_configs()
        self.upgrade_required_actions()
        self.upgrade_realm_settings()
        self.upgrade_localization()
        self.upgrade_user_profile()


def without_smtp(realm):
    """The realm's representation for a PUT, whole (Keycloak sets both WebAuthn policies from every PUT: a field left
    out would be reset to its default) but for SMTP, which a PUT without it leaves exactly as it is (a round trip
    would drop an empty user or password)."""
    rep = dict(realm)
    rep.pop("smtpServer", None)
    return rep


def same(want, have):
    if isinstance(want, list) and isinstance(have, list):
        return want == have
    if have is None:
        return want in ("", [], None)
    return want == have


def describe_difference(have, want):
    for i in range(max(len(have), len(want))):
        a = have[i] if i < len(have) else None
        b = want[i] if i < len(want) else None
        if a != b:
            return f"execution {i + 1}: realm {row_text(a)}, file {row_text(b)}"
    return "same executions"


def row_text(row):
    if row is None:
        return "none"
    level, _, kind, sub, sub_type, provider, requirement, priority, config = row
    what = f"sub-flow '{sub}'" if kind == "flow" else provider
    return f"{what} {requirement} (priority {priority}" + (f", config '{config}')" if config else ")")


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Bring a realm imported from an earlier realm JSON of the pack to this file's flows, required "
                    "actions and settings, through the admin REST API. Accounts are never touched. Prints one line per "
                    "change; 'kept:' lines name the admin's values it leaves as they are.",
        epilog="Admin credentials come from the environment: KEYCLOAK_ADMIN and KEYCLOAK_ADMIN_PASSWORD (admin-cli, "
               "password grant), or KEYCLOAK_CLIENT_ID and KEYCLOAK_CLIENT_SECRET (client credentials); both in "
               "KEYCLOAK_ADMIN_REALM (default master). See docs/DEPLOYING.md.")
    parser.add_argument("--url", default=os.environ.get("KEYCLOAK_URL"),
                        help="Keycloak's base URL (default: $KEYCLOAK_URL)")
    parser.add_argument("--realm", default="merchant-support", help="the realm to upgrade (default: merchant-support)")
    parser.add_argument("--json", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "realm-export",
                                                       "merchant-support-realm.json"),
                        help="the realm JSON of this version (default: realm-export/merchant-support-realm.json)")
    parser.add_argument("--dry-run", action="store_true", help="print what would change, change nothing")
    args = parser.parse_args(argv)
    if not args.url:
        parser.error("give --url or set KEYCLOAK_URL")
    try:
        with open(args.json, encoding="utf-8") as f:
            file = json.load(f)
    except (OSError, ValueError) as e:
        print(f"cannot read {args.json}: {e}", file=sys.stderr)
        return 2
    upgrade = Upgrade(Admin(args.url, args.realm), file, args.dry_run)
    try:
        upgrade.run()
    except Failure as e:
        print(f"stopped: {e}", file=sys.stderr)
        if upgrade.changes:
            print(f"{len(upgrade.changes)} change(s) made before it stopped (above).", file=sys.stderr)
        return 1
    if not upgrade.changes:
        print(f"No change: realm '{args.realm}' already has this file's flows, required actions and settings.")
    elif args.dry_run:
        print(f"{len(upgrade.changes)} change(s) to make (dry run: nothing was changed).")
    else:
        print(f"{len(upgrade.changes)} change(s) made to realm '{args.realm}'.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
