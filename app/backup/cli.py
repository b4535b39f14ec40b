"""``flask data export FILE`` and ``flask data import FILE``: backup and restore (see archive.py)."""

from pathlib import Path

import click

from app.backup.archive import ArchiveError, export_archive, import_archive
from app.core.transaction import CommandGroup

# Each command is one unit of work: the restore is committed whole when it succeeds, else rolled back.
data_cli = CommandGroup("data", help="Sauvegarder et restaurer toutes les données (base et rapports).")


@data_cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def export_command(file: Path):
    """Écrire une archive complète : toutes les tables, la révision du schéma, les rapports et leurs sommes de contrôle."""
    try:
        summary = export_archive(file)
    except ArchiveError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Archive {file} écrite : révision {summary.revision}, {sum(summary.rows.values())} lignes "
        f"dans {len(summary.rows)} tables, {summary.report_files} fichier(s) de rapport."
    )


@data_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path):
    """Restaurer une archive dans une base vide migrée à la révision de l'archive (tout ou rien)."""
    try:
        summary = import_archive(file)
    except ArchiveError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Archive restaurée : révision {summary.revision}, {sum(summary.rows.values())} lignes, "
        f"{summary.report_files} fichier(s) de rapport."
    )
