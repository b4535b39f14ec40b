"""``flask report indicators`` and ``flask report generate``."""

import json
import shutil

import click

from app.core.enums import ReportStatus, ReportTrigger
from app.core.transaction import CommandGroup, checkpoint
from app.referential.services import find_buyer
from app.reports.exports import flatten, indicators_as_dict
from app.reports.queries.indicators import compute_indicators
from app.reports.services import generate_report_version, report_path

report_cli = CommandGroup("report", help="Rapport annuel SPASER (indicateurs, génération).")


def _buyer_or_fail(siret: str):
    buyer = find_buyer(siret)
    if buyer is None:
        raise click.ClickException(f"Aucun acheteur de SIRET {siret}.")
    return buyer


@report_cli.command("indicators", help="Afficher tous les chiffres du rapport annuel.")
@click.option("--buyer", "siret", help="SIRET de l'acheteur (tous les acheteurs si absent).")
@click.option("--year", type=click.IntRange(2000, 2100), required=True, help="Année du rapport.")
@click.option("--format", "output", type=click.Choice(["json", "text"]), default="json", show_default=True)
def indicators_command(siret, year, output):
    """Print every figure of the report. Decimals are JSON strings ("1234.50"), counts integers."""
    buyer_id = _buyer_or_fail(siret).id if siret else None
    data = indicators_as_dict(compute_indicators(buyer_id, year))
    if output == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for key, value in flatten(data):
            click.echo(f"{key} : {'—' if value is None else value}")


@report_cli.command(
    "generate", help="Produire une nouvelle version du rapport (les précédentes sont conservées)."
)
@click.option("--buyer", "siret", required=True, help="SIRET de l'acheteur.")
@click.option("--year", type=click.IntRange(2000, 2100), required=True, help="Année du rapport.")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), help="Copier aussi le PDF ici.")
def generate_command(siret, year, output):
    """Generate a new version of the report (kept with the others) and optionally copy it to FILE.pdf."""
    buyer = _buyer_or_fail(siret)
    version = generate_report_version(
        "ligne de commande", buyer, year, trigger=ReportTrigger.CLI, checkpoint=checkpoint
    )
    if version.status != ReportStatus.DONE:
        checkpoint()  # the failed version is kept, as every version is
        raise click.ClickException(f"Échec de la génération (version {version.version}) : {version.error}")
    if output:
        shutil.copyfile(report_path(version), output)
    click.echo(
        f"Rapport {year} de {buyer.name} : version {version.version}, {version.size_bytes} octets, "
        f"SHA-256 {version.checksum}" + (f", copié dans {output}" if output else "")
    )
