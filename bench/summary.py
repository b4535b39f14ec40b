"""Print the figures of ``bench/results/*.json`` as Markdown tables (for bench/README.md).

/work/venv/bin/python bench/summary.py [postgresql|sqlite]
"""

import json
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def load(name: str, engine: str) -> dict | None:
    path = RESULTS / f"{name}-{engine}.json"
    return json.loads(path.read_text()) if path.exists() else None


def fmt_s(seconds) -> str:
    if seconds is None:
        return "-"
    if seconds < 0.01:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def table(headers: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def generated_section(engine: str) -> None:
    generated = load("generate", engine)
    if generated:
        print(
            f"Data set: scale {generated['scale']}, seed {generated['seed']}, {generated['total_rows']:,} rows "
            f"in {generated['seconds']} s ({generated['rows_per_second']:,} rows/s overall, "
            f"{generated['write_rows_per_second']:,} rows/s for the bulk writes).\n"
        )


def indicators_section(engine: str) -> None:
    indicators = load("indicators", engine)
    if not indicators:
        return
    rows = []
    for label, case in indicators["cases"].items():
        levier, floor = case["levier"], case["floor"]
        rows.append(
            [
                label,
                f"{fmt_s(levier['median_s'])} ({levier['queries']} queries)",
                f"{fmt_s(floor['median_s'])} ({floor['queries']} queries)",
                f"{case['ratio']}×",
            ]
        )
    print(table(["indicators", "Levier, median", "SQL floor, median", "Levier / floor"], rows) + "\n")


def pages_section(engine: str) -> None:
    pages = load("pages", engine)
    if not pages:
        return
    rows = [
        [label, fmt_s(p["median_s"]), fmt_s(p["p95_s"]), p["queries"]] for label, p in pages["pages"].items()
    ]
    print(table(["page", "median", "p95", "queries"], rows) + "\n")
    pdf = pages.get("pdf")
    if pdf:
        print(
            f"Annual PDF, buyer {pdf['buyer_id']}, {pdf['year']}: {fmt_s(pdf['total_s'])} (indicators "
            f"{fmt_s(pdf['indicators_s'])}, rendering {fmt_s(pdf['render_s'])}), {pdf['pages']} pages.\n"
        )


def load_section(engine: str) -> None:
    result = load("load", engine)
    if not result:
        return
    rows = [
        [
            label,
            p["requests_per_s"],
            f"{100 * (p['share_of_sante'] or 0):.1f} %",
            "-" if p["median_ms"] is None else f"{p['median_ms']:.0f} ms",
            "-" if p["p95_ms"] is None else f"{p['p95_ms']:.0f} ms",
        ]
        for label, p in result["pages"].items()
    ]
    print(
        f"{result['users']} users, {result['duration_s']} s per page:\n\n"
        + table(["page", "requests/s", "of /sante", "median", "p95"], rows)
        + "\n"
    )


def _levier_cells(levier: dict | None) -> list[str]:
    if levier is None:
        return ["not run", "-", "-"]
    if levier["error"]:
        return [f"refused ({levier['error']})", fmt_s(levier["seconds"]), f"{levier['peak_rss_mb']:.0f} MB"]
    return [
        f"{levier['rows_per_s']} lines/s",
        fmt_s(levier["seconds"]),
        f"{levier['peak_rss_mb']:.0f} MB, {levier['queries']} queries",
    ]


def hours_section(engine: str) -> None:
    hours = load("hours_import", engine)
    if not hours:
        return
    rows = []
    for lines, case in hours["cases"].items():
        floor = case["floor"]
        rows.append(
            [
                lines,
                *_levier_cells(case.get("levier")),
                f"{floor['rows_per_s']} lines/s, {fmt_s(floor['seconds'])}, {floor['peak_rss_mb']:.0f} MB",
            ]
        )
    print(table(["lines", "Levier", "time", "peak RSS", "floor (parse + bulk insert)"], rows))


def main(engine: str) -> None:
    for section in (generated_section, indicators_section, pages_section, load_section, hours_section):
        section(engine)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "postgresql")
