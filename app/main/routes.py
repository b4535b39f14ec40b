from flask import jsonify, render_template
from flask_login import current_user
from sqlalchemy import text

from app.core.auth import authenticated, public
from app.extensions import db
from app.main import bp
from app.main.queries import home_context


@bp.route("/")
@authenticated
def home():
    return render_template(f"main/home_{current_user.role}.html", **home_context(current_user))


@bp.route("/sante")
@public
def health():
    """Liveness probe for the reverse proxy: the database answers."""
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")
