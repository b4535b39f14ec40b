import csv
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import delete

from app.extensions import db
from app.referential.models import CpvCode

ref_cli = AppGroup("ref", help="Données de référence (CPV, territoires).")

DEFAULT_CPV_CSV = Path(__file__).resolve().parent.parent / "data" / "cpv_2008_fr.csv"


def load_cpv(path: Path) -> int:
    """Replace the CPV list with the rows of a ``code,libelle_fr`` CSV (code as 45000000-7); return the count."""
    rows = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for line_number, row in enumerate(csv.DictReader(handle), start=2):
            code, _, check = (row.get("code") or "").strip().partition("-")
            label = (row.get("libelle_fr") or "").strip()
            if len(code) != 8 or not code.isdigit() or len(check) != 1 or not label:
                raise click.ClickException(f"Ligne {line_number} : code CPV ou libellé invalide ({row!r}).")
            rows.append({"code": code, "check_digit": check, "label": label[:400]})
    if not rows:
        raise click.ClickException("Le fichier ne contient aucun code CPV.")
    db.session.execute(delete(CpvCode))
    db.session.execute(db.insert(CpvCode), rows)
    return len(rows)


@ref_cli.command("load-cpv", help="Charger la nomenclature CPV 2008 (le CSV fourni, sauf fichier indiqué).")
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load_cpv_command(path):
    """Load the CPV 2008 list (the CSV shipped with Levier unless PATH is given)."""
    count = load_cpv(path or DEFAULT_CPV_CSV)
    db.session.commit()
    click.echo(f"{count} codes CPV chargés.")
