from pathlib import Path

import click

from app.core.errors import ServiceError
from app.core.transaction import CommandGroup
from app.referential.services import DEFAULT_CPV_CSV, load_cpv

ref_cli = CommandGroup("ref", help="Données de référence (CPV, territoires).")


@ref_cli.command("load-cpv", help="Charger la nomenclature CPV 2008 (le CSV fourni, sauf fichier indiqué).")
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load_cpv_command(path):
    """Load the CPV 2008 list (the CSV shipped with Levier unless PATH is given)."""
    try:
        count = load_cpv(path or DEFAULT_CPV_CSV)
    except ServiceError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{count} codes CPV chargés.")
