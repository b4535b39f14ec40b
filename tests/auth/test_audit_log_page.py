from app.auth import services
from app.extensions import db as _db


def test_admin_reads_and_filters_the_audit_log(as_admin, admin, db):
    services.create_user(admin, "audit@levier.fr", "un-mot-de-passe-long", "reader")
    _db.session.commit()
    page = as_admin.get("/admin/journal?type=User&action=create").get_data(as_text=True)
    assert "Compte audit@levier.fr" in page and admin.email in page
    empty = as_admin.get("/admin/journal?type=User&action=archive").get_data(as_text=True)
    assert "Aucune entrée" in empty


def test_officer_cannot_read_the_audit_log(as_officer):
    assert as_officer.get("/admin/journal").status_code == 403
