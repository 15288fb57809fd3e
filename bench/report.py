"""The page benchmark's report: the targets, the two tables as text, and the commit measured."""
import statistics
import subprocess
from pathlib import Path

from bench.traffic import FRESH_SECONDS

REPO = Path(__file__).resolve().parent.parent
SCALE_TARGET = 1.2
# Throughput ÷ hello under the real-traffic model (issue 9).
REAL_TRAFFIC_TARGETS = {"parent home": 0.3, "family overview": 0.2}
# The pages the render-time target is about; the others are measured alike.
TARGET_PAGES = ("caseload", "family overview", "results", "mine familier")  # results: issue 21; mine familier: 20


def code_revision():
    """The commit measured, the last commit that changed portal/, and whether portal/ had uncommitted changes."""
    def git(*command):
        return subprocess.run(["git", *command], cwd=REPO, capture_output=True, text=True, timeout=10,
                              check=True).stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        portal = git("log", "-1", "--format=%h", "--", "portal")
        dirty = git("status", "--porcelain", "--", "portal")
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{commit} (portal/ as of {portal})" + (" + uncommitted changes in portal/" if dirty else "")


def verdict(ok):
    return "met" if ok else "MISSED"


def _table(rows, text_columns=1):
    """Rows as aligned text: the first `text_columns` columns to the left, the rest (figures) to the right."""
    width = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for number, row in enumerate(rows):
        lines.append("  ".join(str(cell).ljust(w) if i < text_columns else str(cell).rjust(w)
                               for i, (cell, w) in enumerate(zip(row, width))).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in width))
    return "\n".join(lines)


def throughput_report(tp, args):
    """The throughput table, what each traffic model is, and the targets: (text, {target: (figure, met)})."""
    targets = {}
    c = args.concurrency
    rows = [("page", "traffic model", "req/s", "÷ hello", "target"),
            ("hello (bare Flask)", "closed loop", f"{tp['hello_rps']:,.0f}", "1.00", "")]
    for v in tp["variants"].values():
        page, model = v["page"], v["model"]
        ratio = v["ratio"]
        target = ""
        if model == "real traffic" and page in REAL_TRAFFIC_TARGETS:
            minimum = REAL_TRAFFIC_TARGETS[page]
            targets[f"{page} ÷ hello, real traffic"] = (ratio, ratio >= minimum)
            target = f"≥ {minimum}  {verdict(ratio >= minimum)}"
        rows.append((page, model, f"{v['requests_per_second']:,.0f}", f"{ratio:.2f}", target))
    real_home = [v for v in tp["variants"].values() if v["page"] == "parent home" and v["model"] == "real traffic"]
    lines = [
        _table(rows, text_columns=2),
        "",
        f"÷ hello: median over {args.rounds} rounds of the round's req/s ÷ the mean of the hello rounds just"
        " before and after it.",
        f"closed loop:  {c} kept-alive connections, each one signed-in person reloading their own page"
        f" ({c} parents; {c} coordinators, the family page one family of theirs).",
        f"real traffic: the same {c} connections, each request the next signed-in person's cookie in turn:"
        f" {tp['real_parents']:,} parents, none again within {FRESH_SECONDS} s"
        f" (at most {tp['real_traffic_budget']:,} per round);"
        f" {tp['coordinators']} coordinators with {tp['caseload']} families, the family page the next of theirs.",
    ]
    if real_home:
        seconds = statistics.median(v["seconds_per_round"] for v in real_home)
        lines.append(f"Real-traffic home rounds lasted a median {seconds:.1f} s"
                     f" (ended by: {', '.join(sorted({e for v in real_home for e in v['ended_by']}))}).")
        if any("no fresh person" in v["ended_by"] for v in real_home):
            lines.append("WARNING: a real-traffic round ran out of parents not seen in the last minute;"
                         " sign in more (--real-parents).")
    lines.append(f"Home page HTML {tp['page_bytes']['html']:,} bytes, {tp['page_bytes']['html_gzip']:,} gzipped."
                 f" Sign-ins before the timing: {tp['sign_in_seconds']:.0f} s. Load generator used"
                 f" {tp['client_cpu_share']:.0%} of the machine's CPU; {tp['errors']} failed requests.")
    return "\n".join(lines), targets


def render_report(rt, databases):
    """The render-time table and what it shows: (text, {target: (figure, met)}). databases: family counts, in order."""
    targets = {}
    small, large = rt["small"], rt["large"]
    header = ("page (render, ms)", *(f"{families:,}" for families in databases), f"{large:,} ÷ {small:,}", "target",
              "SQL statements", "HTML bytes")
    rows = [header]
    for name, page in rt["pages"].items():
        if name in TARGET_PAGES or name == "parent home":
            ok = page["ratio"] <= SCALE_TARGET
            targets[f"{name} render, {large:,} ÷ {small:,}"] = (page["ratio"], ok)
            target = f"≤ {SCALE_TARGET}  {verdict(ok)}"
        else:
            target = f"({'≤ ' + str(SCALE_TARGET) if page['ratio'] <= SCALE_TARGET else 'over ' + str(SCALE_TARGET)})"
        counts = " / ".join(f"{page['statements'][families]['median']:g}" for families in databases)
        rows.append((name, *(f"{page['ms'][families]:.2f}" for families in databases), f"{page['ratio']:.2f}", target,
                     counts, f"{page['html_bytes']:,}"))
    text = (f"{_table(rows)}\n\nRender time: in-process. Caseload: coordinators with {rt['caseload_families'][large]}"
            f" families ({', '.join(str(rt['pages']['caseload']['subjects'][f]) for f in databases)} coordinators sampled);"
            f" SQL statements are the median per page, per database.")
    return text, targets
