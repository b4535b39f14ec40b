from pathlib import Path

import click

from app.core.enums import Modality
from app.core.formatting import hours as fmt_hours
from app.core.formatting import month_fr
from app.core.imports import progress_bar
from app.core.transaction import CommandGroup, discard_changes
from app.hours.services.imports import ImportFileError, import_file

hours_cli = CommandGroup("hours", help="Heures d'insertion (import).")


@hours_cli.command(
    "import", help="Importer des heures depuis un fichier CSV ou XLSX (toutes les lignes ou aucune)."
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Vérifier le fichier sans rien enregistrer.")
def import_command(file: Path, dry_run: bool):
    """Import hour entries from a CSV or XLSX file (all lines or none)."""
    with file.open("rb") as source, progress_bar(file.name, source) as bar:
        try:
            report = import_file(
                None, file.name, source, write=not dry_run, progress=bar.update, max_rows=None
            )
        except ImportFileError as error:
            raise click.ClickException(error.message) from None  # the command's transaction is rolled back
    total = report.importer.total_hours
    if not report.is_valid:
        for message in report.error_messages():
            click.echo(message, err=True)
        raise click.ClickException(f"{len(report.errors)} erreur(s) : rien n'a été importé.")
    if dry_run:
        discard_changes()
        for line in report.preview:
            click.echo(
                f"Ligne {line.line} : {line.participant.code} — {line.clause.contract.reference} — "
                f"{line.employer.name} — {Modality.label_of(line.modality)} — {month_fr(line.month)} — "
                f"{fmt_hours(line.hours)}"
            )
        click.echo(
            f"Fichier valide : {report.valid} saisie(s), {fmt_hours(total)} (rien n'a été enregistré)."
        )
        return
    click.echo(f"Import terminé : {report.written} saisie(s) créée(s), {fmt_hours(total)}.")
