"""The pages every French public site links from its footer, and the favicon browsers ask for."""

from flask import current_app, render_template, send_from_directory

from app.core.auth import public
from app.main import bp
from app.participants.services import retention_years

#: What the automated checks measured (tests/e2e): pages of the four journeys, axe-core, WCAG 2.1 AA rules.
ACCESSIBILITY_AUDIT = {
    "date": "novembre 2026",
    "tool": "axe-core 4.11",
    "scope": "les pages des quatre parcours (acheteur, facilitateur, lecteur, administrateur), à 1366 et 768 px",
}


@bp.route("/accessibilite")
@public
def accessibility():
    """Déclaration d'accessibilité (RGAA 4.1, article 47 de la loi n° 2005-102)."""
    return render_template("main/accessibility.html", audit=ACCESSIBILITY_AUDIT)


@bp.route("/mentions-legales")
@public
def legal_notice():
    return render_template("main/legal_notice.html")


@bp.route("/donnees-personnelles")
@public
def personal_data():
    """What is kept about participants, for how long, who sees it, how to exercise one's rights (RGPD art. 13)."""
    return render_template("main/personal_data.html", retention_years=retention_years())


@bp.route("/favicon.ico")
@public
def favicon():
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon")
