"""The permission table: every role against every permission, and the conversation rule."""

from __future__ import annotations

import pytest

from bot.staff.roles import (
    Permission,
    Role,
    allowed,
    can_take_over,
    can_view_conversation,
    mask_email,
    mask_phone,
    parse_role,
    permissions,
    sees_contact_details,
)

# Written out by hand (not derived from the module), so a change to the table fails here.
EXPECTED = {
    "admissions": {"dashboard", "conversations.prospects", "leads", "live_chat", "review"},
    "clinician": {"dashboard", "escalations", "clients", "conversations.clients", "live_chat", "review"},
    "admin": {
        "dashboard",
        "conversations.prospects",
        "conversations.clients",
        "leads",
        "escalations",
        "clients",
        "live_chat",
        "review",
        "review.export",
        "audit",
        "users",
    },
}
ALL_PERMISSIONS = sorted(EXPECTED["admin"])


def test_the_names_are_the_documented_ones() -> None:
    assert sorted(r.value for r in Role) == ["admin", "admissions", "clinician"]
    assert sorted(p.value for p in Permission) == ALL_PERMISSIONS


@pytest.mark.parametrize("role", sorted(EXPECTED))
@pytest.mark.parametrize("permission", ALL_PERMISSIONS)
def test_allowed(role: str, permission: str) -> None:
    assert allowed(role, permission) is (permission in EXPECTED[role])
    assert allowed(Role(role), Permission(permission)) is (permission in EXPECTED[role])


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_permissions_lists_the_same_table(role: str) -> None:
    assert {p.value for p in permissions(role)} == EXPECTED[role]


@pytest.mark.parametrize(
    ("role", "client_linked", "escalated", "expected"),
    [
        ("admissions", False, False, True),
        ("admissions", False, True, True),
        ("admissions", True, False, False),
        ("admissions", True, True, False),  # treatment records stay with the clinical team
        ("clinician", False, False, False),
        ("clinician", False, True, True),  # a prospect in crisis
        ("clinician", True, False, True),
        ("clinician", True, True, True),
        ("admin", False, False, True),
        ("admin", False, True, True),
        ("admin", True, False, True),
        ("admin", True, True, True),
    ],
)
def test_can_view_conversation(role: str, client_linked: bool, escalated: bool, expected: bool) -> None:
    assert can_view_conversation(role, client_linked=client_linked, escalated=escalated) is expected


# Written out by hand: (client_linked, escalated, in_crisis) -> (admissions, clinician, admin).
TAKE_OVER = [
    ((False, False, False), (True, False, True)),  # a prospect: admissions' work
    ((False, True, False), (True, True, True)),  # a prospect whose crisis is resolved: the transcript rule
    ((True, False, False), (False, True, True)),  # an enrolled client: the clinical team
    ((True, True, False), (False, True, True)),
    ((False, False, True), (False, True, True)),  # a crisis request, no escalation yet
    ((False, True, True), (False, True, True)),  # a prospect in crisis: not admissions, though they read it
    ((True, False, True), (False, True, True)),
    ((True, True, True), (False, True, True)),
]


@pytest.mark.parametrize(
    ("role", "client_linked", "escalated", "in_crisis", "expected"),
    [
        (role, *flags, expected[index])
        for flags, expected in TAKE_OVER
        for index, role in enumerate(("admissions", "clinician", "admin"))
    ],
)
def test_can_take_over(role: str, client_linked: bool, escalated: bool, in_crisis: bool, expected: bool) -> None:
    assert can_take_over(role, client_linked=client_linked, escalated=escalated, in_crisis=in_crisis) is expected
    assert can_take_over(Role(role), client_linked=client_linked, escalated=escalated, in_crisis=in_crisis) is expected


@pytest.mark.parametrize("in_crisis", [False, True])
def test_can_take_over_refuses_an_unknown_role(in_crisis: bool) -> None:
    with pytest.raises(ValueError, match="unknown"):
        can_take_over("root", client_linked=False, escalated=False, in_crisis=in_crisis)


@pytest.mark.parametrize(("role", "expected"), [("admissions", True), ("clinician", True), ("admin", True)])
def test_sees_contact_details(role: str, expected: bool) -> None:
    assert sees_contact_details(role) is expected


@pytest.mark.parametrize(
    "call",
    [
        lambda: allowed("nurse", "leads"),
        lambda: allowed("admin", "lead"),
        lambda: allowed("ADMIN", "leads"),
        lambda: can_view_conversation("root", client_linked=False, escalated=False),
        lambda: sees_contact_details(""),
        lambda: parse_role("superuser"),
    ],
)
def test_unknown_roles_and_permissions_raise(call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="unknown"):
        call()


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("+1 555 010 0199", "+• ••• ••• ••99"), ("5550100199", "••••••••99"), ("12", "••"), ("", "")],
)
def test_mask_phone_keeps_only_the_last_two_digits(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("email", "masked"),
    [("dana.reyes@example.org", "d•••@example.org"), ("x@y.z", "x•••@y.z"), ("no-at-sign", "••••••••••")],
)
def test_mask_email(email: str, masked: str) -> None:
    assert mask_email(email) == masked
