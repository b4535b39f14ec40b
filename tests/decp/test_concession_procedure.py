"""A concession keeps its DECP procedure (schema ``contrat-concession.procedure``)."""

from tests.decp.helpers import FORMAT_2019, contract, import_json


def test_concession_procedure_is_kept_on_import(runner, db):
    status, summary = import_json(runner, FORMAT_2019)
    assert status == 0, summary
    concession = contract("2019-DSP1")
    assert concession.kind == "concession"
    assert concession.procedure == "Procédure négociée ouverte"
    assert "unknown_procedure" not in summary["warnings"]
