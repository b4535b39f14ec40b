from pathlib import Path

import click

from app.core.errors import ServiceError
from app.core.formatting import money
from app.core.imports import progress_bar
from app.core.transaction import CommandGroup, discard_changes
from app.food.services.imports import import_file

food_cli = CommandGroup("food", help="Achats alimentaires (import).")


@food_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Vérifier le fichier sans rien enregistrer.")
def import_command(file: Path, dry_run: bool):
    """Importer des achats (CSV ou XLSX, format Levier ou fichier d'achats ma-cantine). Tout ou rien."""
    with file.open("rb") as source, progress_bar(file.name, source) as bar:
        try:
            report = import_file(
                "ligne de commande",
                file.name,
                source,
                write=not dry_run,
                progress=bar.update,
                max_rows=None,
            )
        except ServiceError as error:
            click.echo(f"{error.message} Rien n'a été importé.", err=True)
            raise SystemExit(1) from None  # the command's transaction is rolled back
    for message in report.error_messages():
        click.echo(message, err=True)
    if not report.is_valid:
        click.echo(f"{len(report.errors)} erreur(s) : rien n'a été importé.", err=True)
        raise SystemExit(1)
    importer = report.importer
    summary = f"{report.valid} achats, {money(importer.total)} HT (format {importer.format_label})"
    if dry_run:
        discard_changes()
        click.echo(f"Vérification réussie : {summary}. Rien n'a été enregistré (--dry-run).")
        return
    click.echo(f"Import réussi : {summary}.")
