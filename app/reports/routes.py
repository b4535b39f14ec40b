"""Dashboard, report versions, downloads and on-demand generation (readers, officers; admins generate)."""

from decimal import Decimal

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, raiseload

from app.core import charts, tabular
from app.core.auth import role_required
from app.core.dates import today_paris
from app.core.enums import ReportStatus, ReportTrigger, Role
from app.core.errors import ServiceError
from app.core.figures import share
from app.core.formatting import hours
from app.core.forms import flash_service_error
from app.core.pagination import paginate
from app.core.redirects import safe_next
from app.core.transaction import checkpoint
from app.extensions import db
from app.referential.models import Buyer, Territory
from app.reports import annex, bp, services
from app.reports.forms import GenerateReportForm
from app.reports.models import ReportVersion
from app.reports.pdf.front import format_value, objective_cells
from app.reports.queries import drilldown
from app.reports.queries.indicators import compute_indicators

VIEWERS = (Role.READER, Role.OFFICER)


def _buyers() -> list[Buyer]:
    return db.session.scalars(select(Buyer).order_by(Buyer.name)).all()


def _selection() -> tuple[Buyer | None, int]:
    """The buyer (None: all buyers) and year asked for in the query string."""
    buyer_id = request.args.get("acheteur", type=int)
    buyer = db.session.get(Buyer, buyer_id) if buyer_id else None
    if buyer_id and buyer is None:
        abort(404)
    year = request.args.get("annee", type=int) or today_paris().year
    if not 2000 <= year <= 2100:
        abort(400)
    return buyer, year


def list_link(endpoint: str, **args) -> str | None:
    """A link to another feature's list page, if that page exists in this installation."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **{k: v for k, v in args.items() if v not in (None, "")})


def _charts(ind) -> dict[str, str]:
    food = ind.food.overall
    targets = {o.code: o.target for o in ind.objectives}
    h = ind.hours
    return {
        "modality": charts.to_svg(
            charts.bar_chart(
                [x.label for x in h.by_modality], [x.value for x in h.by_modality], value_format=hours
            )
        ),
        "territory": charts.to_svg(
            charts.bar_chart(
                [x.label for x in h.by_territory],
                [x.value for x in h.by_territory],
                value_format=hours,
                color=charts.GREEN,
            )
        ),
        "food": charts.to_svg(
            charts.share_bars(
                [
                    (_("EGalim"), food.egalim_share, targets.get("egalim_share", Decimal(50))),
                    (
                        _("Agriculture biologique"),
                        food.organic_share,
                        targets.get("organic_share", Decimal(20)),
                    ),
                    (_("Circuit court"), food.short_circuit_share, targets.get("short_circuit_share")),
                    (_("Local / de proximité"), food.local_share, targets.get("local_share")),
                ]
            )
        ),
        "trend": charts.to_svg(
            charts.trend_chart(
                [t.year for t in ind.trend], {_("Heures réalisées"): [t.realized_hours for t in ind.trend]}
            )
        )
        if len(ind.trend) > 1
        else None,
    }


def _versions_select(buyer: Buyer | None, year: int | None):
    statement = (
        select(ReportVersion)
        .order_by(ReportVersion.year.desc(), ReportVersion.buyer_id, ReportVersion.version.desc())
        .options(joinedload(ReportVersion.buyer), joinedload(ReportVersion.generated_by), raiseload("*"))
    )
    if buyer is not None:
        statement = statement.where(ReportVersion.buyer_id == buyer.id)
    if year is not None:
        statement = statement.where(ReportVersion.year == year)
    return statement


def _generate_form(buyer=None, year=None) -> GenerateReportForm:
    form = GenerateReportForm(formdata=None, buyer_id=buyer.id if buyer else None, year=year)
    form.current_year = today_paris().year  # an unfinished year gets a warning
    return form


@bp.route("/")
@role_required(*VIEWERS)
def dashboard():
    buyer, year = _selection()
    indicators = compute_indicators(buyer.id if buyer else None, year)
    buyers = _buyers()
    versions = db.session.scalars(_versions_select(buyer, year).limit(20)).all() if buyer else []
    return render_template(
        "reports/dashboard.html",
        ind=indicators,
        buyer=buyer,
        year=year,
        buyers=buyers,
        years=list(range(today_paris().year + 1, 2014, -1)),
        charts=_charts(indicators),
        versions=versions,
        link=list_link,
        territory_ids={t.name: t.id for t in db.session.scalars(select(Territory))},
        objective_value=format_value,
        objective_cells=objective_cells,
        share=share,
        generate_form=_generate_form(buyer, year) if current_user.has_role(Role.ADMIN) else None,
    )


@bp.route("/heures-realisees")
@role_required(*VIEWERS)
def realized_hours():
    """The dashboard's « Heures réalisées », contract by contract: the rows add up to the headline."""
    buyer, year = _selection()
    buyer_id = buyer.id if buyer else None
    return render_template(
        "reports/realized_hours.html",
        buyer=buyer,
        year=year,
        rows=drilldown.realized_hours_by_contract(buyer_id, year),
        total=drilldown.realized_hours_total(buyer_id, year),
    )


@bp.route("/indicateurs.csv")
@role_required(*VIEWERS)
def indicators_csv():
    """The CSV annex: every figure of the dashboard, one per line (UTF-8 with BOM, ";" for French Excel)."""
    buyer, year = _selection()
    rows = annex.annex_table(compute_indicators(buyer.id if buyer else None, year))
    name = f"indicateurs-spaser-{buyer.siret if buyer else 'tous'}-{year}.csv"
    return tabular.download(tabular.csv_bytes(list(annex.HEADER), rows), name)


@bp.route("/versions")
@role_required(*VIEWERS)
def versions():
    buyer_id = request.args.get("acheteur", type=int)
    buyer = db.session.get(Buyer, buyer_id) if buyer_id else None
    year = request.args.get("annee", type=int)
    buyers = _buyers()
    return render_template(
        "reports/versions.html",
        page=paginate(_versions_select(buyer, year)),
        buyers=buyers,
        buyer=buyer,
        year=year,
        generate_form=_generate_form(buyer, year or today_paris().year - 1)
        if current_user.has_role(Role.ADMIN)
        else None,
    )


@bp.route("/versions/<int:version_id>/telecharger")
@role_required(*VIEWERS)
def download(version_id: int):
    version = db.get_or_404(ReportVersion, version_id)
    if version.status != ReportStatus.DONE:
        abort(404)
    if not services.verify_checksum(version):
        current_app.logger.error("Report file missing or altered: version %s", version.id)
        flash(_("Le fichier de ce rapport est introuvable ou altéré : régénérez-le."), "danger")
        return redirect(url_for("reports.versions"))
    services.record_download(current_user, version)
    return send_file(
        services.report_path(version),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=services.file_name(version.buyer, version.year, version.version),
    )


@bp.route("/generer", methods=["POST"])
@role_required(Role.ADMIN)
def generate():
    form = GenerateReportForm()
    back = safe_next(request.form.get("next"), url_for("reports.versions"))
    if not form.validate():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "danger")
        return redirect(back)
    buyer = db.get_or_404(Buyer, form.buyer_id.data)
    try:
        version = services.generate_report_version(
            current_user, buyer, form.year.data, trigger=ReportTrigger.USER, checkpoint=checkpoint
        )
    except ServiceError as error:
        flash_service_error(error)
        return redirect(back)
    if version.status == ReportStatus.DONE and version.year >= today_paris().year:
        flash(
            _("L'année %(year)s n'est pas terminée : ce rapport ne contient que les données saisies à ce jour.",
              year=version.year),
            "warning",
        )  # fmt: skip
    if version.status == ReportStatus.DONE:
        flash(
            _("Rapport %(year)s de %(buyer)s généré : version %(v)s.", year=version.year, buyer=buyer.name,
              v=version.version),
            "success",
        )  # fmt: skip
    else:
        flash(_("La génération a échoué : %(error)s", error=version.error), "danger")
    return redirect(back)
