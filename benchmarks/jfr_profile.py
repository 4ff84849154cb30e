#!/usr/bin/env python3
"""Reads the JFR recordings of the profiled rounds (benchmarks/run.sh: <out>/load/jfr/<phase>-<variant>-<round>.jfr,
the server recorded with JFR's "profile" settings while Gatling ran the same journeys as the measured rounds, in
rounds of their own) and writes <out>/load/profile.md (included in summary.md) and profile.json.

Per phase (registration, onboarding, sign-in) and variant (pack, stock): the server's CPU milliseconds per
operation, in all, per endpoint (the REST resource method a request thread was in; other threads by name), inside a
few markers (page rendering, the password hash, the pack's limits and outbox, email...), the frames whose CPU per
operation differs most between the pack and the first stock variant, and the hottest methods. Samples are JFR's
jdk.CPUTimeSample (JDK 25+ on Linux: every thread's CPU time, each sample weighing its sampling period) when the
recording has them, else jdk.ExecutionSample (threads running Java code, one every 10 ms, weighed 10 ms); per
operation so that the variants compare whatever their counts. Standard library and the JDK's `jfr` tool only.
"""
import argparse
import collections
import glob
import json
import os
import re
import subprocess

# Marker: a label and the frames (prefixes of "package.Class.method") that mark a sample as inside that part.
MARKERS = [
    ("whole operation", None),
    ("password hash (Argon2)", ("org.bouncycastle.crypto.generators.Argon2",)),
    ("pages (FreeMarkerLoginFormsProvider.createResponse)", ("org.keycloak.forms.login.freemarker.FreeMarkerLoginFormsProvider.createResponse",)),
    ("  template parsing (FreeMarker's parser: no template cache)", ("freemarker.core.FMParser.",)),
    ("  template execution (Environment.process)", ("freemarker.core.Environment.process",)),
    ("  message bundles (Theme.getMessages)", ("org.keycloak.theme.DefaultThemeManager", "org.keycloak.theme.ExtendingThemeManager$ExtendingTheme.getMessages")),
    ("  identity providers on the page (IdentityProviderBean)", ("org.keycloak.forms.login.freemarker.model.IdentityProviderBean",)),
    ("  locales on the page (LocaleBean)", ("org.keycloak.theme.beans.LocaleBean", "org.keycloak.forms.login.freemarker.model.LocaleBean")),
    ("locale resolution", ("org.keycloak.locale.",)),
    ("user profile (declarative)", ("org.keycloak.userprofile.",)),
    ("required actions (evaluateTriggers)", ("org.keycloak.services.managers.AuthenticationManager.evaluateRequiredActionTriggers",)),
    ("brute force detection", ("org.keycloak.services.managers.DefaultBruteForceProtector", "org.keycloak.services.managers.BruteForceProtector")),
    ("events (EventBuilder.send)", ("org.keycloak.events.EventBuilder.send",)),
    ("token endpoint", ("org.keycloak.protocol.oidc.endpoints.TokenEndpoint.",)),
    ("token signing (JWSBuilder)", ("org.keycloak.jose.jws.JWSBuilder",)),
    ("the pack's captcha (challenge, verification)", ("com.merchantsupport.keycloak.captcha.",)),
    ("the pack's limits (JourneyLimits, RateCounter)", ("com.merchantsupport.keycloak.limits.",)),
    ("the pack's outbox (queue, claim, send, delete)", ("com.merchantsupport.keycloak.outbox.",)),
    ("the pack's welcome link", ("com.merchantsupport.keycloak.welcome.",)),
    ("email (Keycloak's template and sender)", ("org.keycloak.email.",)),
    ("user creation (Keycloak)", ("org.keycloak.models.jpa.JpaUserProvider.addUser", "org.keycloak.services.resources.admin.UserResource", "org.keycloak.authentication.forms.RegistrationUserCreation.success")),
    ("WebAuthn / passkeys", ("org.keycloak.authentication.authenticators.browser.WebAuthn", "org.keycloak.authentication.authenticators.browser.PasswordlessConditional", "org.keycloak.forms.login.freemarker.model.WebAuthn")),
    ("the pack's own classes", ("com.merchantsupport.",)),
    ("database (Hibernate, H2)", ("org.hibernate.", "org.h2.")),
    ("Infinispan caches", ("org.infinispan.",)),
]

FRAME = re.compile(r"^\s{4}([^\s(][^(]*)\(")

# The benchmark's own requests during a recording: the settle step's /metrics reads, which only the pack's
# recordings have (they wait for its emails). Not the journey's cost: left out, and counted apart.
BENCHMARK_OWN = ("io.quarkus.micrometer.runtime.export.handlers.PrometheusHandler",)


def event_type(path):
    """jdk.CPUTimeSample when the recording has some, else jdk.ExecutionSample."""
    out = subprocess.run([jfr_tool(), "summary", path], capture_output=True, text=True).stdout
    m = re.search(r"^\s*jdk\.CPUTimeSample\s+(\d+)", out, re.MULTILINE)
    return "jdk.CPUTimeSample" if m and int(m.group(1)) > 0 else "jdk.ExecutionSample"


PERIOD = re.compile(r"([\d.]+)\s*(ms|us|µs|s|ns)")


def samples(path, event, depth=512):
    """Yields (thread, weight in ms, [frame, ...]) per sample, leaf first."""
    proc = subprocess.Popen([jfr_tool(), "print", "--events", event, "--stack-depth", str(depth), path],
                            stdout=subprocess.PIPE, text=True, errors="replace")
    thread, frames, in_stack, weight, failed = None, [], False, 10.0, False
    for line in proc.stdout:
        if line.startswith(event):
            thread, frames, in_stack, weight, failed = None, [], False, 10.0, False
        elif line.startswith("  sampledThread = ") or line.startswith("  eventThread = "):
            thread = line.split("=", 1)[1].strip().split(" (")[0].strip('"')
        elif line.startswith("  samplingPeriod = "):
            m = PERIOD.search(line)
            if m:
                weight = float(m.group(1)) * {"ms": 1, "s": 1000, "us": 0.001, "µs": 0.001, "ns": 1e-6}[m.group(2)]
        elif line.startswith("  failed = true"):
            failed = True
        elif line.startswith("  stackTrace = ["):
            in_stack = True
        elif in_stack and line.startswith("  ]"):
            in_stack = False
        elif in_stack:
            m = FRAME.match(line)
            if m:
                frames.append(m.group(1))
        elif line.startswith("}"):
            if not failed:
                yield thread, weight, frames
    proc.wait()


def jfr_tool():
    home = os.environ.get("JAVA_HOME")
    tool = os.path.join(home, "bin", "jfr") if home else "jfr"
    return tool if os.path.exists(tool) else "jfr"


INVOKER = "$quarkusrestinvoker$"


def endpoint(thread, frames):
    """The REST resource method a request was in (the innermost Quarkus REST invoker), else the thread's group."""
    for frame in frames:  # leaf first: the first invoker met is the innermost
        if INVOKER in frame:
            cls, rest = frame.split(INVOKER, 1)
            return cls.rsplit(".", 1)[-1] + "." + rest.split("_", 1)[0]
    return "thread " + re.sub(r"-\d+$", "-N", re.sub(r" /.*", "", thread or "?"))


def analyse(path):
    """CPU ms (weights) in all, per leaf method, per frame anywhere in the stack, per marker, per endpoint."""
    event = event_type(path)
    total, count = 0.0, 0
    self_counts = collections.Counter()
    inclusive = collections.Counter()
    markers = collections.Counter()
    endpoints = collections.Counter()
    left_out = 0.0
    for thread, weight, frames in samples(path, event):
        if any(f.startswith(BENCHMARK_OWN) for f in frames):
            left_out += weight
            continue
        total += weight
        count += 1
        endpoints[endpoint(thread, frames)] += weight
        if frames:
            self_counts[frames[0]] += weight
        for frame in set(frames):
            inclusive[frame] += weight
        for label, prefixes in MARKERS:
            if prefixes is None or any(f.startswith(prefixes) for f in frames):
                markers[label] += weight
    return {"event": event, "count": count, "samples": total, "self": self_counts, "inclusive": inclusive,
            "markers": markers, "endpoints": endpoints, "leftOut": left_out}


def slug(label):
    return re.sub(r"^-|-$", "", re.sub(r"[^a-z0-9]+", "-", label.lower()))


PHASES = (("registration", "Registration (8 users): sign-in page, registration page, [captcha challenge,] submit and its "
                           "redirects; the pack's recording lasts until its emails are sent"),
          ("onboarding", "Whole onboarding to tokens (8 users); the pack's recording lasts until its emails are sent"),
          ("sign-in", "Password sign-in to tokens (8 users)"))


def section(phase, title, variants, w):
    """One phase's tables: variants is [(label, analysis)], the pack first."""
    def per(a, x):
        return x / a["ops"] if a["ops"] else float("nan")

    labels = [label for label, _ in variants]
    w(f"#### {title}")
    w("")
    w(", ".join(f"{label}: {a['ops']} operations, {a['count']:,} samples ({a['samples']:,.0f} CPU ms)" for label, a in variants) + ".")
    left = [f"{label} {per(a, a['leftOut']):.2f}" for label, a in variants if a["leftOut"]]
    if left:
        w("Left out: the benchmark's own `/metrics` reads while it waits for the pack's emails (CPU ms per operation: "
          + ", ".join(left) + ").")
    w("")
    w("| Endpoint or thread (CPU ms per operation) | " + " | ".join(labels) + " |")
    w("|---|" + "---|" * len(labels))
    names = collections.Counter()
    for _, a in variants:
        for name, x in a["endpoints"].items():
            names[name] += per(a, x)
    for name, _ in names.most_common(14):
        w(f"| {name} | " + " | ".join(f"{per(a, a['endpoints'][name]):.2f}" for _, a in variants) + " |")
    w("| **all** | " + " | ".join(f"**{per(a, a['samples']):.2f}**" for _, a in variants) + " |")
    w("")
    w("| Part (CPU ms per operation; a sample counts when the part's frame is anywhere in its stack) | " + " | ".join(labels) + " |")
    w("|---|" + "---|" * len(labels))
    for label, _ in MARKERS:
        values = [per(a, a["markers"][label]) for _, a in variants]
        if label == "whole operation" or max(values) >= 0.05:
            w(f"| {label} | " + " | ".join(f"{v:.2f}" for v in values) + " |")
    w("")
    if len(variants) >= 2:
        (pl, pack), (sl, stock) = variants[0], variants[1]
        w(f"Frames with the largest difference in CPU ms per operation, {pl} − {sl} (inclusive; frames in under 60 % of "
          f"the {pl}'s samples, so the common entry points drop out):")
        w("")
        w(f"| Frame | {pl} | {sl} | difference |")
        w("|---|---|---|---|")
        rows = []
        for frame in set(pack["inclusive"]) | set(stock["inclusive"]):
            pc, sc = pack["inclusive"][frame], stock["inclusive"][frame]
            if pc > 0.6 * pack["samples"]:
                continue
            rows.append((per(pack, pc) - per(stock, sc), frame, per(pack, pc), per(stock, sc)))
        rows.sort(reverse=True)
        for d, frame, p, q in rows[:10]:
            w(f"| `{frame}` | {p:.2f} | {q:.2f} | {d:+.2f} |")
        w("")
    w("Hottest methods (self CPU ms per operation):")
    w("")
    w("| Method | " + " | ".join(labels) + " |")
    w("|---|" + "---|" * len(labels))
    total = collections.Counter()
    for _, a in variants:
        total.update(a["self"])
    for m, _ in total.most_common(8):
        w(f"| `{m}` | " + " | ".join(f"{per(a, a['self'][m]):.2f}" for _, a in variants) + " |")
    w("")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    jfr_dir = os.path.join(args.out, "load", "jfr")
    with open(os.path.join(args.out, "load", "load-results.json"), encoding="utf-8") as f:
        runs = [r for r in json.load(f)["runs"] if r["phase"].endswith("-profiled")]
    L = []
    w = L.append
    summary = {}
    events = set()
    for phase, title in PHASES:
        labels = []
        for r in runs:
            if r["phase"] == phase + "-profiled" and r["variant"] not in labels:
                labels.append(r["variant"])
        labels.sort(key=lambda v: v != "pack")
        variants = []
        for label in labels:
            parts = sorted(glob.glob(os.path.join(jfr_dir, f"{phase}-{slug(label)}-[0-9]*.jfr")))
            if not parts:
                continue
            joined = os.path.join(jfr_dir, f"{phase}-{slug(label)}.jfr")  # JFR files are chunks: concatenated, one recording
            with open(joined, "wb") as out:
                for part in parts:
                    with open(part, "rb") as f:
                        out.write(f.read())
            with open(os.path.join(jfr_dir, f"hot-methods-{phase}-{slug(label)}.txt"), "w", encoding="utf-8") as f:
                subprocess.run([jfr_tool(), "view", "--width", "200", "hot-methods", joined], stdout=f, stderr=subprocess.STDOUT)
            a = analyse(joined)
            a["ops"] = sum(r["count"] for r in runs if r["phase"] == phase + "-profiled" and r["variant"] == label)
            events.add(a["event"])
            variants.append((label, a))
            summary[f"{phase}/{label}"] = {"event": a["event"], "samples": a["count"], "cpuMs": a["samples"], "operations": a["ops"],
                                           "leftOutMs": a["leftOut"], "markers": a["markers"], "endpoints": a["endpoints"], "self": a["self"].most_common(30)}
        if variants:
            section(phase, title, variants, w)
    if not summary:
        return
    head = [f"Server-side JFR (`jcmd JFR.start settings=profile`, samples: {', '.join(sorted(events))}) over the same "
            "journeys as the measured rounds, in rounds of their own (never during the measured rounds): the server's CPU "
            "milliseconds per operation, and where. Recordings and `jfr view hot-methods`: `benchmarks/target/load/jfr/`.", ""]
    with open(os.path.join(args.out, "load", "profile.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=1)
    with open(os.path.join(args.out, "load", "profile.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(head + L) + "\n")
    print("\n".join(head + L[:40]))


if __name__ == "__main__":
    main()
