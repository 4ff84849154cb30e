#!/usr/bin/env python3
"""Turns one benchmarks/run.sh run into benchmarks/target/summary.md and latency-percentiles.svg.

Reads <out>/load/load-results.json (the Gatling simulation's operations: nanoseconds per operation, windows, and
its facts: heap readings, the outbox drain), <out>/load/heap-*.txt (class histograms), <out>/load/profile.md
(jfr_profile.py) and <out>/jmh-results.json (JMH). Ratios are pack / stock on the same server in the same run. Standard library
only. Never fails because a target is missed: a missed target is written as missed.
"""
import argparse
import datetime
import glob
import json
import math
import os
import re
import platform
import subprocess

P = (50, 95, 99)


def percentile(values, p):
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


class Figures:
    def __init__(self, runs):
        self.count = sum(r["count"] for r in runs)
        self.window = sum(r["windowNanos"] for r in runs) / 1e9
        self.ms = [n / 1e6 for r in runs for n in r["nanos"]]
        self.throughput = self.count / self.window if self.window > 0 else float("nan")
        self.p = {p: percentile(self.ms, p) for p in P}
        self.rounds = len(runs)
        self.expected = sum(r.get("expected", r["count"]) for r in runs)
        self.per_round = [(r["count"] / (r["windowNanos"] / 1e9)) if r["windowNanos"] else float("nan") for r in runs]
        measured = [r for r in runs if r.get("serverCpuNanos", -1) >= 0]
        ops = sum(r["count"] for r in measured)
        # CPU milliseconds per operation of the server's process and of the load generator's (/proc, every thread)
        self.server_cpu = sum(r["serverCpuNanos"] for r in measured) / 1e6 / ops if ops else float("nan")
        self.client_cpu = sum(r["clientCpuNanos"] for r in measured) / 1e6 / ops if ops else float("nan")
        # the server's CPU ms per operation by thread group; what threads that ended in the window used is the rest
        threaded = [r for r in measured if "serverThreadCpuNanos" in r]
        tops = sum(r["count"] for r in threaded)
        self.threads = {}
        for r in threaded:
            for group, nanos in r["serverThreadCpuNanos"].items():
                self.threads[group] = self.threads.get(group, 0) + nanos / 1e6 / tops
            ended = r["serverCpuNanos"] - sum(r["serverThreadCpuNanos"].values())
            self.threads["(threads that ended in the window)"] = self.threads.get("(threads that ended in the window)", 0) + ended / 1e6 / tops


def thread_table(w, columns):
    """The server's CPU per operation by thread group, over the measured rounds' windows, one column per variant."""
    columns = [(name, f) for name, f in columns if f and f.threads]
    if not columns:
        return
    groups = sorted({g for _, f in columns for g in f.threads}, key=lambda g: -max(f.threads.get(g, 0) for _, f in columns))
    shown = [g for g in groups if max(f.threads.get(g, 0) for _, f in columns) >= 0.5]
    w("Server CPU per operation by thread (ms; /proc/PID/task over the measured rounds' windows, names with digits as N; "
      "groups under 0.5 ms left out):")
    w("")
    w("| Thread | " + " | ".join(name for name, _ in columns) + " |")
    w("|---|" + "---|" * len(columns))
    for g in shown:
        w(f"| {g} | " + " | ".join(fmt(f.threads.get(g, 0)) for _, f in columns) + " |")
    w("| **process** | " + " | ".join(f"**{fmt(f.server_cpu)}**" for _, f in columns) + " |")
    w("")


def step_parts(runs, phase, variant):
    """The named steps' wall times (ms) over the rounds of one phase and variant."""
    out = {}
    for r in runs:
        if r["phase"] == phase and r["variant"] == variant:
            for name, nanos in r.get("parts", {}).items():
                out.setdefault(name, []).extend(n / 1e6 for n in nanos)
    return out


def load(out):
    with open(os.path.join(out, "load", "load-results.json"), encoding="utf-8") as f:
        data = json.load(f)
    grouped = {}
    for run in data["runs"]:
        if run["phase"] == "warmup":
            continue
        grouped.setdefault((run["phase"], run["variant"]), []).append(run)
    return data["facts"], {k: Figures(v) for k, v in grouped.items()}, data["runs"]


def verdict(ok):
    return "met" if ok else "**missed**"


def fmt(x, digits=1):
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:,.{digits}f}"


def machine(out):
    cores = os.cpu_count()
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            kb = int(next(l for l in f if l.startswith("MemTotal")).split()[1])
            mem = f"{kb / 1024 / 1024:.0f} GiB"
    except Exception:
        pass
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l for l in f if l.startswith("model name")).split(":", 1)[1].strip()
    except Exception:
        pass
    java = os.path.join(os.environ.get("JAVA_HOME", ""), "bin", "java")
    try:
        jdk = subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()
        jdk = " / ".join(l.strip() for l in jdk[:2])
    except Exception:
        jdk = "?"
    osname = platform.platform()
    try:
        with open("/etc/os-release") as f:
            osname = next(l for l in f if l.startswith("PRETTY_NAME")).split("=", 1)[1].strip().strip('"')
    except Exception:
        pass
    return cores, mem, cpu, jdk, osname


def ratio(a, b):
    return a / b if b else float("nan")


def chart(figs, path):
    panels = [
        ("Registration submit, sequential", "registration-sequential",
         [("pack", "pack"), ("stock (b) verify email", "stock (b)"), ("stock (a) password", "stock (a)")]),
        ("Registration submit, 8 users", "registration-8-users",
         [("pack", "pack"), ("stock (b) verify email", "stock (b)"), ("stock (a) password", "stock (a)")]),
        ("Onboarding to tokens, 8 users", "onboarding-8-users", [("pack", "pack"), ("stock (b) verify email", "stock (b)")]),
        ("Sign-in to tokens, 8 users", "sign-in-8-users", [("pack", "pack"), ("stock", "stock")]),
        ("Pack submit, mail server stalled", "mail-stalled", [("healthy mail server", "healthy"), ("stalled mail server", "stalled")]),
    ]
    colors = {"pack": "#1f6feb", "stock (b)": "#8a8a8a", "stock (a)": "#d29922", "stock": "#8a8a8a",
              "healthy": "#1f6feb", "stalled": "#cf222e"}
    shades = {50: 1.0, 95: 0.7, 99: 0.45}
    pw, ph, top, left, bottom = 300, 260, 60, 50, 70
    width = left + len(panels) * (pw + 20) + 10
    height = top + ph + bottom + 40
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{left}" y="22" font-size="15" font-weight="bold">Latency percentiles, pack vs stock Keycloak 26.7.3, and the pack with its mail server stalled (same server, same run)</text>',
           f'<text x="{left}" y="40" fill="#555">Bars: p50 (solid), p95, p99 (lighter), milliseconds; each panel has its own scale.</text>']
    for i, (title, phase, variants) in enumerate(panels):
        x0 = left + i * (pw + 20)
        present = [(v, label) for v, label in variants if (phase, v) in figs]
        if not present:
            continue
        vmax = max(figs[(phase, v)].p[99] for v, _ in present) * 1.15
        step = 10 ** math.floor(math.log10(vmax / 4)) if vmax > 0 else 1
        tick = step * (1 if vmax / step <= 6 else 2 if vmax / step <= 12 else 5)
        svg.append(f'<text x="{x0 + pw / 2}" y="{top - 6}" text-anchor="middle" font-weight="bold">{title}</text>')
        y = 0.0
        while y <= vmax:
            yy = top + ph - y / vmax * ph
            svg.append(f'<line x1="{x0}" x2="{x0 + pw}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#eee"/>')
            svg.append(f'<text x="{x0 - 4}" y="{yy + 4:.1f}" text-anchor="end" fill="#555">{y:g}</text>')
            y += tick
        svg.append(f'<line x1="{x0}" x2="{x0 + pw}" y1="{top + ph}" y2="{top + ph}" stroke="#333"/>')
        gw = pw / len(present)
        bw = gw / 4.2
        for j, (v, label) in enumerate(present):
            f = figs[(phase, v)]
            gx = x0 + j * gw + (gw - 3 * bw) / 2
            for k, p in enumerate(P):
                val = f.p[p]
                h = val / vmax * ph
                bx = gx + k * bw
                svg.append(f'<rect x="{bx:.1f}" y="{top + ph - h:.1f}" width="{bw - 2:.1f}" height="{h:.1f}" '
                           f'fill="{colors[label]}" fill-opacity="{shades[p]}"><title>{label} p{p}: {val:.1f} ms</title></rect>')
                svg.append(f'<text x="{bx + bw / 2 - 1:.1f}" y="{top + ph - h - 3:.1f}" text-anchor="middle" font-size="9">{val:.0f}</text>')
            svg.append(f'<text x="{x0 + j * gw + gw / 2:.1f}" y="{top + ph + 16}" text-anchor="middle">{label}</text>')
            svg.append(f'<text x="{x0 + j * gw + gw / 2:.1f}" y="{top + ph + 30}" text-anchor="middle" fill="#555" font-size="9">p50 p95 p99</text>')
    svg.append(f'<text x="{left}" y="{height - 12}" fill="#555">benchmarks/run.sh; Gatling 3.15.1; see benchmarks/RESULTS.md for the machine and the exact figures.</text>')
    svg.append("</svg>")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(svg) + "\n")


def histogram(path):
    """jcmd GC.class_histogram: {class: (instances, bytes)}, and "(total)" for its Total line."""
    rows = {}
    if not os.path.exists(path):
        return rows
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 4 and parts[0].endswith(":") and parts[1].isdigit():
                rows[parts[3]] = (int(parts[1]), int(parts[2]))
            elif len(parts) == 3 and parts[0] == "Total":
                rows["(total)"] = (int(parts[1]), int(parts[2]))
    return rows


def heap_section(w, out, facts, side, files, population, realm):
    """The heap readings of one side (the pack: "heap", stock (b): "stockHeap") as a section; returns
    (registrations, growth %, growth % with the user cache cleared or None, growth bytes), or None without readings."""
    before, after = facts.get(f"{side}.before.bytes"), facts.get(f"{side}.after.bytes")
    if before is None or after is None or before <= 0:
        return None
    cleared, before_cleared = facts.get(f"{side}.afterUserCacheCleared.bytes"), facts.get(f"{side}.beforeUserCacheCleared.bytes")
    n = facts.get(f"{side}.registrations", 0)
    who = "pack" if side == "heap" else "stock (b)"
    w(f"## Server heap around {n:,} {population} (realm `{realm}`; used heap after a full GC: jcmd GC.run + GC.heap_info, lowest of three)")
    w("")
    if side == "heap":
        w(f"Before: after a warm-up of the realm, the outbox empty, Keycloak's users cache emptied (the state the "
          "registrations start from). After: the registrations above, their emails drained, "
          f"and {facts.get('heap.expiryWaitSeconds', '?')} s after the last of them arrived (the realm's 60 s lifespans of "
          "the authentication session and of the captcha's replay entry, plus Infinispan's expiration reaper, every 60 s); "
          "each reading also once more after the admin API's \"clear user cache\" (Keycloak's users cache: bounded, "
          "10,000 entries by default, no lifespan), to tell that bounded cache from anything else that stays.")
    else:
        w(f"Keycloak's own \"Verify email\" sign-up (stock (b)) in its copy with the same 60 s lifespans, right after the "
          f"pack's readings: a warm-up, the users cache emptied, the before reading, the same number of registrations at 8 users (each email sent on "
          f"the request, to GreenMail), {facts.get('heap.expiryWaitSeconds', '?')} s, the after reading; the same four readings. "
          "What any Keycloak realm keeps after these registrations, beside what the pack's keeps.")
    w("")
    w("| Reading | Used heap | Against the same reading before |\n|---|---|---|")
    growth = after - before
    w(f"| before | {before / 2**20:,.1f} MiB | |")
    w(f"| after, entries expired | {after / 2**20:,.1f} MiB | {growth / 2**20:+,.1f} MiB ({100 * growth / before:+.1f} %, {growth / max(n, 1):+,.0f} bytes per registration) |")
    pct_cleared = None
    if before_cleared and cleared:
        g2 = cleared - before_cleared
        pct_cleared = 100 * g2 / before_cleared
        w(f"| before, user cache cleared | {before_cleared / 2**20:,.1f} MiB | |")
        w(f"| after, user cache cleared | {cleared / 2**20:,.1f} MiB | {g2 / 2**20:+,.1f} MiB ({pct_cleared:+.1f} %, {g2 / max(n, 1):+,.0f} bytes per registration) |")
    steady, steady_n = facts.get(f"{side}.steady.bytes"), facts.get(f"{side}.steady.registrations", 0)
    pct_steady = None
    if steady:
        g3 = steady - after
        pct_steady = 100 * g3 / after
        w(f"| steady state: {steady_n:,} more registrations from the after reading (Keycloak's bounded caches at their "
          f"bounds at both), entries expired | {steady / 2**20:,.1f} MiB | against after: {g3 / 2**20:+,.1f} MiB "
          f"({pct_steady:+.1f} %, {g3 / max(steady_n, 1):+,.0f} bytes per registration) |")
    w("")
    entries = {}
    for moment in ("before", "after", "beforeUserCacheCleared", "afterUserCacheCleared", "steady"):
        prefix = f"{side}.{moment}.entries."
        for k, v in facts.items():
            if k.startswith(prefix):
                entries.setdefault(k[len(prefix):], {})[moment] = v
    grown = {c: m for c, m in entries.items() if m.get("after", 0) != m.get("before", 0)
             or "steady" in m and m["steady"] != m.get("after", 0)}
    if grown:
        has_steady = any("steady" in m for m in entries.values())
        w("Entries of the server's caches that changed (vendor_statistics_approximate_entries on /metrics), before → after, "
          "and the same once the users cache is cleared" + ("; then at the steady-state reading" if has_steady else "") + ":")
        w("")
        w("| Cache | Entries before → after | User cache cleared: before → after |" + (" Steady state |" if has_steady else "")
          + "\n|---|---|---|" + ("---|" if has_steady else ""))
        for c, m in sorted(grown.items(), key=lambda kv: -(kv[1].get("after", 0) - kv[1].get("before", 0))):
            w(f"| `{c}` | {m.get('before', 0):,.0f} → {m.get('after', 0):,.0f} | "
              f"{m.get('beforeUserCacheCleared', 0):,.0f} → {m.get('afterUserCacheCleared', 0):,.0f} |"
              + (f" {m.get('steady', 0):,.0f} |" if has_steady else ""))
        w("")
    load_dir = os.path.join(out, "load")
    hb, ha = histogram(os.path.join(load_dir, f"{files}-before.txt")), histogram(os.path.join(load_dir, f"{files}-after.txt"))
    hc = histogram(os.path.join(load_dir, f"{files}-after-user-cache-cleared.txt"))
    hbc = histogram(os.path.join(load_dir, f"{files}-before-user-cache-cleared.txt")) or hb
    if all("(total)" in h for h in (hb, ha, hbc, hc)):
        t = {k: h["(total)"][1] for k, h in (("b", hb), ("a", ha), ("bc", hbc), ("ac", hc))}
        w(f"The same four moments counted as live objects (each class histogram runs its own full GC; its Total line): "
          f"before {t['b'] / 2**20:,.1f} MiB, after {t['a'] / 2**20:,.1f} MiB ({100 * (t['a'] - t['b']) / t['b']:+.1f} %); "
          f"user cache cleared: before {t['bc'] / 2**20:,.1f} MiB, after {t['ac'] / 2**20:,.1f} MiB "
          f"({100 * (t['ac'] - t['bc']) / t['bc']:+.1f} %).")
        w("")
    if hb and ha:
        growth_rows = sorted(((ha[c][1] - hb.get(c, (0, 0))[1], c) for c in ha if c != "(total)"), reverse=True)[:12]
        w(f"Live objects that grew most ({who}; jcmd GC.class_histogram, before → after; the last column compares the two "
          "readings with the user cache cleared):")
        w("")
        w("| Class | Instances before → after | Bytes grown | Bytes grown, cache cleared |\n|---|---|---|---|")
        for d, c in growth_rows:
            cc = (hc.get(c, (0, 0))[1] - hbc.get(c, (0, 0))[1]) if hc else float("nan")
            w(f"| `{c}` | {hb.get(c, (0, 0))[0]:,} → {ha[c][0]:,} | {d / 2**20:+,.2f} MiB | {cc / 2**20:+,.2f} MiB |")
        w("")
        for cls in ("org.keycloak.models.sessions.infinispan.entities.RootAuthenticationSessionEntity",
                    "org.keycloak.models.sessions.infinispan.entities.SingleUseObjectValueEntity",
                    "org.keycloak.models.cache.infinispan.entities.CachedUser"):
            if cls in hb or cls in ha:
                w(f"- `{cls.rsplit('.', 1)[1]}` instances: {hb.get(cls, (0, 0))[0]:,} before, {ha.get(cls, (0, 0))[0]:,} after"
                  + (f"; with the user cache cleared {hbc.get(cls, (0, 0))[0]:,} before, {hc.get(cls, (0, 0))[0]:,} after" if hc else ""))
        w("")
    return n, 100 * growth / before, pct_cleared, growth, pct_steady


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--elapsed", type=int, default=0)
    ap.add_argument("--command", default="benchmarks/run.sh")
    ap.add_argument("--scale", default="full")
    args = ap.parse_args()
    facts, figs, runs = load(args.out)
    cores, mem, cpu, jdk, osname = machine(args.out)
    V = []  # the verdicts table: (target, result, verdict)
    L = []
    w = L.append

    def row(name, f):
        return f"| {name} | {f.count} | {fmt(f.throughput)} | {fmt(f.p[50])} | {fmt(f.p[95])} | {fmt(f.p[99])} |"

    head = "| Variant | Operations | Throughput (/s) | p50 (ms) | p95 (ms) | p99 (ms) |\n|---|---|---|---|---|---|"
    registration = {}
    for phase, title, short in (("registration-sequential", "Registration submit, sequential (1 user)", "sequential"),
                                ("registration-8-users", "Registration submit, 8 concurrent users", "8 users")):
        pack, sb, sa = (figs.get((phase, v)) for v in ("pack", "stock (b) verify email", "stock (a) password"))
        if not (pack and sb and sa):
            continue
        w(f"## {title}")
        w("")
        w("Latency: the submit and its redirects up to the next page the merchant sees (captcha solved before): the "
          "pack's \"check your mailbox\" page (its email queued, sent after the commit), stock (b)'s \"verify your email\" "
          "page (its email sent on the way), stock (a)'s redirect to the help center. Throughput: whole registrations "
          "(sign-in page, registration page, [captcha challenge,] submit) per second.")
        w("")
        w(head)
        w(row("pack (name, email, ALTCHA)", pack))
        w(row("stock (b) \"Verify email\", no password", sb))
        w(row("stock (a) password on the form", sa))
        w("")
        w("| Ratio | Value | Target | Verdict |\n|---|---|---|---|")
        ratios = {}
        for stock, name, target in ((sa, "stock (a)", 0.25), (sb, "stock (b)", 0.5)):
            for p in (50, 95):
                r = ratio(pack.p[p], stock.p[p])
                ratios[(name, p)] = r
                w(f"| p{p} pack / {name} | {fmt(r, 2)}x | ≤ {target}x | {verdict(r <= target)} |")
        w(f"| throughput pack / stock (b) | {fmt(ratio(pack.throughput, sb.throughput), 2)}x | (none) | |")
        w(f"| throughput pack / stock (a) | {fmt(ratio(pack.throughput, sa.throughput), 2)}x | (none) | |")
        w("")
        w(f"Server process CPU per registration (user + system, every thread, over the rounds' windows; the pack's emails "
          f"sent after its window are not in it): pack {fmt(pack.server_cpu)} ms, stock (b) {fmt(sb.server_cpu)} ms, "
          f"stock (a) {fmt(sa.server_cpu)} ms.")
        w("")
        if short == "8 users":
            thread_table(w, [("pack", pack), ("stock (b)", sb), ("stock (a)", sa)])
        registration[short] = ratios
    for name, target in (("stock (a)", 0.25), ("stock (b)", 0.5)):
        if registration:
            parts = [f"{short} {fmt(r[(name, 50)], 2)}x / {fmt(r[(name, 95)], 2)}x" for short, r in registration.items()]
            ok = all(r[(name, p)] <= target for r in registration.values() for p in (50, 95))
            V.append((f"Registration submit p50 and p95 ≤ {target}x {name}", "; ".join(parts), verdict(ok)))

    healthy, stalled = figs.get(("mail-stalled", "healthy mail server")), figs.get(("mail-stalled", "stalled mail server"))
    if healthy and stalled:
        w("## Registration submit while the mail server stalls, 8 concurrent users (the pack's realm)")
        w("")
        w("Rounds alternate: the pack's realm with its healthy mail server (GreenMail), then pointed (admin REST API) at a "
          "listener in the load generator that accepts the connection and never writes a byte, then back. Same "
          "submit, same timing as above; the emails queued while stalled arrive once the mail server is back.")
        w("")
        w(head)
        w(row("healthy mail server", healthy))
        w(row("stalled mail server", stalled))
        w("")
        r95, r50 = ratio(stalled.p[95], healthy.p[95]), ratio(stalled.p[50], healthy.p[50])
        w("| Ratio | Value | Target | Verdict |\n|---|---|---|---|")
        w(f"| p95 stalled / healthy | {fmt(r95, 2)}x | ≤ 1.2x | {verdict(r95 <= 1.2)} |")
        w(f"| p50 stalled / healthy | {fmt(r50, 2)}x | (none) | |")
        w("")
        delivered = [(k, v) for k, v in facts.items() if k.startswith("stall.delivered.round")]
        held = [v for k, v in facts.items() if k.startswith("stall.held.round")]
        secs = [v for k, v in sorted(facts.items()) if k.startswith("stall.deliveredSeconds.round")]
        if delivered:
            w(f"Connections the stalling listener held (the outbox's workers waiting on it): {', '.join(str(h) for h in held)} per round; "
              f"the stalled rounds' emails delivered after the mail server was back: {', '.join(str(v) for _, v in sorted(delivered))} "
              f"(in {', '.join(fmt(x, 1) + ' s' for x in secs)}).")
            w("")
        V.append(("Submit p95 with the mail server stalled ≤ 1.2x its p95 with a healthy one", f"{fmt(r95, 2)}x "
                  f"({fmt(stalled.p[95])} ms vs {fmt(healthy.p[95])} ms)", verdict(r95 <= 1.2)))

    pack, sb = figs.get(("onboarding-8-users", "pack")), figs.get(("onboarding-8-users", "stock (b) verify email"))
    if pack and sb:
        w("## Whole onboarding to tokens, 8 concurrent users")
        w("")
        w("Pack: sign-in page, registration page, captcha challenge, submit, welcome mail, link, create password, code, "
          "tokens. Stock (b): sign-in page, registration page, submit, verify-email mail, link, update password, code, tokens.")
        w("")
        w(head.replace("Operations", "Journeys"))
        w(row("pack", pack))
        w(row("stock (b)", sb))
        w("")
        r = ratio(pack.throughput, sb.throughput)
        w("| Ratio | Value | Target | Verdict |\n|---|---|---|---|")
        w(f"| throughput pack / stock (b) | {fmt(r, 3)}x | ≥ 1.05x | {verdict(r >= 1.05)} |")
        w(f"| p50 pack / stock (b) | {fmt(ratio(pack.p[50], sb.p[50]), 2)}x | (none) | |")
        w("")
        w(f"Server process CPU per journey (every thread, over the rounds' windows): pack {fmt(pack.server_cpu)} ms, "
          f"stock (b) {fmt(sb.server_cpu)} ms ({fmt(ratio(pack.server_cpu, sb.server_cpu), 3)}x); load generator "
          f"{fmt(pack.client_cpu)} vs {fmt(sb.client_cpu)} ms.")
        w("")
        thread_table(w, [("pack", pack), ("stock (b)", sb)])
        rounds = ", ".join(fmt(ratio(a, b), 2) for a, b in zip(pack.per_round, sb.per_round))
        V.append(("Whole onboarding throughput ≥ 1.05x stock (b), 8 users", f"{fmt(r, 3)}x (rounds {rounds})", verdict(r >= 1.05)))

    pack, st = figs.get(("sign-in-8-users", "pack")), figs.get(("sign-in-8-users", "stock"))
    if pack and st:
        w("## Password sign-in to the help center client, 8 concurrent users")
        w("")
        w("Sign-in page, email + password, code, tokens; each sign-in in a fresh browser.")
        w("")
        w(head.replace("Operations", "Sign-ins"))
        w(row("pack realm", pack))
        w(row("stock realm", st))
        w("")
        r = ratio(pack.throughput, st.throughput)
        w("| Ratio | Value | Target | Verdict |\n|---|---|---|---|")
        w(f"| throughput pack / stock | {fmt(r, 3)}x | ≥ 0.98x | {verdict(r >= 0.98)} |")
        w(f"| p50 pack / stock | {fmt(ratio(pack.p[50], st.p[50]), 2)}x | (none) | |")
        w("")
        rounds = ", ".join(fmt(ratio(a, b), 2) for a, b in zip(pack.per_round, st.per_round))
        V.append(("Sign-in throughput ≥ 0.98x stock", f"{fmt(r, 3)}x (rounds {rounds})", verdict(r >= 0.98)))
        w(f"CPU per sign-in (the processes' user + system time over the rounds, every thread): server {fmt(pack.server_cpu)} ms "
          f"(pack) vs {fmt(st.server_cpu)} ms (stock), {fmt(ratio(pack.server_cpu, st.server_cpu), 3)}x; load generator "
          f"{fmt(pack.client_cpu)} ms vs {fmt(st.client_cpu)} ms. Sign-in page: "
          f"{fmt(facts.get('page.sign-in.bytes.merchant-support'), 0)} bytes (pack) vs {fmt(facts.get('page.sign-in.bytes.stock-password'), 0)} (stock).")
        w("")
        sq_p, sq_s = figs.get(("sign-in-sequential", "pack")), figs.get(("sign-in-sequential", "stock"))
        if sq_p and sq_s:
            w(f"Sequential (1 user, no queueing): pack {fmt(sq_p.throughput)} /s, p50 {fmt(sq_p.p[50])} ms; stock "
              f"{fmt(sq_s.throughput)} /s, p50 {fmt(sq_s.p[50])} ms ({fmt(ratio(sq_p.throughput, sq_s.throughput), 3)}x).")
            w("")
        pp, sp = step_parts(runs, "sign-in-8-users", "pack"), step_parts(runs, "sign-in-8-users", "stock")
        if pp and sp:
            w("Where a sign-in's wall time goes, as the load generator sees it (p50 per step, ms):")
            w("")
            w("| Step | pack p50 | stock p50 | pack / stock |\n|---|---|---|---|")
            for name in pp:
                a, b = percentile(pp[name], 50), percentile(sp.get(name, []), 50)
                w(f"| {name} | {fmt(a)} | {fmt(b)} | {fmt(ratio(a, b), 2)}x |")
            w("")

    profile = os.path.join(args.out, "load", "profile.md")
    if os.path.exists(profile):
        w("## Where the server's CPU goes (JFR): pack vs stock, per endpoint")
        w("")
        for phase, a, b in (("registration-profiled", "pack", "stock (b) verify email"), ("onboarding-profiled", "pack", "stock (b) verify email"),
                            ("sign-in-profiled", "pack", "stock")):
            fa, fb = figs.get((phase, a)), figs.get((phase, b))
            if fa and fb:
                w(f"- {phase}, the profiled rounds themselves (JFR on): {a} {fmt(fa.throughput)} /s, {b} {fmt(fb.throughput)} /s "
                  f"({fmt(ratio(fa.throughput, fb.throughput), 3)}x); server process CPU per operation {fmt(fa.server_cpu)} vs {fmt(fb.server_cpu)} ms")
        w("")
        with open(profile, encoding="utf-8") as f:
            w(f.read().rstrip())
        w("")

    n_out = facts.get("outbox.registrations")
    if n_out:
        n = n_out
        w(f"## The outbox: {n:,} emails queued while the mail server stalls, then drained")
        w("")
        w(f"Realm `merchant-support-heap` (a copy of the pack's realm, short lifespans) pointed at the stalling listener "
          f"for {n:,} registrations (8 users, one welcome email each), then back at GreenMail; times from that moment. "
          "The server's retry task runs every 2 s (`--spi-jpa-entity-provider--merchant-support--outbox-retry-seconds=2`; "
          "30 s by default), 16 workers, at most 1,000 emails in flight (defaults).")
        w("")
        reg = figs.get(("heap", "pack registrations"))
        if reg:
            w(f"The registrations themselves (mail server stalled): {fmt(reg.throughput)} /s, p50 {fmt(reg.p[50])} ms, "
              f"p95 {fmt(reg.p[95])} ms, p99 {fmt(reg.p[99])} ms.")
            w("")
        first, p10, p50, p90, done = (facts.get(f"outbox.drain.{k}.seconds", -1) for k in ("first", "p10", "p50", "p90", "all"))
        zero = facts.get("outbox.drain.waitingZero.seconds", -1)
        addresses, emails = facts.get("outbox.delivered.addresses", 0), facts.get("outbox.delivered.emails", 0)
        duplicates = emails - addresses
        rate = n / done if done and done > 0 else float("nan")
        steady = 0.8 * n / (p90 - p10) if p90 and p10 and p90 > p10 else float("nan")
        sent = facts.get("outbox.after.sent", -1) - facts.get("outbox.before.sent", 0)
        failures = facts.get("outbox.after.failures", -1) - facts.get("outbox.before.failures", 0)
        w("| Figure | Value |\n|---|---|")
        w(f"| emails queued (merchant_support_outbox_waiting when the mail server came back) | {fmt(facts.get('outbox.waitingGaugeAtRestore'), 0)} |")
        w(f"| emails that arrived while the mail server stalled | {facts.get('outbox.arrivedWhileStalled', '?')} |")
        w(f"| connections the stalling listener held when it was closed | {facts.get('outbox.stalledConnectionsClosed', '?')} |")
        w(f"| first email arrived | {fmt(first, 1)} s |")
        w(f"| 10 % / 50 % / 90 % arrived | {fmt(p10, 1)} s / {fmt(p50, 1)} s / {fmt(p90, 1)} s |")
        w(f"| all {n:,} arrived | {fmt(done, 1)} s |")
        w(f"| merchant_support_outbox_waiting read 0 | {fmt(zero, 1)} s |")
        w(f"| emails a second, whole drain (all / time to all) | {fmt(rate, 0)} |")
        w(f"| emails a second, steady part (10 % to 90 %) | {fmt(steady, 0)} |")
        w(f"| addresses with their email / emails received | {addresses:,} / {emails:,} ({duplicates} twice) |")
        w(f"| merchant_support_outbox_sent_total / failures_total over the phase | {fmt(sent, 0)} / {fmt(failures, 0)} |")
        scpu, ccpu = facts.get("outbox.drain.serverCpu.seconds"), facts.get("outbox.drain.clientCpu.seconds")
        if scpu is not None and done and done > 0:
            w(f"| CPU during the drain: server / load generator with GreenMail (cores busy; ms per email) | "
              f"{scpu / done:.2f} / {ccpu / done:.2f} cores; {1000 * scpu / n:.2f} / {1000 * ccpu / n:.2f} ms |")
        w("")
        ok = addresses == n and duplicates == 0
        V.append((f"Outbox: {n:,} queued emails drained once the mail server is back (no target for the rate)",
                  f"all in {fmt(done, 1)} s, {fmt(rate, 0)} emails/s ({fmt(steady, 0)}/s steady), gauge 0 at {fmt(zero, 1)} s; "
                  f"{addresses:,} of {n:,} delivered, {duplicates} twice", ("met" if ok else "**missed**") + ": every email once"))

    pack_heap = heap_section(w, args.out, facts, "heap", "heap", "pack registrations", "merchant-support-heap")
    stock_heap = heap_section(w, args.out, facts, "stockHeap", "stock-heap", "stock (b) registrations", "stock-verify-email-heap")
    if pack_heap:
        n, pct, pct_cleared, growth, pct_steady = pack_heap
        result = f"{pct:+.1f} % ({fmt(facts['heap.before.bytes'] / 2**20)} → {fmt(facts['heap.after.bytes'] / 2**20)} MiB)"
        if pct_cleared is not None:
            result += f"; {pct_cleared:+.1f} % between the two readings with the user cache cleared"
        if pct_steady is not None:
            result += (f"; steady state ({facts.get('heap.steady.registrations', 0):,} more from the after reading, "
                       f"Keycloak's bounded caches full at both): {pct_steady:+.1f} %")
        if stock_heap:
            result += (f"; stock (b), the same {stock_heap[0]:,} registrations: {stock_heap[1]:+.1f} %"
                       + (f", cache cleared {stock_heap[2]:+.1f} %" if stock_heap[2] is not None else "")
                       + f"; the pack's growth beyond stock (b)'s: {(growth - stock_heap[3]) / 2**20:+.1f} MiB")
        judged = verdict(abs(pct) <= 5)
        if pct_steady is not None and abs(pct) > 5:
            judged += " from a cold server; " + ("met" if abs(pct_steady) <= 5 else "**missed**") + " from a steady state"
        V.append((f"Heap after {n:,} registrations and their entries' expiry within 5 % of the start", result, judged))

    used = {v: f for (ph, v), f in figs.items() if ph == "already-used"}
    if len(used) == 2:
        small = used.get("1000 accounts")
        large_name = next(v for v in used if v != "1000 accounts")
        large = used[large_name]
        w("## \"Already used\": the registration submit with an address that has an account, sequential")
        w("")
        w(f"Realm `merchant-support-scale` (a copy of the pack's realm) with {facts.get('accounts.small', '?')} and then "
          f"{facts.get('accounts.large', '?')} accounts (admin partial import: "
          f"{fmt(next((v for k, v in facts.items() if k.startswith('import.merchant-support-scale.') and not k.endswith('.1000.seconds')), None), 0)} s "
          "for the second step, batches of 500, two at a time, stopped early if over its time budget). Each measured "
          "part follows the same warm-up (100 submits at that account count, not reported).")
        w("")
        w(head.replace("| Variant", "| Accounts"))
        w(row(str(facts.get("accounts.small", "1000")), small))
        w(row(str(facts.get("accounts.large", large_name)), large))
        w("")
        r = ratio(large.p[95], small.p[95])
        w("| Ratio | Value | Target | Verdict |\n|---|---|---|---|")
        n = facts.get("accounts.large", large_name)
        w(f"| p95 at {n} / p95 at {facts.get('accounts.small', 1000)} accounts | {fmt(r, 2)}x | ≤ 1.2x (at 100,000) | {verdict(r <= 1.2)} |")
        w(f"| p50 at {n} / p50 at {facts.get('accounts.small', 1000)} accounts | {fmt(ratio(large.p[50], small.p[50]), 2)}x | (none) | |")
        w("")
        V.append((f"Already-used p95 at {n} accounts ≤ 1.2x at 1,000 (same warm-up)", f"{fmt(r, 2)}x ({fmt(large.p[95])} ms vs {fmt(small.p[95])} ms)", verdict(r <= 1.2)))

    jmh_path = os.path.join(args.out, "jmh-results.json")
    if os.path.exists(jmh_path):
        with open(jmh_path, encoding="utf-8") as f:
            jmh = json.load(f)
        w("## Captcha (ALTCHA), server side, per operation: JMH")
        w("")
        w("| Operation | Result (average ± 99.9 % error) | Target | Verdict |\n|---|---|---|---|")
        for b in jmh:
            name = b["benchmark"].rsplit(".", 1)[1]
            score, err = b["primaryMetric"]["score"], b["primaryMetric"]["scoreError"]
            err = err if isinstance(err, (int, float)) else float("nan")
            if name == "issueChallenge":
                per_s = 1e6 / score
                w(f"| issue a challenge | {score:.2f} ± {err:.2f} µs/op ({per_s:,.0f} a second on one core) | ≥ 20,000 a second | {verdict(per_s >= 20000)} |")
                V.append(("ALTCHA challenge issue ≥ 20,000 a second on one core", f"about {per_s:,.0f} a second", verdict(per_s >= 20000)))
            else:
                w(f"| verify a solution | {score:.2f} ± {err:.2f} µs/op | ≤ 50 µs | {verdict(score <= 50)} |")
                V.append(("ALTCHA verification ≤ 50 µs", f"{score:.1f} µs", verdict(score <= 50)))
        w("")

    w("## Every run (rounds alternate pack and stock)")
    w("")
    w("| Phase | Variant | Round | Users | Operations | Window (s) | Throughput (/s) | p50 (ms) | p95 (ms) |\n|---|---|---|---|---|---|---|---|---|")
    for r in runs:
        if r["phase"] == "warmup" or not r["count"]:
            continue
        f = Figures([r])
        w(f"| {r['phase']} | {r['variant']} | {r['round']} | {r['users']} | {r['count']} | {f.window:.1f} | {fmt(f.throughput)} | {fmt(f.p[50])} | {fmt(f.p[95])} |")
    w("")

    H = []
    h = H.append
    h("# Benchmark summary (generated by benchmarks/run.sh)")
    h("")
    h(f"- Date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}; command: `{args.command}`"
      f" (scale {args.scale}{', only ' + facts['only'] if facts.get('only') else ''}); whole run: {args.elapsed // 60} min {args.elapsed % 60} s")
    h(f"- Machine: {cores} cores ({cpu}), {mem} memory, {osname}; JDK: {jdk}")
    h("- Server: Keycloak 26.7.3 distribution, `start-dev` (embedded H2), heap -Xms1g -Xmx2g, one server for every realm, "
      "metrics on, the outbox's retry task every 2 s; the load generator (Gatling) and its mail servers run on the same cores")
    reports = sorted(glob.glob(os.path.join(args.out, "gatling", "*", "index.html")))
    if reports:
        h(f"- Gatling HTML report: `{os.path.relpath(reports[-1], os.path.dirname(os.path.dirname(args.out)))}`")
    missing = sum(max(0, r.get("expected", r["count"]) - r["count"]) for r in runs)  # warm-up included
    h(f"- Failed operations: {facts.get('failures', '?')}; operations that did not complete: {missing}")
    inline, fetched = facts.get("captcha.challenges.inline", 0), facts.get("captcha.challenges.fetched", 0)
    h(f"- Pack registrations' captcha challenge: {inline:,} taken from the page (the widget's `challengejson`), "
      f"{fetched:,} fetched from `/altcha/challenge`")
    for side, label in (("pack", "pack"), ("stockB", "stock (b)")):
        journeys = facts.get(f"onboarding.journeys.{side}", 0)
        if journeys:
            late = facts.get(f"onboarding.emailNotYetThere.{side}", 0)
            wait = facts.get(f"onboarding.emailWaitMicros.{side}", 0) / journeys / 1000
            h(f"- Onboarding, {label}: the email not yet in the mailbox at the journey's first look in {late:,} of "
              f"{journeys:,} journeys (warm-up included); mean wait for it {wait:.1f} ms (part of the timed journey)")
    notes = [f"{k}: {v}" for k, v in facts.items() if k.startswith("settle.")]
    if notes:
        h(f"- Notes: {'; '.join(notes)}")
    h("")
    if V:
        h("## Verdicts")
        h("")
        h("| Target | Result | Verdict |\n|---|---|---|")
        for target, result, v in V:
            h(f"| {target} | {result} | {v} |")
        h("")
    L = H + L
    users = int(facts.get("users", 8))
    if users != 8:
        # The phases keep their ids; what the summary says of them is the count they ran with.
        eight = re.compile(r"\b8( concurrent)? users\b")
        L = [eight.sub(lambda m: f"{users}{m.group(1) or ''} users", line) for line in L]
        L.insert(3, f"- **Concurrency: {users} users where the targets say 8** (`BENCH_USERS`): figures for investigating, "
                    "its verdicts are not the targets'")
    with open(os.path.join(args.out, "summary.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(L) + "\n")
    chart(figs, os.path.join(args.out, "latency-percentiles.svg"))
    print("\n".join(L))
    if facts.get("outbox.missing"):
        print(f"NOTE: {facts['outbox.missing']} queued emails had not arrived when the drain phase stopped waiting", flush=True)
    if missing or facts.get("failures"):
        print(f"FAILED: {missing} operations did not complete, {facts.get('failures')} unexpected pages", flush=True)
        raise SystemExit(3)


if __name__ == "__main__":
    main()
