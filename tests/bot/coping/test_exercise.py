"""The coping exercise turn by turn, on the real library and answers."""

from __future__ import annotations

from typing import Any, Dict

import pytest

from bot.coping.exercise import HIGH_RATING, Coach, Person, RatingError, parse_rating
from bot.coping.loader import load_library
from bot.program.answers import AnswerBook
from bot.settings import PROJECT_ROOT

ON_CALL = "(760) 555-0149"


@pytest.fixture(scope="module")
def library() -> Any:
    return load_library(PROJECT_ROOT / "data" / "coping")


@pytest.fixture
def coach(library: Any, book: AnswerBook) -> Coach:
    return Coach(library, book, ON_CALL)


def started(coach: Coach, text: str, before: int) -> Dict[str, Any]:
    turn = coach.start(text)
    assert turn.ask_rating and turn.state is not None
    return coach.rated(turn.state, before).state


@pytest.mark.parametrize(
    "text, rating",
    [
        ("7", 7),
        ("7/10", 7),
        ("about a six", 6),
        ("like an 8 out of 10", 8),
        ("0", 0),
        ("zero", 0),
        ("10", 10),
        ("ten", 10),
        ("6 or 7", 7),
        ("6-7", 7),
        ("7.5", 8),
        ("I'd say 3 outta 10", 3),
        ("none", 0),
    ],
)
def test_ratings_are_read_as_people_type_them(text: str, rating: int) -> None:
    assert parse_rating(text) == rating


@pytest.mark.parametrize(
    "text, problem", [("pretty bad", "no number"), ("", "no number"), ("11", "out of range"), ("100", "out of range")]
)
def test_unusable_ratings_say_why(text: str, problem: str) -> None:
    with pytest.raises(RatingError, match=problem):
        parse_rating(text)


@pytest.mark.parametrize(
    "text, need",
    [
        ("I really want a drink right now", "craving"),
        ("work was awful and I'm so stressed", "stress"),
        ("I'm so angry at my brother", "anger"),
        ("I feel so lonely tonight", "loneliness"),
        ("it's 3am and I cant sleep", "insomnia"),
        ("there's a party tonight and everyone will be drinking", "trigger"),
    ],
)
def test_the_need_is_read_from_the_words(coach: Coach, text: str, need: str) -> None:
    turn = coach.start(text)
    assert turn.state is not None and turn.state["need"] == need
    assert turn.state["skill"] == coach.library.need(need).skills[0]  # the best fit first


def test_a_skill_asked_for_by_name_is_the_one_used(coach: Coach) -> None:
    turn = coach.start("can we do box breathing")
    assert turn.state is not None and turn.state["skill"] == "box_breathing"
    assert turn.ask_rating


def test_nothing_to_go_on_asks_what_is_happening_with_a_button_per_need(coach: Coach) -> None:
    turn = coach.start("I need help")
    assert turn.state is None and not turn.ask_rating
    payloads = [button["payload"] for button in turn.replies[0].buttons]
    assert payloads == [f'/ask_coping{{"coping_need": "{need.key}"}}' for need in coach.library.needs]


def test_a_need_from_a_button_wins_over_the_words(coach: Coach) -> None:
    turn = coach.start("", need_key="insomnia")
    assert turn.state is not None and turn.state["need"] == "insomnia"


def test_a_full_exercise_rates_before_and_after_and_walks_every_step(coach: Coach) -> None:
    turn = coach.start("I'm craving a drink")
    assert "0" in coach.rating_question(turn.state).text and "10" in coach.rating_question(turn.state).text
    turn = coach.rated(turn.state, 7)
    assert turn.checkin == {
        "exercise_id": turn.state["id"],
        "phase": "before",
        "rating": 7,
        "need": "craving",
        "skill": "urge_surfing",
    }
    skill = coach.library.skills["urge_surfing"]
    assert f"Step 1 of {len(skill.steps)}" in turn.replies[-1].text and skill.steps[0] in turn.replies[-1].text
    assert [b["payload"] for b in turn.replies[-1].buttons] == ["/coping_next", "/coping_done", "/coping_another"]
    state = turn.state
    for number in range(2, len(skill.steps) + 1):
        turn = coach.next_step(state)
        state = turn.state
        assert f"Step {number} of {len(skill.steps)}" in turn.replies[0].text and not turn.ask_rating
    turn = coach.next_step(state)
    assert turn.ask_rating and turn.replies[0].text == skill.closing
    assert "now?" in coach.rating_question(turn.state).text
    turn = coach.rated(turn.state, 3)
    assert turn.checkin is not None and turn.checkin["phase"] == "after" and turn.checkin["rating"] == 3
    assert "from 7 to 3" in turn.replies[0].text
    assert turn.state["phase"] == "finished"


@pytest.mark.parametrize("before", [HIGH_RATING, 9, 10])
def test_a_high_first_rating_offers_people_and_still_starts_the_skill(coach: Coach, before: int) -> None:
    turn = coach.rated(coach.start("huge urge to use").state, before)
    support, step = turn.replies
    assert ON_CALL in support.text and "988" in support.text
    assert {b["payload"] for b in support.buttons} == {"/request_callback", "/find_meeting"}
    assert "Step 1" in step.text


def test_a_rating_below_high_goes_straight_to_the_skill(coach: Coach) -> None:
    turn = coach.rated(coach.start("craving").state, HIGH_RATING - 1)
    assert len(turn.replies) == 1 and "Step 1" in turn.replies[0].text


@pytest.mark.parametrize(
    "before, after, offers_people, words",
    [
        (5, 7, True, "went up from 5 to 7"),  # rising
        (9, 8, True, "still at 8"),  # lower but still high
        (3, 9, True, "went up from 3 to 9"),
        (6, 6, False, "It's at 6"),
        (7, 2, False, "from 7 to 2"),
    ],
)
def test_the_second_rating_decides_what_comes_next(
    coach: Coach, before: int, after: int, offers_people: bool, words: str
) -> None:
    state = started(coach, "craving", before)
    turn = coach.done(state)
    assert turn.ask_rating
    reply = coach.rated(turn.state, after).replies[0]
    assert words in reply.text
    assert ("/request_callback" in {b["payload"] for b in reply.buttons}) is offers_people
    assert (ON_CALL in reply.text) is (offers_people or after == before)


def test_try_another_moves_through_the_need_s_skills_then_says_so(coach: Coach) -> None:
    state = started(coach, "I'm so stressed", 6)
    seen = [state["skill"]]
    skills = coach.library.need("stress").skills
    for expected in skills[1:]:
        turn = coach.another(state)
        state = turn.state
        assert state["skill"] == expected and not turn.ask_rating and "Step 1" in turn.replies[0].text
        seen.append(expected)
    assert seen == skills
    turn = coach.another(state)
    assert turn.ask_rating and ON_CALL in turn.replies[0].text and turn.state["phase"] == "after"


def test_another_after_an_exercise_ended_starts_fresh_with_a_new_rating(coach: Coach) -> None:
    state = started(coach, "craving", 6)
    ended = coach.rated(coach.done(state).state, 6).state
    turn = coach.another(ended)
    assert turn.ask_rating and turn.state["id"] != state["id"] and turn.state["before"] is None
    assert turn.state["skill"] not in (state["skill"],)


@pytest.mark.parametrize("method", ["next_step", "done"])
def test_next_or_done_with_no_exercise_says_so(coach: Coach, method: str) -> None:
    turn = getattr(coach, method)(None)
    assert turn.state is None and not turn.ask_rating
    assert "not in the middle of an exercise" in turn.replies[0].text


def test_done_before_any_rating_stops_without_a_rating(coach: Coach) -> None:
    turn = coach.done(coach.start("craving").state)
    assert turn.state is None and not turn.ask_rating and ON_CALL in turn.replies[0].text


def test_a_known_client_is_greeted_by_name_and_their_counselor_offered(library: Any, book: AnswerBook) -> None:
    coach = Coach(library, book, ON_CALL, Person("Sam", "Dana Reyes"))
    assert "Sam" in coach.start("craving").replies[0].text
    turn = coach.rated(coach.start("craving").state, 9)
    assert "ask Dana Reyes to call you" in turn.replies[0].text


def test_the_on_call_placeholder_is_filled_in_steps(coach: Coach) -> None:
    skill = next(s for s in coach.library.skills.values() if any("{on_call_phone}" in step for step in s.steps))
    need = next(n for n in coach.library.needs if skill.key in n.skills)
    state = {"id": "x", "need": need.key, "skill": skill.key, "step": 0, "tried": [skill.key], "phase": "steps", "before": 5}
    texts = []
    while True:
        turn = coach.next_step(state)
        if turn.ask_rating:
            break
        state = turn.state
        texts.append(turn.replies[0].text)
    assert any(ON_CALL in text for text in texts) and not any("{on_call_phone}" in text for text in texts)


# --- Spanish (issue 19) ---------------------------------------------------------------------------


@pytest.fixture
def coach_es(library: Any, book: AnswerBook) -> Coach:
    return Coach(library.in_language("es"), book.in_language("es"), ON_CALL)


@pytest.mark.parametrize(
    "text, need",
    [("tengo muchas ganas de consumir", "craving"), ("no puedo dormir", "insomnia"), ("i have a craving ahorita", "craving")],
)
def test_a_spanish_coach_reads_the_need_in_spanish_and_in_english(coach_es: Coach, text: str, need: str) -> None:
    found = coach_es.need_in(text)
    assert found is not None and found.key == need


def test_a_spanish_exercise_is_in_spanish_start_to_finish(coach_es: Coach) -> None:
    state = started(coach_es, "tengo muchas ganas de un trago", 7)
    turn = coach_es.next_step(state)
    reply = turn.replies[-1]
    assert "Paso" in reply.text and "Step" not in reply.text
    assert [b["title"] for b in reply.buttons] == ["Siguiente paso", "Ya terminé", "Probar otra"]
    assert [b["payload"] for b in reply.buttons] == ["/coping_next", "/coping_done", "/coping_another"]


@pytest.mark.parametrize("text, rating", [("como un siete", 7), ("un 8 de 10", 8), ("cero", 0), ("diez", 10)])
def test_spanish_ratings(text: str, rating: int) -> None:
    assert parse_rating(text) == rating
