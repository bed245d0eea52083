"""Effects that nothing in a simulated run would read: ``check`` warns of them.

Every effect a run logs should change some decision, or it only seems to matter. Who reads
what: a walk-away value, those of parties with preferences (answers, the ZOPA); urgency, a
principal's demands and power, and the lead mediator's pace; a cost of delay, a principal's
demands; salience, the price of the party's own red lines; trust, how long a principal
deliberates over a text a mediator brings; a lean, the lead mediator's drafts; presence,
the principals the mediator asks.
"""

from __future__ import annotations

from collections.abc import Mapping

from .events import (
    Attendance,
    ChangeCostOfDelay,
    ChangeLean,
    ChangeSalience,
    ChangeTrust,
    ChangeUrgency,
    MoveReservation,
)
from .model import Party


def unread(effect: object, parties: Mapping[str, Party], lead: str | None) -> str | None:
    """Why nothing in a run would read this effect (None if something does, or a reference is unknown)."""
    party = parties.get(str(getattr(effect, "party", "")))
    if party is None:
        return None
    name, role = party.id, party.role
    match effect:
        case MoveReservation() if party.preferences is None:
            return f"'{name}' has no preferences, so no decision reads its walk-away value"
        case ChangeUrgency() if role != "principal" and name != lead:
            return f"'{name}' is a {role} but not the lead mediator: only a principal's urgency or the lead " \
                   "mediator's is read"
        case ChangeCostOfDelay() if role != "principal":
            return f"'{name}' is a {role}: only a principal's cost of delay is read"
        case ChangeSalience() if not party.red_lines:
            return f"'{name}' has no red lines: salience only prices a party's own red lines"
        case ChangeTrust():
            return _unread_trust(party, parties.get(effect.toward))
        case ChangeLean() if lead is not None and name != lead:
            return f"'{name}' is not the lead mediator ('{lead}'): only the lead mediator drafts"
        case Attendance() if role != "principal":
            return f"'{name}' is a {role}: only principals are asked, so leaving or joining changes nothing"
    return None


def _unread_trust(party: Party, toward: Party | None) -> str | None:
    if party.role != "principal":
        return f"'{party.id}' is a {party.role}: only a principal's trust is read (in the mediator who brings a text)"
    if toward is not None and toward.role != "mediator":
        return f"'{toward.id}' is a {toward.role}: a principal's trust is read only in the mediator who brings a text"
    return None
