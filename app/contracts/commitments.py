"""A contract's commitment in insertion hours: one definition for the contract list, its exports and the report."""

from sqlalchemy import ColumnElement, Select, case, func, select

from app.contracts.models import Clause
from app.core.enums import ClauseKind


def _larger(first, second) -> ColumnElement:
    return case((first >= second, first), else_=second)


def commitments() -> Select:
    """Each contract's commitment in hours (domain.md section 3), NULL where no clause has planned hours.

    The hours the winner offered under an award criterion include the minimum of the execution condition:
    the commitment is the larger of the two, never their sum; the other clauses (insertion as the object of
    the contract) add their own hours.
    """
    planned = Clause.planned_hours

    def of_kind(*kinds):
        return func.coalesce(func.sum(case((Clause.kind.in_([str(k) for k in kinds]), planned))), 0)

    minimum = of_kind(ClauseKind.EXECUTION_CONDITION)
    offered = of_kind(ClauseKind.AWARD_CRITERION)
    others = func.coalesce(
        func.sum(
            case(
                (
                    Clause.kind.in_([str(ClauseKind.EXECUTION_CONDITION), str(ClauseKind.AWARD_CRITERION)]),
                    None,
                ),
                else_=planned,
            )
        ),
        0,
    )
    commitment = case((func.count(planned) == 0, None), else_=_larger(minimum, offered) + others)
    return select(Clause.contract_id, commitment.label("commitment")).group_by(Clause.contract_id)
