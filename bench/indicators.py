"""Time the report's indicators (``compute_indicators``) next to a floor: hand-written SQL of the same figures.

    /work/venv/bin/python bench/indicators.py --database-url URL [--runs 5] [--year 2025] [--buyer ID]

Measures one buyer-year (by default the buyer with the most contracts notified in the year) and all buyers
together. The floor is a handful of set-based aggregate queries computing the headline figures (contracts,
inclusive holders, planned / realized / cumulated hours, participants, food shares); the script asserts
that Levier and the floor give the same figures, then prints medians of ``--runs`` runs, the number of
SQL statements each issues, and the ratio. Run it on a database filled by ``bench/generate.py``.
"""

import argparse
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, text  # noqa: E402

from bench.common import (  # noqa: E402
    BENCH_YEAR,
    engine_name,
    make_app,
    ms,
    normalize_url,
    print_table,
    summary,
    timed,
    write_results,
)

CENT = Decimal("0.01")
INCLUSIVE = "('EI', 'ETTI', 'EITI', 'AI', 'ACI', 'EA', 'EATT', 'ESAT')"


def _parts(dialect: str, column: str) -> tuple[str, str, str]:
    if dialect == "postgresql":
        return tuple(f"CAST(extract({p} FROM {column}) AS INTEGER)" for p in ("year", "month", "day"))
    return tuple(f"CAST(strftime('{p}', {column}) AS INTEGER)" for p in ("%Y", "%m", "%d"))


def floor_statements(dialect: str, with_buyer: bool) -> dict[str, str]:
    """The floor: four aggregate statements over the buyer-year, written by hand."""
    buyer = "AND c.buyer_id = :buyer" if with_buyer else ""
    site_buyer = (
        "AND p.site_id IN (SELECT id FROM catering_sites WHERE buyer_id = :buyer)" if with_buyer else ""
    )
    year, month, day = _parts(dialect, "c.notified_on")
    end_month = f"({year} * 12 + {month} - 1 + c.duration_months)"
    active = (
        f"(c.notified_on IS NOT NULL AND c.duration_months IS NOT NULL AND c.notified_on < :next "
        f"AND ({end_month} > :year * 12 OR ({end_month} = :year * 12 AND {day} >= 2)))"
    )
    live = f"""
        live AS (
            SELECT cl.id, cl.planned_hours, CASE WHEN {active} THEN 1 ELSE 0 END AS active
            FROM clauses cl JOIN contracts c ON c.id = cl.contract_id
            WHERE c.archived_at IS NULL {buyer}
        )"""
    return {
        "contracts": f"""
            SELECT COUNT(*) AS count, COALESCE(SUM(c.amount_excl_tax), 0) AS amount,
                   COALESCE(SUM(CASE WHEN s.social = 1 THEN 1 ELSE 0 END), 0) AS social_count,
                   COALESCE(SUM(CASE WHEN s.social = 1 THEN c.amount_excl_tax ELSE 0 END), 0) AS social_amount,
                   COALESCE(SUM(CASE WHEN s.inclusive = 1 THEN 1 ELSE 0 END), 0) AS inclusive_count,
                   COALESCE(SUM(CASE WHEN s.inclusive = 1 THEN c.amount_excl_tax ELSE 0 END), 0)
                       AS inclusive_amount
            FROM contracts c
            JOIN (
                SELECT c.id,
                       CASE WHEN EXISTS (SELECT 1 FROM clauses k WHERE k.contract_id = c.id) THEN 1 ELSE 0 END
                           AS social,
                       CASE WHEN EXISTS (
                           SELECT 1 FROM contract_holders h JOIN companies co ON co.id = h.company_id
                           WHERE h.contract_id = c.id AND co.kind IN {INCLUSIVE}) THEN 1 ELSE 0 END AS inclusive
                FROM contracts c
                WHERE c.archived_at IS NULL {buyer} AND c.notified_on >= :start AND c.notified_on < :next
            ) s ON s.id = c.id""",
        "hours": f"""
            WITH {live},
            per_clause AS (
                SELECT e.clause_id,
                       SUM(CASE WHEN e.month >= :start THEN e.hours ELSE 0 END) AS in_year,
                       SUM(e.hours) AS to_date, MIN(e.month) AS first_month
                FROM hour_entries e JOIN live l ON l.id = e.clause_id
                WHERE e.month < :next
                GROUP BY e.clause_id
            )
            SELECT COALESCE(SUM(CASE WHEN l.active = 1 THEN l.planned_hours END), 0) AS planned,
                   COALESCE(SUM(p.in_year), 0) AS realized,
                   COALESCE(SUM(CASE WHEN l.active = 1 AND l.planned_hours IS NOT NULL THEN p.to_date END), 0)
                       AS realized_to_date,
                   COALESCE(SUM(p.to_date), 0) AS cumulated,
                   MIN(p.first_month) AS first_month
            FROM live l LEFT JOIN per_clause p ON p.clause_id = l.id""",
        "participants": f"""
            WITH {live}
            SELECT COUNT(*) AS count, COALESCE(SUM(CASE WHEN pa.is_qpv_resident THEN 1 ELSE 0 END), 0) AS qpv
            FROM participants pa
            WHERE pa.id IN (
                SELECT e.participant_id FROM hour_entries e JOIN live l ON l.id = e.clause_id
                WHERE e.month >= :start AND e.month < :next
            )""",
        "food": f"""
            WITH scoped AS (
                SELECT p.id, p.amount_excl_tax AS amount FROM purchases p
                WHERE p.deleted_at IS NULL AND p.purchased_on >= :start AND p.purchased_on < :next {site_buyer}
            ),
            flags AS (
                SELECT pc.purchase_id,
                       MAX(CASE WHEN pc.code = 'BIO' THEN 1 ELSE 0 END) AS organic,
                       MAX(CASE WHEN pc.code IN ('LABEL_ROUGE', 'AOCAOP', 'IGP', 'STG') THEN 1 ELSE 0 END) AS siqo,
                       MAX(CASE WHEN pc.code IN ('HVE', 'PECHE_DURABLE', 'RUP', 'FERMIER', 'COMMERCE_EQUITABLE',
                                                 'EXTERNALITES', 'PERFORMANCE') THEN 1 ELSE 0 END) AS other,
                       MAX(CASE WHEN pc.code = 'CIRCUIT_COURT' THEN 1 ELSE 0 END) AS short_circuit,
                       MAX(CASE WHEN pc.code = 'LOCAL' THEN 1 ELSE 0 END) AS local
                FROM purchase_characteristics pc JOIN scoped s ON s.id = pc.purchase_id
                GROUP BY pc.purchase_id
            )
            SELECT COUNT(*) AS count, COALESCE(SUM(s.amount), 0) AS total,
                   COALESCE(SUM(CASE WHEN f.organic = 1 THEN s.amount ELSE 0 END), 0) AS organic,
                   COALESCE(SUM(CASE WHEN f.organic = 0 AND f.siqo = 1 THEN s.amount ELSE 0 END), 0) AS siqo,
                   COALESCE(SUM(CASE WHEN f.organic = 0 AND f.siqo = 0 AND f.other = 1 THEN s.amount ELSE 0 END), 0)
                       AS other_egalim,
                   COALESCE(SUM(CASE WHEN f.short_circuit = 1 THEN s.amount ELSE 0 END), 0) AS short_circuit,
                   COALESCE(SUM(CASE WHEN f.local = 1 THEN s.amount ELSE 0 END), 0) AS local
            FROM scoped s LEFT JOIN flags f ON f.purchase_id = s.id""",
    }


def _cents(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)


def floor_figures(session, buyer_id: int | None, year: int) -> dict:
    from datetime import date

    dialect = session.get_bind().dialect.name
    params = {"start": date(year, 1, 1), "next": date(year + 1, 1, 1), "year": year}
    if buyer_id is not None:
        params["buyer"] = buyer_id
    rows = {
        name: session.execute(text(sql), params).mappings().one()
        for name, sql in floor_statements(dialect, buyer_id is not None).items()
    }
    first_month = rows["hours"]["first_month"]
    if isinstance(first_month, str):
        first_month = int(first_month[:4])
    elif first_month is not None:
        first_month = first_month.year
    contracts, hours, people, food = rows["contracts"], rows["hours"], rows["participants"], rows["food"]
    return {
        "contracts.count": int(contracts["count"]),
        "contracts.amount": _cents(contracts["amount"]),
        "contracts.with_social_count": int(contracts["social_count"]),
        "contracts.with_social_amount": _cents(contracts["social_amount"]),
        "inclusive.count": int(contracts["inclusive_count"]),
        "inclusive.amount": _cents(contracts["inclusive_amount"]),
        "hours.planned": _cents(hours["planned"]),
        "hours.realized": _cents(hours["realized"]),
        "hours.realized_to_date": _cents(hours["realized_to_date"]),
        "hours.cumulated": _cents(hours["cumulated"]),
        "hours.first_year": first_month,
        "participants.count": int(people["count"]),
        "participants.qpv_count": int(people["qpv"]),
        "food.count": int(food["count"]),
        "food.total": _cents(food["total"]),
        "food.organic": _cents(food["organic"]),
        "food.siqo": _cents(food["siqo"]),
        "food.other_egalim": _cents(food["other_egalim"]),
        "food.short_circuit": _cents(food["short_circuit"]),
        "food.local": _cents(food["local"]),
    }


def app_figures(indicators) -> dict:
    """The same headline figures, read from Levier's ``Indicators``."""
    c, h, p, i, f = (
        indicators.contracts,
        indicators.hours,
        indicators.participants,
        indicators.inclusive,
        indicators.food.overall,
    )
    return {
        "contracts.count": c.count,
        "contracts.amount": _cents(c.amount),
        "contracts.with_social_count": c.with_social_count,
        "contracts.with_social_amount": _cents(c.with_social_amount),
        "inclusive.count": i.count,
        "inclusive.amount": _cents(i.amount),
        "hours.planned": _cents(h.planned),
        "hours.realized": _cents(h.realized),
        "hours.realized_to_date": _cents(h.realized_to_date),
        "hours.cumulated": _cents(h.cumulated),
        "hours.first_year": h.first_year,
        "participants.count": p.count,
        "participants.qpv_count": p.qpv_count,
        "food.count": f.count,
        "food.total": _cents(f.total),
        "food.organic": _cents(f.organic),
        "food.siqo": _cents(f.siqo),
        "food.other_egalim": _cents(f.other_egalim),
        "food.short_circuit": _cents(f.short_circuit),
        "food.local": _cents(f.local),
    }


class QueryCounter:
    """Counts the statements sent to the database and, when ``timing`` is on, how long each took."""

    def __init__(self, engine):
        self.count = 0
        self.timing = False
        self.statements: list[tuple[float, str]] = []
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, _conn, _cursor, statement, *_args):
        self.count += 1
        self._started = time.perf_counter()

    def _after(self, _conn, _cursor, statement, *_args):
        if self.timing:
            self.statements.append((time.perf_counter() - self._started, statement))

    def slowest(self, function, top: int) -> list[tuple[float, int, str]]:
        """The ``top`` statements of one call of ``function`` that took longest, all their executions summed."""
        self.statements, self.timing = [], True
        try:
            function()
        finally:
            self.timing = False
        grouped: dict[str, list[float]] = {}
        for seconds, statement in self.statements:
            grouped.setdefault(statement, []).append(seconds)
        ranked = sorted(grouped.items(), key=lambda item: -sum(item[1]))[:top]
        return [(sum(times), len(times), statement) for statement, times in ranked]


def measure(function, runs: int, budget: float, counter: QueryCounter) -> tuple[list[float], int, object]:
    """Run ``function`` up to ``runs`` times (at least once, fewer when ``budget`` seconds are spent)."""
    times, result, queries = [], None, 0
    while len(times) < runs and (not times or sum(times) < budget):
        before = counter.count
        seconds, result = timed(function)
        queries = counter.count - before
        times.append(seconds)
    return times, queries, result


def largest_buyer(session, year: int) -> int:
    from datetime import date

    return session.execute(
        text(
            "SELECT buyer_id FROM contracts WHERE notified_on >= :start AND notified_on < :next "
            "GROUP BY buyer_id ORDER BY COUNT(*) DESC, buyer_id LIMIT 1"
        ),
        {"start": date(year, 1, 1), "next": date(year + 1, 1, 1)},
    ).scalar_one()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--budget", type=float, default=120, help="stop repeating a case after this many seconds"
    )
    parser.add_argument("--year", type=int, default=BENCH_YEAR)
    parser.add_argument("--buyer", type=int, help="buyer id (default: most contracts in the year)")
    parser.add_argument("--top", type=int, default=5, help="print the N slowest statements of one buyer-year")
    args = parser.parse_args()
    url = normalize_url(args.database_url)
    app = make_app(url)
    from app.extensions import db
    from app.reports.queries.indicators import compute_indicators

    results, rows = {}, []
    with app.app_context():
        counter = QueryCounter(db.engine)
        buyer_id = args.buyer or largest_buyer(db.session, args.year)
        for label, scope in (("one buyer-year", buyer_id), ("all buyers", None)):
            app_times, app_queries, indicators = measure(
                lambda scope=scope: compute_indicators(scope, args.year), args.runs, args.budget, counter
            )
            db.session.rollback()
            floor_times, floor_queries, floor = measure(
                lambda scope=scope: floor_figures(db.session, scope, args.year),
                args.runs,
                args.budget,
                counter,
            )
            db.session.rollback()
            levier = app_figures(indicators)
            differences = {k: (levier[k], floor[k]) for k in levier if levier[k] != floor[k]}
            if differences:
                raise SystemExit(f"Levier and the floor disagree ({label}): {differences}")
            app_median, floor_median = statistics.median(app_times), statistics.median(floor_times)
            results[label] = {
                "buyer_id": scope,
                "year": args.year,
                "levier": {**summary(app_times), "queries": app_queries},
                "floor": {**summary(floor_times), "queries": floor_queries},
                "ratio": round(app_median / floor_median, 1),
                "figures": {k: str(v) for k, v in levier.items()},
            }
            rows.append(
                [
                    label,
                    f"{ms(app_median)} ({len(app_times)} runs)",
                    app_queries,
                    ms(floor_median),
                    floor_queries,
                    f"{app_median / floor_median:.1f}×",
                ]
            )
        slowest = (
            counter.slowest(lambda: compute_indicators(buyer_id, args.year), args.top) if args.top else []
        )
        db.session.rollback()
    engine = engine_name(url)
    print(
        f"Indicators, year {args.year}, buyer {buyer_id} ({engine}); both give the same headline figures.\n"
    )
    print_table(
        ["indicators of", "Levier median", "queries", "SQL floor median", "queries", "Levier/floor"], rows
    )
    figures = results["one buyer-year"]["figures"]
    print(
        f"\nOne buyer-year: {figures['contracts.count']} contracts, {figures['hours.realized']} h realized, "
        f"{figures['participants.count']} participants, {figures['food.count']} purchases."
    )
    if slowest:
        share = sum(seconds for seconds, _n, _s in slowest) / results["one buyer-year"]["levier"]["median_s"]
        print(
            f"\nStatements of one buyer-year that take longest, executions summed ({share:.0%} of its median):"
        )
        for seconds, times, statement in slowest:
            print(f"  {ms(seconds):>8} {times:>2}×  {' '.join(statement.split())[:140]}")
    path = write_results(
        "indicators",
        engine,
        {
            "database": url.rsplit("/", 1)[-1],
            "cases": results,
            "slowest_statements": [
                {"seconds": round(s, 4), "executions": n, "sql": q} for s, n, q in slowest
            ],
        },
    )
    print(f"Written to {path.relative_to(path.parent.parent.parent)}")


if __name__ == "__main__":
    main()
