import click

from app.core.transaction import CommandGroup, discard_changes
from app.participants.services import purge_cutoff, purge_identities, retention_years

participants_cli = CommandGroup("participants", help="Bénéficiaires (purge des données personnelles).")


@participants_cli.command(
    "purge", help="Effacer les noms et coordonnées conservés au-delà de la durée de conservation."
)
@click.option("--dry-run", is_flag=True, help="Lister les identités concernées sans rien effacer.")
def purge_command(dry_run: bool):
    """Erase names and contacts kept longer than the retention period after the last activity."""
    codes = purge_identities("ligne de commande", dry_run=dry_run)
    cutoff = purge_cutoff()
    click.echo(
        f"Conservation : {retention_years()} ans ; dernière activité antérieure au {cutoff:%d/%m/%Y} : "
        f"{len(codes)} identité(s) {'à effacer' if dry_run else 'effacée(s)'}."
    )
    for code in codes:
        click.echo(f"  {code}")
    if dry_run:
        discard_changes()
