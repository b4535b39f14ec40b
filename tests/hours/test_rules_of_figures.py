"""Rules of issue 11 section 3 for hours: months to come, the exact monthly cap, age criteria."""

from datetime import date

import pytest

from app.hours.services import HoursRejected, log_hours
from tests import factories
from tests.hours.helpers import clause_for, employer, line


def test_hours_for_a_month_not_yet_begun_are_refused(db, facilitator, monkeypatch):
    monkeypatch.setattr("app.hours.services.rules.today_paris", lambda: date(2026, 11, 28))
    clause = clause_for(facilitator, notified_on=date(2026, 1, 1), duration_months=24)
    person, company = factories.ParticipantFactory(), employer()
    with pytest.raises(HoursRejected) as caught:
        log_hours(facilitator, [line(person, clause, company, month=date(2027, 2, 1))])
    db.session.rollback()
    assert "Février 2027 n'a pas commencé" in str(caught.value)
    # the current month has begun: accepted
    assert len(log_hours(facilitator, [line(person, clause, company, month=date(2026, 11, 1))])) == 1


def test_the_monthly_cap_message_shows_exact_values(db, facilitator):
    clause = clause_for(facilitator)
    person = factories.ParticipantFactory(code="P-CAP")
    with pytest.raises(HoursRejected) as caught:
        log_hours(facilitator, [line(person, clause, employer(), hours="200.01")])
    db.session.rollback()
    message = str(caught.value).replace("\u00a0", " ")
    assert (
        "P-CAP dépasserait 200 h en avril 2025 : 0 h déjà saisies (tous marchés confondus) + 200,01 h = 200,01 h"
        in message
    )


@pytest.mark.parametrize(
    ("criteria", "birth_year", "accepted"),
    [
        (["JEUNE"], 2000, True),  # 25 in 2025
        (["JEUNE"], 1999, False),  # 26 in 2025
        (["SENIOR"], 1975, True),  # 50 in 2025
        (["SENIOR"], 1976, False),  # 49 in 2025
        (["DELD"], 1968, True),
    ],
)
def test_age_criteria_are_checked_against_the_year_of_the_hours(
    db, facilitator, criteria, birth_year, accepted
):
    clause = clause_for(facilitator)
    person = factories.ParticipantFactory(criteria=criteria, birth_year=birth_year, code="P-AGE")
    hours = [line(person, clause, employer(), month=date(2025, 4, 1))]
    if accepted:
        assert len(log_hours(facilitator, hours)) == 1
        return
    with pytest.raises(HoursRejected) as caught:
        log_hours(facilitator, hours)
    assert f"P-AGE a {2025 - birth_year} ans en 2025" in str(caught.value)


def test_simulated_job_date_is_not_printed_as_the_extraction_date(runner, db, app, tmp_path, monkeypatch):
    import io

    from pypdf import PdfReader

    from app.reports.models import ReportVersion
    from app.reports.services import report_path

    monkeypatch.setitem(app.config, "REPORT_STORAGE", str(tmp_path))
    factories.ObjectiveFactory(buyer=factories.BuyerFactory(name="Département"), year=2025, participants=10)
    result = runner.invoke(args=["scheduler", "annual-reports", "--date", "2026-02-20"])
    assert result.exit_code == 0, result.output
    version = db.session.scalars(db.select(ReportVersion)).one()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(report_path(version).read_bytes())).pages)
    assert "20/02/2026" not in text  # the simulated date of the job
    assert "Données extraites le" in text


def test_a_participant_whose_age_contradicts_a_criterion_is_refused(db, facilitator, monkeypatch):
    from app.core.errors import ServiceError
    from app.participants.services import ParticipantData, create_participant

    monkeypatch.setattr("app.participants.services.today_paris", lambda: date(2026, 11, 28))
    data = ParticipantData(gender="male", birth_year=1968, criteria=["JEUNE"])  # 58 in 2026
    with pytest.raises(ServiceError, match="58 ans en 2026"):
        create_participant(facilitator, data)
