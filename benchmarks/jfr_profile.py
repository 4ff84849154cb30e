#!/usr/bin/env python3
"""Reads the JFR recordings of the profiled sign-ins (benchmarks/run.sh: <out>/load/jfr/sign-in-<variant>-<round>.jfr,
the server recorded with JFR's "profile" settings while Gatling ran the same sign-ins as the measured rounds) and
writes <out>/load/profile.md (included in summary.md) and profile.json.

Per variant (pack realm, stock realm): the server's CPU milliseconds per sign-in, in all and inside a few markers
(the parts of a sign-in: page rendering, the password hash, the token endpoint...), the hottest methods (self time),
and the frames whose CPU per sign-in differs most between the two realms. Samples are JFR's jdk.CPUTimeSample (JDK
25+ on Linux: every thread's CPU time, each sample weighing its sampling period) when the recording has them, else
jdk.ExecutionSample (threads running Java code, one every 10 ms, weighed 10 ms); per sign-in so that the two realms
compare whatever their counts.
Standard library and the JDK's `jfr` tool only.
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
    ("whole sign-in", None),
    ("password hash (Argon2)", ("org.bouncycastle.crypto.generators.Argon2",)),
    ("login page (FreeMarkerLoginFormsProvider.createResponse)", ("org.keycloak.forms.login.freemarker.FreeMarkerLoginFormsProvider.createResponse",)),
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
    ("WebAuthn / passkeys", ("org.keycloak.authentication.authenticators.browser.WebAuthn", "org.keycloak.authentication.authenticators.browser.PasswordlessConditional", "org.keycloak.forms.login.freemarker.model.WebAuthn")),
    ("the pack's own classes", ("com.merchantsupport.",)),
    ("database (Hibernate, H2)", ("org.hibernate.", "org.h2.")),
    ("Infinispan caches", ("org.infinispan.",)),
]

FRAME = re.compile(r"^\s{4}([^\s(][^(]*)\(")


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


def analyse(path):
    """CPU ms (weights) in all, per leaf method, per frame anywhere in the stack, per marker, per thread group."""
    event = event_type(path)
    total, count = 0.0, 0
    self_counts = collections.Counter()
    inclusive = collections.Counter()
    markers = collections.Counter()
    threads = collections.Counter()
    for thread, weight, frames in samples(path, event):
        total += weight
        count += 1
        threads[re.sub(r"-\d+$", "-N", thread or "?")] += weight
        if frames:
            self_counts[frames[0]] += weight
        for frame in set(frames):
            inclusive[frame] += weight
        for label, prefixes in MARKERS:
            if prefixes is None or any(f.startswith(prefixes) for f in frames):
                markers[label] += weight
    return {"event": event, "count": count, "samples": total, "self": self_counts, "inclusive": inclusive,
            "markers": markers, "threads": threads}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    jfr_dir = os.path.join(args.out, "load", "jfr")
    with open(os.path.join(args.out, "load", "load-results.json"), encoding="utf-8") as f:
        runs = [r for r in json.load(f)["runs"] if r["phase"] == "sign-in-profiled"]
    result = {}
    for variant in ("pack", "stock"):
        parts = sorted(glob.glob(os.path.join(jfr_dir, f"sign-in-{variant}-[0-9]*.jfr")))
        if not parts:
            continue
        joined = os.path.join(jfr_dir, f"sign-in-{variant}.jfr")  # JFR files are chunks: concatenated, one recording
        with open(joined, "wb") as out:
            for part in parts:
                with open(part, "rb") as f:
                    out.write(f.read())
        with open(os.path.join(jfr_dir, f"hot-methods-{variant}.txt"), "w", encoding="utf-8") as f:
            subprocess.run([jfr_tool(), "view", "--width", "200", "hot-methods", joined], stdout=f, stderr=subprocess.STDOUT)
        sign_ins = sum(r["count"] for r in runs if r["variant"] == variant)
        a = analyse(joined)
        a["signIns"] = sign_ins
        result[variant] = a
    if not result:
        return
    with open(os.path.join(args.out, "load", "profile.json"), "w", encoding="utf-8") as f:
        json.dump({v: {"event": a["event"], "count": a["count"], "cpuMs": a["samples"], "signIns": a["signIns"], "markers": a["markers"],
                       "threads": a["threads"], "self": a["self"].most_common(40)} for v, a in result.items()}, f, indent=1)

    L = []
    w = L.append
    pack, stock = result.get("pack"), result.get("stock")

    def per(a, n):
        return n / a["signIns"] if a and a["signIns"] else float("nan")

    events = ", ".join(sorted({a["event"] for a in result.values()}))
    w(f"Server-side JFR (`jcmd JFR.start settings=profile`, samples: {events}) over the same sign-ins as the measured "
      "rounds, in rounds of their own (never during the measured rounds). Server CPU milliseconds per sign-in, and "
      "where (a sample counts for a part when the part's frame is anywhere in its stack). Recordings and "
      "`jfr view hot-methods`: `benchmarks/target/load/jfr/`.")
    w("")
    w("| Part of the sign-in | pack CPU ms / sign-in | stock CPU ms / sign-in | pack − stock |")
    w("|---|---|---|---|")
    for label, _ in MARKERS:
        p = per(pack, pack["markers"][label]) if pack else float("nan")
        s = per(stock, stock["markers"][label]) if stock else float("nan")
        w(f"| {label} | {p:.2f} | {s:.2f} | {p - s:+.2f} |")
    w("")
    for variant, a in result.items():
        w(f"{variant}: {a['count']:,} samples ({a['samples']:,.0f} CPU ms) over {a['signIns']} sign-ins; CPU ms by thread: "
          + ", ".join(f"{t} {n:,.0f}" for t, n in a["threads"].most_common(5)))
        w("")
    if pack and stock:
        w("Frames with the largest difference in CPU ms per sign-in (inclusive; frames in under 60 % of the pack's "
          "samples, so the common entry points drop out):")
        w("")
        w("| Frame | pack ms / sign-in | stock ms / sign-in | pack − stock |")
        w("|---|---|---|---|")
        frames = set(pack["inclusive"]) | set(stock["inclusive"])
        rows = []
        for frame in frames:
            pc, sc = pack["inclusive"][frame], stock["inclusive"][frame]
            if pc > 0.6 * pack["samples"]:
                continue
            rows.append((per(pack, pc) - per(stock, sc), frame, per(pack, pc), per(stock, sc)))
        rows.sort(reverse=True)
        for d, frame, p, s in rows[:15]:
            w(f"| `{frame}` | {p:.2f} | {s:.2f} | {d:+.2f} |")
        w("")
        w("Hottest methods (self CPU ms per sign-in):")
        w("")
        w("| Method | pack ms / sign-in | stock ms / sign-in |")
        w("|---|---|---|")
        top = [m for m, _ in (pack["self"] + stock["self"]).most_common(12)]
        for m in top:
            w(f"| `{m}` | {per(pack, pack['self'][m]):.2f} | {per(stock, stock['self'][m]):.2f} |")
        w("")
    with open(os.path.join(args.out, "load", "profile.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(L) + "\n")
    print("\n".join(L[:len(MARKERS) + 4]))


if __name__ == "__main__":
    main()
