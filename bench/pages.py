"""Time full HTTP requests (Flask test client) of the pages that grow with the data, next to ``/sante``.

    /work/venv/bin/python bench/pages.py --database-url URL [--runs 5] [--year 2025] [--no-pdf]

Each page is requested once to warm up, then ``--runs`` times (fewer when a page has used ``--budget``
seconds): median, p95 and the number of SQL statements of one request. Then the annual PDF of the
largest buyer-year (indicators + rendering, as the report service does, without storing a version):
time, size and pages. Run it on a database filled by ``bench/generate.py`` (its accounts sign in).
"""

import argparse
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from bench.common import (  # noqa: E402
    ADMIN_EMAIL,
    BENCH_YEAR,
    FACILITATOR_EMAIL,
    PASSWORD,
    READER_EMAIL,
    engine_name,
    make_app,
    ms,
    normalize_url,
    print_table,
    summary,
    timed,
    write_results,
)
from bench.indicators import QueryCounter, largest_buyer  # noqa: E402


def signed_in_client(app, email: str):
    client = app.test_client()
    response = client.post("/connexion", data={"email": email, "password": PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"Sign-in of {email} failed ({response.status_code}): run bench/generate.py first.")
    return client


def targets(session, year: int) -> dict:
    """The largest buyer of the year, the clause with most entries (and its busiest month), a holder name."""
    buyer_id = largest_buyer(session, year)
    clause_id, month = session.execute(
        text(
            "SELECT clause_id, month FROM hour_entries WHERE clause_id = ("
            " SELECT clause_id FROM hour_entries GROUP BY clause_id ORDER BY COUNT(*) DESC, clause_id LIMIT 1)"
            " GROUP BY clause_id, month ORDER BY COUNT(*) DESC, month LIMIT 1"
        )
    ).one()
    month = month[:7] if isinstance(month, str) else f"{month:%Y-%m}"
    holder = session.execute(
        text(
            "SELECT co.name FROM contract_holders h JOIN companies co ON co.id = h.company_id "
            "GROUP BY co.name ORDER BY COUNT(*) DESC, co.name LIMIT 1"
        )
    ).scalar_one()
    return {"buyer_id": buyer_id, "clause_id": clause_id, "month": month, "holder": holder}


def pages(t: dict, year: int) -> list[tuple[str, str, str]]:
    """(label, account, URL) of every page measured."""
    return [
        ("/sante (reference)", "anonymous", "/sante"),
        ("contract list", "admin", "/marches/"),
        ("contract search by holder", "admin", f"/marches/?q={t['holder'].replace(' ', '+')}"),
        ("hour-entry list (facilitator)", "facilitator", "/heures/saisies"),
        ("hour-entry list (admin)", "admin", "/heures/saisies"),
        ("participants list", "facilitator", "/participants/"),
        ("totals per participant", "facilitator", f"/heures/beneficiaires?annee={year}"),
        ("follow-up (facilitator)", "facilitator", "/heures/"),
        ("behind schedule", "facilitator", "/heures/retards"),
        ("purchases list", "admin", "/alimentation/achats"),
        (
            "monthly grid, largest clause",
            "admin",
            f"/heures/clauses/{t['clause_id']}/saisie?mois={t['month']}",
        ),
        ("dashboard, one buyer-year", "reader", f"/rapports/?acheteur={t['buyer_id']}&annee={year}"),
        ("dashboard, all buyers", "reader", f"/rapports/?annee={year}"),
    ]


def measure_page(client, url: str, runs: int, budget: float, counter: QueryCounter) -> dict:
    response = client.get(url)  # warm-up: templates compiled, caches filled
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}")
    times, queries = [], 0
    while len(times) < runs and sum(times) < budget:
        before = counter.count
        seconds, response = timed(client.get, url)
        queries = counter.count - before
        assert response.status_code == 200, (url, response.status_code)
        times.append(seconds)
    return {**summary(times), "queries": queries, "bytes": len(response.data)}


def measure_pdf(buyer_id: int, year: int) -> dict:
    from pypdf import PdfReader

    from app.reports.pdf.annual import render_annual_report
    from app.reports.queries.indicators import compute_indicators

    start = time.perf_counter()
    indicators = compute_indicators(buyer_id, year)
    computed = time.perf_counter()
    content = render_annual_report(indicators)
    rendered = time.perf_counter()
    return {
        "buyer_id": buyer_id,
        "year": year,
        "total_s": round(rendered - start, 3),
        "indicators_s": round(computed - start, 3),
        "render_s": round(rendered - computed, 3),
        "bytes": len(content),
        "pages": len(PdfReader(io.BytesIO(content)).pages),
        "contracts_in_table": len(indicators.hours.by_contract),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--budget", type=float, default=60, help="stop repeating a page after this many seconds"
    )
    parser.add_argument("--year", type=int, default=BENCH_YEAR)
    parser.add_argument("--no-pdf", action="store_true")
    parser.add_argument("--only", help="measure only the pages whose label contains this text")
    args = parser.parse_args()
    url = normalize_url(args.database_url)
    app = make_app(url)
    from app.extensions import db

    with app.app_context():
        counter = QueryCounter(db.engine)
        t = targets(db.session, args.year)
        db.session.rollback()
    clients = {
        "anonymous": app.test_client(),
        "admin": signed_in_client(app, ADMIN_EMAIL),
        "facilitator": signed_in_client(app, FACILITATOR_EMAIL),
        "reader": signed_in_client(app, READER_EMAIL),
    }
    results, rows = {}, []
    for label, account, page in pages(t, args.year):
        if args.only and args.only not in label:
            continue
        result = measure_page(clients[account], page, args.runs, args.budget, counter)
        results[label] = {"url": page, "account": account, **result}
        rows.append(
            [label, ms(result["median_s"]), ms(result["p95_s"]), result["runs"], result["queries"], page]
        )
        print(f"  {label}: {ms(result['median_s'])}", file=sys.stderr, flush=True)
    pdf = None
    if not args.no_pdf:
        with app.app_context():
            pdf = measure_pdf(t["buyer_id"], args.year)
            db.session.rollback()
    engine = engine_name(url)
    print(f"\nFull HTTP requests through the Flask test client ({engine}, year {args.year}).\n")
    print_table(["page", "median", "p95", "runs", "queries", "URL"], rows)
    if pdf:
        print(
            f"\nAnnual PDF of buyer {pdf['buyer_id']} for {pdf['year']}: {ms(pdf['total_s'])} "
            f"(indicators {ms(pdf['indicators_s'])}, rendering {ms(pdf['render_s'])}), {pdf['pages']} pages, "
            f"{pdf['bytes'] // 1024} KiB, {pdf['contracts_in_table']} contracts in the hours table."
        )
    reference = results.get("/sante (reference)")
    if reference:
        slowest = max(results.items(), key=lambda item: item[1]["median_s"])
        print(
            f"Slowest page: {slowest[0]}, {slowest[1]['median_s'] / reference['median_s']:.0f}× "
            "the median of /sante."
        )
    path = write_results(
        "pages", engine, {"database": url.rsplit("/", 1)[-1], "targets": t, "pages": results, "pdf": pdf}
    )
    print(f"Written to {path.relative_to(path.parent.parent.parent)}")


if __name__ == "__main__":
    main()
