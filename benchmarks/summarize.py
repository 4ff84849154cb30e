#!/usr/bin/env python3
"""Turns one benchmarks/run.sh run into benchmarks/target/summary.md and latency-percentiles.svg.

Reads <out>/load/load-results.json (the Gatling simulation's operations: nanoseconds per operation, windows)
and <out>/jmh-results.json (JMH). Ratios are pack / stock on the same server in the same run. Standard library
only. Never fails because a target is missed: a missed target is written as missed.
"""
import argparse
import datetime
import glob
import json
import math
import os
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
    ]
    colors = {"pack": "#1f6feb", "stock (b)": "#8a8a8a", "stock (a)": "#d29922", "stock": "#8a8a8a"}
    shades = {50: 1.0, 95: 0.7, 99: 0.45}
    pw, ph, top, left, bottom = 300, 260, 60, 50, 70
    width = left + len(panels) * (pw + 20) + 10
    height = top + ph + bottom + 40
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{left}" y="22" font-size="15" font-weight="bold">Latency percentiles, pack vs stock Keycloak 26.7.3 (same server, same run)</text>',
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--elapsed", type=int, default=0)
    ap.add_argument("--command", default="benchmarks/run.sh")
    ap.add_argument("--scale", default="full")
    args = ap.parse_args()
    facts, figs, runs = load(args.out)
    cores, mem, cpu, jdk, osname = machine(args.out)
    L = []
    w = L.append
    w("# Benchmark summary (generated by benchmarks/run.sh)")
    w("")
    w(f"- Date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}; command: `{args.command}`"
      f" (scale {args.scale}); whole run: {args.elapsed // 60} min {args.elapsed % 60} s")
    w(f"- Machine: {cores} cores ({cpu}), {mem} memory, {osname}; JDK: {jdk}")
    w("- Server: Keycloak 26.7.3 distribution, `start-dev` (embedded H2), heap -Xms1g -Xmx2g, one server for every realm; "
      "the load generator (Gatling) runs on the same cores")
    reports = sorted(glob.glob(os.path.join(args.out, "gatling", "*", "index.html")))
    if reports:
        w(f"- Gatling HTML report: `{os.path.relpath(reports[-1], os.path.dirname(os.path.dirname(args.out)))}`")
    missing = sum(max(0, r.get("expected", r["count"]) - r["count"]) for r in runs)  # warm-up included
    w(f"- Failed operations: {facts.get('failures', '?')}; operations that did not complete: {missing}")
    w("")

    def row(name, f):
        return f"| {name} | {f.count} | {fmt(f.throughput)} | {fmt(f.p[50])} | {fmt(f.p[95])} | {fmt(f.p[99])} |"

    head = "| Variant | Operations | Throughput (/s) | p50 (ms) | p95 (ms) | p99 (ms) |\n|---|---|---|---|---|---|"
    for phase, title in (("registration-sequential", "Registration submit, sequential (1 user)"),
                         ("registration-8-users", "Registration submit, 8 concurrent users")):
        pack, sb, sa = (figs.get((phase, v)) for v in ("pack", "stock (b) verify email", "stock (a) password"))
        if not (pack and sb and sa):
            continue
        w(f"## {title}")
        w("")
        w("Latency: the submit and its redirects up to the next page (captcha solved before). Throughput: whole "
          "registrations (sign-in page, registration page, [captcha challenge,] submit) per second.")
        w("")
        w(head)
        w(row("pack (name, email, ALTCHA)", pack))
        w(row("stock (b) \"Verify email\", no password", sb))
        w(row("stock (a) password on the form", sa))
        w("")
        w("| Ratio | Value | Target | Verdict |\n|---|---|---|---|")
        for p in (50, 95):
            r = ratio(pack.p[p], sb.p[p])
            w(f"| p{p} pack / stock (b) | {fmt(r, 2)}x | ≤ 1.1x | {verdict(r <= 1.1)} |")
        for p in (50, 95):
            r = ratio(pack.p[p], sa.p[p])
            w(f"| p{p} pack / stock (a) | {fmt(r, 2)}x | ≤ 0.25x | {verdict(r <= 0.25)} |")
        w(f"| throughput pack / stock (b) | {fmt(ratio(pack.throughput, sb.throughput), 2)}x | (none) | |")
        w(f"| throughput pack / stock (a) | {fmt(ratio(pack.throughput, sa.throughput), 2)}x | (none) | |")
        w("")

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
        w(f"| throughput pack / stock (b) | {fmt(r, 3)}x | ≥ 0.95x | {verdict(r >= 0.95)} |")
        w(f"| p50 pack / stock (b) | {fmt(ratio(pack.p[50], sb.p[50]), 2)}x | (none) | |")
        w("")

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
        w(f"| throughput pack / stock | {fmt(r, 3)}x | ≥ 0.97x | {verdict(r >= 0.97)} |")
        w(f"| p50 pack / stock | {fmt(ratio(pack.p[50], st.p[50]), 2)}x | (none) | |")
        w("")

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
          "for the second step, batches of 500, two at a time, stopped early if over its time budget).")
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

    before, after = facts.get("heap.before.bytes"), facts.get("heap.after.bytes")
    if before is not None and after is not None and before > 0:
        n = facts.get("heap.registrations", 0)
        w(f"## Server heap around {n:,} pack registrations (used heap after full GCs, jcmd GC.run + GC.heap_info)")
        w("")
        w("| Before | After | Growth | Per registration |\n|---|---|---|---|")
        growth = after - before
        w(f"| {before / 2**20:,.1f} MiB | {after / 2**20:,.1f} MiB | {growth / 2**20:+,.1f} MiB | {growth / max(n, 1):+,.0f} bytes |")
        heap = figs.get(("heap", "pack registrations"))
        if heap:
            w("")
            w(f"The {heap.count:,} registrations themselves (8 users): {fmt(heap.throughput)} /s, p50 {fmt(heap.p[50])} ms, "
              f"p95 {fmt(heap.p[95])} ms, p99 {fmt(heap.p[99])} ms.")
        w("")
        w("Target: no growth beyond bounded caches. What stays after a registration until it expires: the "
          "authentication session of the \"check your mailbox\" page (30 min login lifespan) and the captcha's "
          "replay entry (challenge expiry, 10 min); see RESULTS.md for the reading.")
        w("")

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
            else:
                w(f"| verify a solution | {score:.2f} ± {err:.2f} µs/op | ≤ 50 µs | {verdict(score <= 50)} |")
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
    with open(os.path.join(args.out, "summary.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(L) + "\n")
    chart(figs, os.path.join(args.out, "latency-percentiles.svg"))
    print("\n".join(L))
    if missing or facts.get("failures"):
        print(f"FAILED: {missing} operations did not complete, {facts.get('failures')} unexpected pages", flush=True)
        raise SystemExit(3)


if __name__ == "__main__":
    main()
