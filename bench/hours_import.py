"""Hours import of generated files (10 000 and 100 000 lines): rows/s and peak memory, next to a floor.

    /work/venv/bin/python bench/hours_import.py --database-url URL [--lines 10000,100000] [--lift-cap]
        [--app-max 100000]

For each size, the script adds fresh participants and writes a valid CSV in the import's documented layout
(lines on live clauses, months inside their execution periods, employers fitting the modality, at most
200 h a month per person). Then, each in its own process so that its peak memory (max RSS) is its own:
- the floor: parse the same file with ``csv``, look every reference up once (one query per table),
  bulk insert the rows (COPY on PostgreSQL, executemany on SQLite), no checks;
- Levier: ``plan_import`` then ``log_hours``, as ``flask hours import`` does, in one transaction.
Every row written is deleted afterwards (with the participants and the audit entries the run created), so
the database stays as ``bench/generate.py`` left it. Levier refuses files over its ``MAX_LINES`` (20 000
lines today); ``--lift-cap`` raises that limit for the run. Sizes above ``--app-max`` lines are measured
on the floor only.
"""

import argparse
import csv
import io
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from bench.common import (  # noqa: E402
    engine_name,
    make_app,
    normalize_url,
    print_table,
    write_results,
)

CODE_PREFIX = "IMP-"
LINES_PER_PARTICIPANT = 10
LAST_MONTH = date(2026, 10, 1)
INCLUSIVE = ("EI", "ETTI", "EITI", "AI", "ACI", "EA", "EATT", "ESAT")
EMPLOYER_KINDS = {
    "temp_work": ("ETTI", "EATT", "temp_agency"),
    "secondment": ("AI", "GEIQ"),
    "subcontracting": INCLUSIVE,
}


def _month(value) -> date:
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


def prepare(session, lines: int, seed: int = 2026) -> tuple[bytes, list[int]]:
    """Create the participants of a file of ``lines`` lines and return the file and their ids."""
    from app.core.dates import add_months

    rng = random.Random(f"{seed}-import-{lines}")
    clauses = session.execute(
        text(
            "SELECT cl.id, c.reference, b.siret, c.notified_on, c.duration_months, co.identifier "
            "FROM clauses cl JOIN contracts c ON c.id = cl.contract_id JOIN buyers b ON b.id = c.buyer_id "
            "JOIN contract_holders h ON h.contract_id = c.id AND h.position = 0 "
            "JOIN companies co ON co.id = h.company_id "
            "WHERE c.archived_at IS NULL AND cl.kind <> 'reserved' AND c.notified_on IS NOT NULL "
            "AND c.duration_months IS NOT NULL AND co.identifier_type = 'SIRET' "
            "AND (SELECT COUNT(*) FROM clauses k WHERE k.contract_id = c.id) = 1 ORDER BY cl.id"
        )
    ).all()
    periods = []
    for _id, reference, buyer_siret, notified_on, duration, holder in clauses:
        notified_on = _month(notified_on)
        start = notified_on.replace(day=1)
        end = min(add_months(notified_on, duration).replace(day=1), LAST_MONTH)
        months = (end.year - start.year) * 12 + end.month - start.month
        if months >= 1:
            periods.append((reference, buyer_siret, start, months, holder))
    by_kind: dict[str, list[str]] = {}
    for kind, identifier in session.execute(
        text("SELECT kind, identifier FROM companies WHERE identifier_type = 'SIRET' ORDER BY id")
    ):
        by_kind.setdefault(kind, []).append(identifier)
    first_id = (session.execute(text("SELECT COALESCE(MAX(id), 0) FROM participants")).scalar_one() or 0) + 1
    n_participants = -(-lines // LINES_PER_PARTICIPANT)
    codes = [f"{CODE_PREFIX}{lines:06d}-{i:06d}" for i in range(n_participants)]
    session.execute(
        text(
            "INSERT INTO participants (code, gender, is_qpv_resident, other_eligibility_reason) "
            "VALUES (:code, 'unspecified', false, '')"
        ),
        [{"code": code} for code in codes],
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(
        [
            "reference_marche",
            "siret_acheteur",
            "code_participant",
            "siret_employeur",
            "modalite",
            "mois",
            "heures",
        ]
    )
    modalities = ("direct_hire",) * 4 + ("temp_work",) * 3 + ("secondment", "subcontracting", "training")
    written = 0
    for code in codes:
        used_months = set()
        for _ in range(LINES_PER_PARTICIPANT):
            if written >= lines:
                break
            while True:
                reference, buyer_siret, start, months, holder = rng.choice(periods)
                offset = rng.randrange(months)
                month = date(
                    start.year + (start.month - 1 + offset) // 12, (start.month - 1 + offset) % 12 + 1, 1
                )
                if month not in used_months:
                    used_months.add(month)
                    break
            modality = rng.choice(modalities)
            employer = (
                holder
                if modality not in EMPLOYER_KINDS
                else rng.choice([s for kind in EMPLOYER_KINDS[modality] for s in by_kind.get(kind, ())])
            )
            hours = f"{rng.randint(7, 20)},{rng.choice(('00', '50', '25'))}"
            writer.writerow([reference, buyer_siret, code, employer, modality, f"{month:%Y-%m}", hours])
            written += 1
    session.commit()
    ids = (
        session.execute(
            text(f"SELECT id FROM participants WHERE code LIKE '{CODE_PREFIX}{lines:06d}-%' ORDER BY id")
        )
        .scalars()
        .all()
    )
    assert ids and ids[0] >= first_id
    return buffer.getvalue().encode("utf-8"), ids


def cleanup(session, participant_ids: list[int], audit_after: int, *, participants_too: bool) -> None:
    low, high = min(participant_ids), max(participant_ids)
    session.execute(
        text("DELETE FROM hour_entries WHERE participant_id BETWEEN :low AND :high"),
        {"low": low, "high": high},
    )
    session.execute(text("DELETE FROM audit_entries WHERE id > :after"), {"after": audit_after})
    if participants_too:
        session.execute(
            text("DELETE FROM participants WHERE id BETWEEN :low AND :high"), {"low": low, "high": high}
        )
    session.commit()


# --- the two measured runs, each in a child process ----------------------------------------------------


def floor_import(session, data: bytes) -> int:
    """Stream the rows: parse, look each reference up in one query per table, bulk insert; no checks."""
    from decimal import Decimal

    participants = dict(
        session.execute(
            text("SELECT code, id FROM participants WHERE code LIKE :prefix"), {"prefix": CODE_PREFIX + "%"}
        ).all()
    )
    clauses = {
        (reference, siret): clause_id
        for clause_id, reference, siret in session.execute(
            text(
                "SELECT MIN(cl.id), c.reference, b.siret FROM clauses cl JOIN contracts c ON c.id = cl.contract_id "
                "JOIN buyers b ON b.id = c.buyer_id WHERE c.archived_at IS NULL GROUP BY c.reference, b.siret"
            )
        )
    }
    companies = dict(
        session.execute(text("SELECT identifier, id FROM companies WHERE identifier_type = 'SIRET'")).all()
    )
    values = (
        (
            participants[r["code_participant"]],
            clauses[(r["reference_marche"], r["siret_acheteur"])],
            companies[r["siret_employeur"]],
            r["modalite"],
            date.fromisoformat(r["mois"] + "-01"),
            Decimal(r["heures"].replace(",", ".")),
        )
        for r in csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";")
    )
    connection = session.connection().connection.driver_connection
    columns = "participant_id, clause_id, employer_id, modality, month, hours"
    count = 0
    if session.get_bind().dialect.name == "postgresql":
        with connection.cursor() as cursor, cursor.copy(f"COPY hour_entries ({columns}) FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)
                count += 1
    else:
        now = date.today().isoformat()
        cursor = connection.cursor()
        cursor.executemany(
            f"INSERT INTO hour_entries ({columns}, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            ((p, c, e, m, month.isoformat(), str(h), now, now) for p, c, e, m, month, h in values),
        )
        count = cursor.rowcount
    session.commit()
    return count


def app_import(session, data: bytes, filename: str) -> int:
    """What ``flask hours import FILE`` does: plan, then write every line or none."""
    from app.hours.services import log_hours
    from app.hours.services.imports import ImportFileError, plan_import

    try:
        plan = plan_import(None, filename, data)
    except ImportFileError as error:
        session.rollback()
        raise RuntimeError(error.message) from None
    if not plan.is_valid:
        session.rollback()
        raise RuntimeError(
            f"{len(plan.errors)} errors, first: line {plan.errors[0].line}: {plan.errors[0].message}"
        )
    entries = log_hours("ligne de commande", plan.lines)
    session.commit()
    return len(entries)


def child(mode: str, url: str, file: Path, lift_cap: bool) -> None:
    app = make_app(url)
    from app.extensions import db

    data = file.read_bytes()
    if lift_cap:
        import app.hours.services.imports as importer

        importer.MAX_LINES = max(importer.MAX_LINES, data.count(b"\n"))
    with app.app_context():
        db.session.execute(text("SELECT 1"))
        from bench.indicators import QueryCounter

        counter = QueryCounter(db.engine)
        baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        error = None
        try:
            rows = (
                floor_import(db.session, data) if mode == "floor" else app_import(db.session, data, file.name)
            )
        except RuntimeError as refused:
            rows, error = 0, str(refused)
        seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "rows": rows,
                "seconds": seconds,
                "baseline_rss_mb": baseline / 1024,
                "peak_rss_mb": peak / 1024,
                "queries": counter.count,
                "error": error,
            }
        )
    )


def run_child(mode: str, url: str, file: Path, lift_cap: bool) -> dict:
    command = [sys.executable, __file__, "--child", mode, "--database-url", url, "--file", str(file)]
    if lift_cap:
        command.append("--lift-cap")
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"{mode} import failed:\n{completed.stderr[-3000:]}")
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    result["rows_per_s"] = round(result["rows"] / result["seconds"]) if result["rows"] else None
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--lines", default="10000,100000", help="comma-separated file sizes")
    parser.add_argument("--lift-cap", action="store_true", help="let Levier import files over its MAX_LINES")
    parser.add_argument("--app-max", type=int, default=100_000, help="larger files: floor only")
    parser.add_argument("--child", choices=("floor", "app"), help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = normalize_url(args.database_url)
    if args.child:
        child(args.child, url, args.file, args.lift_cap)
        return
    app = make_app(url)
    from app.extensions import db

    results, rows = {}, []
    with tempfile.TemporaryDirectory() as folder:
        for lines in (int(n) for n in args.lines.split(",")):
            file = Path(folder) / f"heures-{lines}.csv"
            with app.app_context():
                data, participant_ids = prepare(db.session, lines)
                audit_after = db.session.execute(
                    text("SELECT COALESCE(MAX(id), 0) FROM audit_entries")
                ).scalar_one()
            file.write_bytes(data)
            case = {"lines": lines, "file_bytes": len(data)}
            try:
                case["floor"] = run_child("floor", url, file, False)
                with app.app_context():
                    cleanup(db.session, participant_ids, audit_after, participants_too=False)
                if lines <= args.app_max:
                    case["levier"] = run_child("app", url, file, args.lift_cap)
            finally:
                with app.app_context():
                    cleanup(db.session, participant_ids, audit_after, participants_too=True)
            results[str(lines)] = case
            floor, levier = case["floor"], case.get("levier")
            status = (
                "not run" if levier is None else (f"refused: {levier['error']}" if levier["error"] else "")
            )
            rows.append(
                [
                    f"{lines:,}".replace(",", " "),
                    f"{levier['rows_per_s']} lines/s" if levier and levier["rows_per_s"] else status,
                    f"{levier['seconds']:.1f} s" if levier else "-",
                    f"{levier['peak_rss_mb']:.0f} MB" if levier else "-",
                    levier["queries"] if levier else "-",
                    f"{floor['rows_per_s']} lines/s",
                    f"{floor['seconds']:.2f} s",
                    f"{floor['peak_rss_mb']:.0f} MB",
                    floor["queries"],
                    f"{levier['rows_per_s'] / floor['rows_per_s'] * 100:.1f} %"
                    if levier and levier["rows_per_s"]
                    else "-",
                ]
            )
            print(f"  {lines} lines: done", file=sys.stderr, flush=True)
    engine = engine_name(url)
    print(f"\nHours import ({engine}); peak RSS of the importing process (baseline: the app loaded).\n")
    print_table(
        [
            "lines",
            "Levier",
            "time",
            "peak RSS",
            "queries",
            "floor",
            "time",
            "peak RSS",
            "queries",
            "Levier/floor",
        ],
        rows,
    )
    path = write_results("hours_import", engine, {"database": url.rsplit("/", 1)[-1], "cases": results})
    print(f"Written to {path.relative_to(path.parent.parent.parent)}")


if __name__ == "__main__":
    main()
