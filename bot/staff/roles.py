"""Staff roles and what each may see and do: the one table every console page and API route asks.

============================  ==========  ==========  =====
permission                    admissions  clinician   admin
============================  ==========  ==========  =====
``dashboard``                 yes         yes         yes
``conversations.prospects``   yes         no (*)      yes
``conversations.clients``     no          yes         yes
``leads``                     yes         no          yes
``escalations``               no          yes         yes
``live_chat``                 yes         yes         yes
``review``                    yes         yes         yes
``review.export``             no          no          yes
``clients``                   no          yes         yes
``audit``                     no          no          yes
``users``                     no          no          yes
============================  ==========  ==========  =====

- **admissions**: the dashboard, *prospect* conversations (those not linked to an enrolled client
  in ``client_conversations``) and the leads (list, status changes, export).
- **clinician**: the dashboard, the crisis escalations (view, acknowledge, resolve), the enrolled
  clients with their conversations and craving check-ins (``clients`` covers the check-ins).
  (*) A clinician opens a *prospect* conversation only when it has an escalation (of any status):
  answering a crisis needs the transcript, but browsing prospects is admissions' work. Use
  :func:`can_view_conversation`, which encodes this rule, rather than the two permissions alone.
- **live chat** (every role): be available for live chats and take over a conversation
  (:func:`can_take_over`): one the role may open, except that a crisis in progress is for the
  clinical team only, so admissions answer prospects, clinicians enrolled clients and crises.
- **review** (every role): the review inbox (``/console/review``): flag a message from a
  transcript, label what a message meant. Rows from an enrolled client's conversation follow the
  transcripts' rule: never shown to admissions. Writing the labels out as training data
  (``review.export``) is the admin's.
- **admin**: everything, including the staff accounts (``users``) and the audit log (``audit``).

A conversation linked to an enrolled client is never shown to admissions, even when it has an
escalation: treatment records are for the clinical team.

The dashboard is open to every role, so its widgets must ask for their own permission (an
admissions user gets no count of open escalations, nor of crisis messages among the top intents;
a clinician no count of new leads).

**Contact details** (:func:`sees_contact_details`): phone numbers and e-mail addresses are shown
unmasked to every current role. Admissions call leads back; clinicians must be able to call a
person in crisis at once (a prospect in crisis may have left a callback number), and a masked
number with a "reveal" step costs time exactly when it matters; admin sees everything. What
limits a clinician's view of contact details is which pages they can open (no leads list), not
masking. The function is the one place to change if a role without that need is added;
:func:`mask_phone` and :func:`mask_email` are there for it.
"""

from __future__ import annotations

import enum
from typing import Dict, FrozenSet, Union


class Role(str, enum.Enum):
    ADMISSIONS = "admissions"
    CLINICIAN = "clinician"
    ADMIN = "admin"

    def __str__(self) -> str:
        return self.value


class Permission(str, enum.Enum):
    DASHBOARD = "dashboard"
    PROSPECT_CONVERSATIONS = "conversations.prospects"
    CLIENT_CONVERSATIONS = "conversations.clients"
    LEADS = "leads"
    ESCALATIONS = "escalations"
    LIVE_CHAT = "live_chat"
    REVIEW = "review"
    REVIEW_EXPORT = "review.export"  # writes training data into the service's checkout
    CLIENTS = "clients"
    AUDIT = "audit"
    USERS = "users"

    def __str__(self) -> str:
        return self.value


ROLES = tuple(role.value for role in Role)

_PERMISSIONS: Dict[Role, FrozenSet[Permission]] = {
    Role.ADMISSIONS: frozenset(
        {Permission.DASHBOARD, Permission.PROSPECT_CONVERSATIONS, Permission.LEADS, Permission.LIVE_CHAT, Permission.REVIEW}
    ),
    Role.CLINICIAN: frozenset(
        {
            Permission.DASHBOARD,
            Permission.ESCALATIONS,
            Permission.CLIENTS,
            Permission.CLIENT_CONVERSATIONS,
            Permission.LIVE_CHAT,
            Permission.REVIEW,
        }
    ),
    Role.ADMIN: frozenset(Permission),
}

# Roles that see phone numbers and e-mail addresses unmasked (see the module's docstring).
_SEES_CONTACT_DETAILS: FrozenSet[Role] = frozenset({Role.ADMISSIONS, Role.CLINICIAN, Role.ADMIN})


def parse_role(value: Union[Role, str]) -> Role:
    """The Role for ``value``; ValueError naming the valid roles when it is not one."""
    try:
        return Role(value)
    except ValueError:
        raise ValueError(f"unknown role {value!r}: use one of {', '.join(ROLES)}") from None


def _permission(value: Union[Permission, str]) -> Permission:
    try:
        return Permission(value)
    except ValueError:
        # A typo in a route's permission must fail loudly in its first test, not deny everyone.
        valid = ", ".join(p.value for p in Permission)
        raise ValueError(f"unknown permission {value!r}: use one of {valid}") from None


def allowed(role: Union[Role, str], permission: Union[Permission, str]) -> bool:
    """Whether ``role`` has ``permission``; ValueError for an unknown role or permission name."""
    return _permission(permission) in _PERMISSIONS[parse_role(role)]


def permissions(role: Union[Role, str]) -> FrozenSet[Permission]:
    """Every permission of ``role`` (e.g. to draw the console's menu)."""
    return _PERMISSIONS[parse_role(role)]


def can_view_conversation(role: Union[Role, str], *, client_linked: bool, escalated: bool) -> bool:
    """Whether ``role`` may open a conversation's transcript.

    ``client_linked``: the conversation is linked to an enrolled client (``client_conversations``);
    ``escalated``: it has an escalation, whatever its status.
    """
    role = parse_role(role)
    if client_linked:
        return allowed(role, Permission.CLIENT_CONVERSATIONS)
    if allowed(role, Permission.PROSPECT_CONVERSATIONS):
        return True
    return escalated and allowed(role, Permission.ESCALATIONS)


def sees_contact_details(role: Union[Role, str]) -> bool:
    """Whether ``role`` sees phone numbers and e-mail addresses unmasked (every current role does)."""
    return parse_role(role) in _SEES_CONTACT_DETAILS


def mask_phone(phone: str) -> str:
    """``+1 555 010 0199`` -> ``+• ••• ••• ••99``: only the last two digits stay, the layout too."""
    digits = [c for c in phone if c.isdigit()]
    if len(digits) <= 2:
        return "•" * len(phone)
    keep = 2
    out = []
    for c in reversed(phone):
        if c.isdigit():
            out.append(c if keep > 0 else "•")
            keep -= 1
        else:
            out.append(c)
    return "".join(reversed(out))


def mask_email(email: str) -> str:
    """``dana.reyes@example.org`` -> ``d•••@example.org``."""
    local, at, domain = email.partition("@")
    if not at:
        return "•" * len(email)
    return f"{local[:1]}•••@{domain}"


def can_take_over(role: Union[Role, str], *, client_linked: bool, escalated: bool, in_crisis: bool) -> bool:
    """Whether ``role`` may answer a conversation live (and counts as available for its request).

    ``in_crisis``: it has an unresolved escalation or the request came in crisis mode; then only a
    role that handles escalations may, whoever may read the transcript. Otherwise the transcript
    rule (:func:`can_view_conversation`) decides.
    """
    if in_crisis:
        return allowed(role, Permission.ESCALATIONS)
    return can_view_conversation(role, client_linked=client_linked, escalated=escalated)
