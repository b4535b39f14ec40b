from pathlib import Path

import click

from app.core.enums import Modality
from app.core.formatting import hours as fmt_hours
from app.core.formatting import month_fr
from app.core.transaction import CommandGroup, discard_changes
from app.hours.services import log_hours
from app.hours.services.imports import ImportFileError, plan_import

hours_cli = CommandGroup("hours", help="Heures d'insertion (import).")


@hours_cli.command(
    "import", help="Importer des heures depuis un fichier CSV ou XLSX (toutes les lignes ou aucune)."
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Vérifier le fichier sans rien enregistrer.")
def import_command(file: Path, dry_run: bool):
    """Import hour entries from a CSV or XLSX file (all lines or none)."""
    try:
        plan = plan_import(None, file.name, file.read_bytes())
    except ImportFileError as error:
        raise click.ClickException(error.message) from None
    if not plan.is_valid:
        for error in plan.errors:
            prefix = f"Ligne {error.line} : " if error.line is not None else ""
            click.echo(prefix + error.message, err=True)
        raise click.ClickException(f"{len(plan.errors)} erreur(s) : rien n'a été importé.")
    total = sum((line.hours for line in plan.lines), start=0)
    if dry_run:
        discard_changes()
        for line in plan.lines:
            click.echo(
                f"Ligne {line.line} : {line.participant.code} — {line.clause.contract.reference} — "
                f"{line.employer.name} — {Modality.label_of(line.modality)} — {month_fr(line.month)} — "
                f"{fmt_hours(line.hours)}"
            )
        click.echo(
            f"Fichier valide : {len(plan.lines)} saisie(s), {fmt_hours(total)} (rien n'a été enregistré)."
        )
        return
    entries = log_hours("ligne de commande", plan.lines)
    click.echo(f"Import terminé : {len(entries)} saisie(s) créée(s), {fmt_hours(total)}.")
