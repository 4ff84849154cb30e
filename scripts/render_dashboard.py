#!/usr/bin/env python3
"""Draws docs/grafana/dashboard.svg: the dashboard's panels where Grafana puts them (its 24-column grid), each with
its title and, for the funnel panels, the figures of one /metrics scrape (FunnelMetricsTest writes the one it read
after its journeys to integration-tests/target/funnel-metrics.txt). No Grafana runs on these machines: this is a
picture of the dashboard's layout and of real counts, not a screenshot.

Usage: python3 scripts/render_dashboard.py [metrics.txt] [out.svg]
"""
import json
import re
import sys
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = ROOT / "docs/grafana/merchant-support-funnel.json"
METRICS = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "integration-tests/target/funnel-metrics.txt"
OUT = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "docs/grafana/dashboard.svg"
SAMPLE = re.compile(r'^(merchant_support_journey_steps_total)\{([^}]*)\} ([0-9.eE+-]+)$', re.M)
LABEL = re.compile(r'(\w+)="([^"]*)"')
FUNNEL = ["registration_submitted", "welcome_email_queued", "welcome_email_sent", "link_opened", "password_created", "passkey_created"]
REFUSALS = ["captcha_refused", "already_used", "rate_limited", "link_refused", "welcome_email_failed", "provider_refused"]


def steps(text):
    by_step = {}
    for name, labels, value in SAMPLE.findall(text):
        step = dict(LABEL.findall(labels)).get("step")
        by_step[step] = by_step.get(step, 0) + float(value)
    return by_step


def bars(x, y, w, h, rows, colour):
    out = []
    top = max([v for _, v in rows] + [1])
    row_h = min(22, (h - 40) / max(1, len(rows)))
    for i, (label, value) in enumerate(rows):
        ry = y + 34 + i * row_h
        bw = (w - 190) * value / top
        out.append(f'<text x="{x + 10}" y="{ry + row_h * 0.7:.1f}" font-size="11" fill="#ccc">{escape(label)}</text>')
        out.append(f'<rect x="{x + 150}" y="{ry + 3:.1f}" width="{bw:.1f}" height="{row_h - 6:.1f}" fill="{colour}" rx="2"/>')
        out.append(f'<text x="{x + 156 + bw:.1f}" y="{ry + row_h * 0.7:.1f}" font-size="11" fill="#eee">{value:g}</text>')
    return out


def main():
    dashboard = json.loads(DASHBOARD.read_text())
    counts = steps(METRICS.read_text()) if METRICS.exists() else {}
    col, row = 40, 30
    width = 24 * col + 20
    height = max(p["gridPos"]["y"] + p["gridPos"]["h"] for p in dashboard["panels"]) * row + 80
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif">',
           f'<rect width="{width}" height="{height}" fill="#111217"/>',
           f'<text x="10" y="24" font-size="16" fill="#fff">{escape(dashboard["title"])}</text>',
           f'<text x="10" y="{height - 12}" font-size="11" fill="#888">layout of docs/grafana/merchant-support-funnel.json; '
           f'counts: one /metrics scrape of a test run (scripts/render_dashboard.py), not a Grafana screenshot</text>']
    for p in dashboard["panels"]:
        g = p["gridPos"]
        x, y, w, h = 10 + g["x"] * col, 40 + g["y"] * row, g["w"] * col - 6, g["h"] * row - 6
        svg.append(f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="#181b1f" stroke="#2c3235" rx="3"/>')
        svg.append(f'<text x="{x + 10}" y="{y + 20}" font-size="13" fill="#d8d9da">{escape(p["title"])}</text>')
        if p["id"] == 1:
            svg += bars(x, y, w, h, [(s, counts.get(s, 0)) for s in FUNNEL], "#73bf69")
        elif p["id"] == 5:
            svg += bars(x, y, w, h, [(s, counts.get(s, 0)) for s in REFUSALS], "#f2495c")
        elif p["id"] == 2:
            submitted = counts.get("registration_submitted", 0)
            done = counts.get("password_created", 0) + counts.get("passkey_created", 0)
            text = f"{100 * done / submitted:.0f} %" if submitted else "n/a"
            svg.append(f'<text x="{x + w / 2}" y="{y + h / 2 + 14}" font-size="30" fill="#73bf69" text-anchor="middle">{text}</text>')
        elif p["id"] == 3:
            line = ", ".join(f"{s.split('_', 1)[1]} {counts.get(s, 0):g}" for s in ["provider_account_new", "provider_linked", "provider_refused"])
            svg.append(f'<text x="{x + w / 2}" y="{y + h / 2 + 8}" font-size="13" fill="#5794f2" text-anchor="middle">{escape(line)}</text>')
        else:
            exprs = "; ".join(t["expr"] for t in p["targets"])
            svg.append(f'<text x="{x + 10}" y="{y + 40}" font-size="10" fill="#888">(a time series in Grafana)</text>')
            svg.append(f'<text x="{x + 10}" y="{y + 56}" font-size="9" fill="#666">{escape(exprs[:150])}</text>')
    svg.append("</svg>")
    OUT.write_text("\n".join(svg) + "\n")
    print(f"wrote {OUT} ({'counts from ' + str(METRICS) if counts else 'no counts: ' + str(METRICS) + ' missing'})")


if __name__ == "__main__":
    main()
