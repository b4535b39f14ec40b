"""``flask decp import`` and ``flask decp export``: the command-line side of DECP interoperability."""

import json
import sys
from pathlib import Path

import click

from app.core.identifiers import is_valid_siret, normalize_siret
from app.core.transaction import CommandGroup, checkpoint, discard_changes
from app.decp.exports import export_decp
from app.decp.services import ImportSummary, import_decp
from app.decp.services.cleaning import REJECTION_REASONS, WARNING_REASONS
from app.decp.services.reader import CountingReader, UnreadableFile
from app.referential.services import find_buyer

decp_cli = CommandGroup("decp", help="Données essentielles de la commande publique (import, export).")

CLI_ACTOR = "import DECP (ligne de commande)"


def _import_file(path: Path, *, dry_run: bool, buyer: str | None, show_progress: bool) -> ImportSummary:
    """Import one file in its own transaction: committed whole, or rolled back (dry run, unreadable)."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        if show_progress:
            with click.progressbar(length=size, label=path.name, file=sys.stderr, show_pos=False) as bar:
                reader = CountingReader(handle, bar.update)
                summary = _run(reader, path, dry_run, buyer)
        else:
            summary = _run(handle, path, dry_run, buyer)
    return summary


def _run(stream, path: Path, dry_run: bool, buyer: str | None) -> ImportSummary:
    try:
        summary = import_decp(CLI_ACTOR, stream, name=str(path), buyer_siret=buyer)
    except UnreadableFile as error:
        discard_changes()
        summary = ImportSummary(file=str(path), error=str(error))
        return summary
    summary.dry_run = dry_run
    if dry_run:
        discard_changes()
    else:
        checkpoint()  # each file is its own transaction
    return summary


def _print_summary(summary: ImportSummary) -> None:
    click.echo(f"\n{summary.file}")
    if summary.error:
        click.echo(f"  Fichier illisible, rien n'a été importé : {summary.error}", err=True)
        return
    if summary.dry_run:
        click.echo("  Simulation : rien n'a été enregistré.")
    click.echo(
        f"  lus {summary.read} · créés {summary.created} · mis à jour {summary.updated} · "
        f"inchangés {summary.unchanged} · rejetés {summary.rejected}"
        + (f" · autres acheteurs {summary.skipped}" if summary.skipped else "")
    )
    if summary.warnings:
        click.echo(f"  Avertissements ({summary.warning_count}) :")
        for reason, count in summary.warnings.most_common():
            click.echo(f"    {count:>7}  {WARNING_REASONS.get(reason, reason)} [{reason}]")
    for rejection in summary.rejections:
        click.echo(f"  Rejeté n° {rejection['position']} ({rejection['path']}) : {rejection['message']}")


def _totals(summaries: list[ImportSummary]) -> dict:
    totals = {
        key: sum(getattr(s, key) for s in summaries)
        for key in ("read", "created", "updated", "unchanged", "skipped", "rejected")
    }
    warnings: dict[str, int] = {}
    for summary in summaries:
        for reason, count in summary.warnings.items():
            warnings[reason] = warnings.get(reason, 0) + count
    totals["warnings"] = dict(sorted(warnings.items()))
    totals["rejections"] = [{"file": s.file, **r} for s in summaries for r in s.rejections]
    totals["files"] = [s.as_dict() for s in summaries]
    return totals


@decp_cli.command(
    "import",
    help="Importer des fichiers DECP (JSON, format 2019 ou 2022) ; chaque fichier est importé en entier ou pas du tout.",
)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Tout vérifier sans rien enregistrer.")
@click.option("--buyer", metavar="SIRET", help="N'importer que les marchés de cet acheteur.")
@click.option("--json", "as_json", is_flag=True, help="Afficher le bilan en JSON.")
def import_command(files: tuple[Path, ...], dry_run: bool, buyer: str | None, as_json: bool) -> None:
    """Import DECP JSON files (2019 or 2022 format); each file is one transaction."""
    if buyer and not is_valid_siret(buyer):
        raise click.BadParameter("SIRET invalide.", param_hint="--buyer")
    buyer = normalize_siret(buyer) if buyer else None
    show_progress = not as_json
    summaries = []
    for path in files:
        if not path.is_file():
            summaries.append(ImportSummary(file=str(path), error="fichier introuvable"))
            continue
        summaries.append(_import_file(path, dry_run=dry_run, buyer=buyer, show_progress=show_progress))
    if as_json:
        click.echo(json.dumps(_totals(summaries), ensure_ascii=False, indent=2))
    else:
        for summary in summaries:
            _print_summary(summary)
        if len(summaries) > 1:
            totals = _totals(summaries)
            click.echo(
                f"\nTotal : lus {totals['read']} · créés {totals['created']} · mis à jour {totals['updated']} · "
                f"inchangés {totals['unchanged']} · rejetés {totals['rejected']}"
            )
    if any(s.error for s in summaries):
        sys.exit(1)


@decp_cli.command(
    "export",
    help="Écrire les marchés d'un acheteur notifiés dans l'année au format DECP 2022 (schéma 2.0.3).",
)
@click.option("--buyer", "buyer_siret", metavar="SIRET", required=True, help="SIRET de l'acheteur.")
@click.option("--year", type=int, required=True, help="Année de notification.")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Fichier à écrire (sinon la sortie standard).",
)
def export_command(buyer_siret: str, year: int, output: Path | None) -> None:
    """Write the buyer's contracts notified in YEAR as DECP 2022 JSON (schema 2.0.3)."""
    buyer = find_buyer(buyer_siret) if is_valid_siret(buyer_siret) else None
    if buyer is None:
        raise click.BadParameter("Acheteur inconnu (SIRET).", param_hint="--buyer")
    result = export_decp(buyer, year)
    text = json.dumps(result.document, ensure_ascii=False, indent=2)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
        click.echo(f"{result.exported} marché(s) écrit(s) dans {output}.", err=True)
    else:
        click.echo(text)
    for reference, reason in result.left_out:
        click.echo(f"Non exporté : {reference} — {reason}", err=True)


__all__ = ["decp_cli", "REJECTION_REASONS"]
