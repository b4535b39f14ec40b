from pathlib import Path

import click

from app.core.errors import ServiceError
from app.core.formatting import money
from app.core.transaction import CommandGroup
from app.food.services.imports import apply_import, parse_import

food_cli = CommandGroup("food", help="Achats alimentaires (import).")


@food_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Vérifier le fichier sans rien enregistrer.")
def import_command(file: Path, dry_run: bool):
    """Importer des achats (CSV ou XLSX, format Levier ou fichier d'achats ma-cantine). Tout ou rien."""
    result = parse_import(file.name, file.read_bytes())
    for message in result.error_messages():
        click.echo(message, err=True)
    if not result.is_valid:
        click.echo(f"{len(result.errors)} erreur(s) : rien n'a été importé.", err=True)
        raise SystemExit(1)
    summary = f"{len(result.lines)} achats, {money(result.total)} HT (format {result.format_label})"
    if dry_run:
        click.echo(f"Vérification réussie : {summary}. Rien n'a été enregistré (--dry-run).")
        return
    try:
        apply_import("ligne de commande", result, source=file.name)
    except ServiceError as error:
        click.echo(f"{error.message} Rien n'a été importé.", err=True)
        raise SystemExit(1) from None  # the command's transaction is rolled back
    click.echo(f"Import réussi : {summary}.")
