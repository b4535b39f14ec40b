"""Benchmark (not a test): import a generated DECP file of 100 000 records, print speed and peak memory.

    /work/venv/bin/python bench/decp_import.py [--records 100000] [--database-url URL] [--repeat 3]
        [--reimport] [--tracemalloc]

Each run measures, on the same file and in the same process, a floor (ijson's C parser building every
record, nothing else) and the import into an empty database; the medians are printed, in records per
second of elapsed and of CPU time, with the ratio import / floor: on a machine shared with other work,
the ratio is the figure to compare between runs.

Without ``--database-url`` a fresh SQLite file in a temporary directory is used; with a PostgreSQL URL,
use an empty database you can throw away (tables are created, then dropped). Peak memory is the
process's maximum resident set size (``resource.getrusage``); ``--tracemalloc`` also reports the peak
of Python allocations during the import (slower). ``--reimport`` then imports the same file again (every
record unchanged) and reports that second import too.
"""

import argparse
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stdnum import luhn  # noqa: E402


def make_siret(rng: random.Random) -> str:
    siren = "".join(str(rng.randint(0, 9)) for _ in range(8))
    siren += luhn.calc_check_digit(siren)
    body = siren + f"{rng.randint(1, 9999):04d}"
    return body + luhn.calc_check_digit(body)


def record(index: int, rng: random.Random, buyers: list[str], holders: list[str]) -> dict:
    """One 2022-format record, with the defects real files carry now and then."""
    item = {
        "id": f"B{index:07d}",
        "acheteur": {"id": rng.choice(buyers)},
        "nature": "Marché",
        "objet": f"Travaux de rénovation du bâtiment n° {index}",
        "codeCPV": rng.choice(["45000000", "45210000-2", "77310000", "30192000", "90910000"]),
        "techniques": {"technique": ["Sans objet"]},
        "modalitesExecution": {"modaliteExecution": ["Sans objet"]},
        "procedure": rng.choice(["Procédure adaptée", "Appel d'offres ouvert"]),
        "lieuExecution": {
            "code": "62041",
            "typeCode": rng.choice(["Code commune", "CODE POSTAL", "code_postal"]),
        },
        "dureeMois": rng.randint(1, 60),
        "dateNotification": f"{rng.randint(2019, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "datePublicationDonnees": "2025-01-15",
        "montant": rng.choice([rng.randint(5_000, 5_000_000), 0, 999999999])
        if rng.random() < 0.05
        else rng.randint(5_000, 5_000_000),
        "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": rng.choice(holders)}}],
        "considerationsSociales": {
            "considerationSociale": rng.choice(
                [["Pas de considération sociale"]] * 6
                + [["Clause sociale"], ["Critère social"], ["Marché réservé"]]
            )
        },
        "considerationsEnvironnementales": {
            "considerationEnvironnementale": ["Pas de considération environnementale"]
        },
    }
    if rng.random() < 0.03:
        item["objet"] = "MarchÃ© de rÃ©novation nÂ° " + str(index)
    if rng.random() < 0.03:
        item["dateNotification"] += "+01:00"
    if rng.random() < 0.1:
        item["modifications"] = [
            {
                "modification": {
                    "id": 1,
                    "dateNotificationModification": "2025-03-01",
                    "datePublicationDonneesModification": "2025-03-10",
                    "montant": 123456,
                }
            }
        ]
    return item


def generate(path: Path, count: int) -> None:
    """Write the file record by record: the generator itself stays small."""
    rng = random.Random(2026)
    buyers = [make_siret(rng) for _ in range(20)]
    holders = [make_siret(rng) for _ in range(2000)]
    with path.open("w", encoding="utf-8") as handle:
        handle.write('{"marches": {"marche": [\n')
        for index in range(count):
            if index:
                handle.write(",\n")
            handle.write(json.dumps(record(index, rng, buyers, holders), ensure_ascii=False))
        handle.write("\n]}}\n")


def peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(action) -> tuple[float, float, object]:
    """Run ``action``; return (wall seconds, CPU seconds of this process, its result)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def floor(source: Path) -> int:
    """The floor: ijson's C parser building every record, nothing else (no normalisation, no database)."""
    import ijson

    with source.open("rb") as handle:
        return sum(1 for _record in ijson.items(handle, "marches.marche.item"))


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measure (the median is reported)")
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--reimport", action="store_true", help="import the same file a second time")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="levier-bench-") as tmp:
        tmp_path = Path(tmp)
        os.environ["LEVIER_INSTANCE_PATH"] = str(tmp_path / "instance")
        os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp_path / 'bench.db'}"
        os.environ.setdefault("SECRET_KEY", "benchmark")

        source = tmp_path / "decp_bench.json"
        started = time.perf_counter()
        generate(source, args.records)
        size_mb = source.stat().st_size / 1024 / 1024
        print(
            f"Fichier généré : {args.records} enregistrements, {size_mb:.1f} Mo ({time.perf_counter() - started:.1f} s)"
        )

        from app import create_app
        from app.decp.services import import_decp
        from app.extensions import db

        app = create_app()
        engine = "PostgreSQL" if args.database_url and "postgresql" in args.database_url else "SQLite"
        floors, imports, reimports = [], [], []
        with app.app_context():
            rss_before = peak_rss_mb()
            for run in range(args.repeat):
                floors.append(timed(lambda: floor(source))[:2])
                db.drop_all()
                db.create_all()
                if args.tracemalloc and run == 0:
                    tracemalloc.start()

                def run_import():
                    with source.open("rb") as handle:
                        summary = import_decp("benchmark", handle, name=source.name)
                    db.session.commit()
                    return summary

                wall, cpu, summary = timed(run_import)
                imports.append((wall, cpu))
                if run == 0:
                    print(
                        f"Import : lus {summary.read}, créés {summary.created}, mis à jour {summary.updated}, "
                        f"inchangés {summary.unchanged}, rejetés {summary.rejected}, "
                        f"avertissements {summary.warning_count}"
                    )
                    if args.tracemalloc:
                        traced = tracemalloc.get_traced_memory()[1] / 1024 / 1024
                        tracemalloc.stop()
                        print(
                            f"Mémoire : pic des allocations Python pendant l'import (tracemalloc) {traced:.0f} Mo"
                        )
                if args.reimport:
                    wall, cpu, again = timed(run_import)
                    assert again.created == again.updated == 0, again.as_dict()
                    reimports.append((wall, cpu))
            db.drop_all()

        n = args.records

        def line(label: str, measures: list[tuple[float, float]]) -> str:
            wall, cpu = median([m[0] for m in measures]), median([m[1] for m in measures])
            floor_wall = median([m[0] for m in floors])
            return (
                f"{label:<22} {n / wall:>8.0f} enr./s (temps réel, médiane de {len(measures)}) · "
                f"{n / cpu:>8.0f} enr./s (CPU) · {wall / floor_wall:>5.1f} × le plancher"
            )

        print(f"Base : {engine} · {os.cpu_count()} cœurs · charge moyenne {os.getloadavg()[0]:.1f}")
        print(line("Plancher (ijson seul)", floors))
        print(line("Import", imports))
        if reimports:
            print(line("Réimport (inchangé)", reimports))
        print(
            f"Mémoire : pic RSS du processus {peak_rss_mb():.0f} Mo (avant les imports : {rss_before:.0f} Mo)"
        )


if __name__ == "__main__":
    main()
