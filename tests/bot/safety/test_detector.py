"""The deterministic safety net on its own: the test set, the issue's examples and the traps."""

from __future__ import annotations

from typing import List

import pytest

from bot.safety.detector import URGENCY, decide, explain, guess_type, normalise
from bot.safety.examples import CrisisItem, HardNegativeItem, load
from bot.safety.patterns import CRISIS_TYPES, HARM_TO_OTHERS, MEDICAL, OVERDOSE, SELF_HARM, SOMEONE_ELSE, SUICIDE, VIOLENCE
from bot.settings import PROJECT_ROOT

SAFETY_DATA = PROJECT_ROOT / "tests" / "data" / "safety"
CRISIS: List[CrisisItem] = load(SAFETY_DATA / "crisis.yml", CrisisItem)
HARD_NEGATIVES: List[HardNegativeItem] = load(SAFETY_DATA / "hard_negatives.yml", HardNegativeItem)


def test_the_test_set_is_big_enough() -> None:
    assert len(CRISIS) >= 200 and len(HARD_NEGATIVES) >= 200
    assert {c.type for c in CRISIS} == set(CRISIS_TYPES)


@pytest.mark.parametrize("example", CRISIS, ids=lambda c: c.text[:40])
def test_every_crisis_message_is_caught_by_the_patterns(example: CrisisItem) -> None:
    verdict = decide(example.text, model_says_crisis=False)
    assert verdict.crisis, f"missed: {example.text!r}; hits: {explain(example.text)}"


def test_hard_negatives_rarely_alarm() -> None:
    alarms = [n.text for n in HARD_NEGATIVES if decide(n.text, model_says_crisis=False).crisis]
    assert len(alarms) / len(HARD_NEGATIVES) <= 0.02, alarms


@pytest.mark.parametrize(
    "text, crisis_type",
    [
        ("I want to kill myself", SUICIDE),
        ("my friend took too many pills and won't wake up", OVERDOSE),
        ("kms", SUICIDE),
        ("everyone would be better off without me", SUICIDE),
        ("thinking about unaliving myself tbh", SUICIDE),
        ("he's seizing on the floor, he stopped drinking 3 days ago", MEDICAL),
        ("my boyfriend choked me last night and said he'll kill me if i leave", VIOLENCE),
        ("Hi, what are your hours on Saturday? Also I have been thinking about ending my life.", SUICIDE),
        ("what are the signs of an overdose? my son is blue and not breathing", OVERDOSE),
        ("I od'd", OVERDOSE),
        # A Spanish keyboard's apostrophe ("´"), and styled letters some phones produce.
        ("I can´t go on anymore", SUICIDE),
        ("he od´d and isn´t breathing", OVERDOSE),
        ("\U0001d408 \U0001d416\U0001d400\U0001d40d\U0001d413 \U0001d413\U0001d40e \U0001d403\U0001d408\U0001d404", SUICIDE),
    ],
)
def test_issue_examples_are_caught_with_their_type(text: str, crisis_type: str) -> None:
    assert decide(text, model_says_crisis=False).crisis_type == crisis_type


@pytest.mark.parametrize(
    "text",
    [
        "this traffic is killing me",
        "my phone died",
        "what is naloxone?",
        "what are the signs of an overdose",
        "my dad died of an overdose years ago",
        "I want to die my hair purple",
        "that's odd",
        "I'm not suicidal, just stressed about work",
        "I cut myself shaving this morning",
        "my mom is going to kill me when she sees my grades",
    ],
)
def test_traps_do_not_alarm(text: str) -> None:
    assert not decide(text, model_says_crisis=False).crisis


def test_model_is_trusted_unless_the_patterns_saw_a_benign_use() -> None:
    assert decide("i just feel so done with everything", model_says_crisis=True).source == "model"
    overruled = decide("my uncle died of an overdose in 2015", model_says_crisis=True)
    assert not overruled.crisis and overruled.source == "overruled"
    assert decide("what time is group", model_says_crisis=False).source == "none"
    assert decide("I'm dying to know your prices", model_says_crisis=True).source == "overruled"


def test_a_present_person_does_not_make_a_past_event_current() -> None:
    assert not decide("my son overdosed last year and now he is in recovery", model_says_crisis=False).crisis
    assert decide("my son overdosed last year and now he is not breathing", model_says_crisis=False).crisis


def test_a_current_sign_overrules_a_trap() -> None:
    assert not decide("I used to cut myself in high school", model_says_crisis=False).crisis
    assert decide("I used to cut myself in high school and I started again", model_says_crisis=False).crisis


def test_most_urgent_type_wins() -> None:
    assert decide("i want to die so i took all my pills", model_says_crisis=False).crisis_type == OVERDOSE
    assert set(URGENCY) == set(CRISIS_TYPES) | {SOMEONE_ELSE, HARM_TO_OTHERS}


@pytest.mark.parametrize(
    "text, crisis_type, source",
    [
        # The danger comes from the person writing: the answer for it (step away, 988), asked about
        # when it is a fear, not yet an act.
        ("i swear i'm going to kill my roommate when he gets home", HARM_TO_OTHERS, "patterns"),
        ("bringing my gun to group tomorrow, they'll see", HARM_TO_OTHERS, "patterns"),
        ("the baby won't stop crying and i'm afraid of what i'll do to him", HARM_TO_OTHERS, "plan"),
        ("ya voy saliendo con el cuchillo, lo voy a matar", HARM_TO_OTHERS, "patterns"),
        ("me da miedo lo que le pueda hacer a mi bebé, no para de llorar", HARM_TO_OTHERS, "plan"),
        ("tengo ganas de pegarle a mi hija y me asusto", HARM_TO_OTHERS, "plan"),
        # Someone in danger from another person still gets the answer for them, even beside anger.
        ("my husband is hitting me and i swear i'm going to kill him", VIOLENCE, "patterns"),
        ("me está pegando y amenazó con matarme", VIOLENCE, "patterns"),
    ],
)
def test_harm_the_writer_fears_doing_gets_its_own_type(text: str, crisis_type: str, source: str) -> None:
    verdict = decide(text, model_says_crisis=False)
    assert (verdict.crisis_type, verdict.source) == (crisis_type, source)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Don’t  WANT to live!!!", "dont want to live!!!"),
        ("self-harm", "self harm"),
        ("sooooo", "soo"),
        ("he OD'd", "he overdosed"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@pytest.mark.parametrize(
    "text, expected", [("he swallowed pills", OVERDOSE), ("I feel like a burden", SUICIDE), ("help", "unspecified")]
)
def test_guess_type(text: str, expected: str) -> None:
    assert guess_type(text) == expected


def test_no_safety_message_is_in_the_training_data() -> None:
    import yaml

    trained = set()
    for path in (PROJECT_ROOT / "data" / "nlu").glob("*.yml"):
        for block in (yaml.safe_load(path.read_text()) or {}).get("nlu") or []:
            for line in str(block.get("examples") or "").splitlines():
                trained.add(line.strip()[2:].strip().lower())
    leaked = [m.text for m in [*CRISIS, *HARD_NEGATIVES] if m.text.lower() in trained]
    assert not leaked, f"test messages also used for training: {leaked}"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("k1ll1ng mys3lf 2nite", "killing myself tonight"),
        ("$uicidal", "suicidal"),
        ("i want to d1e", "i want to die"),
        ("take 2 pills at 7pm, call 988 24/7", "take 2 pills at 7pm, call 988 24 7"),  # numbers stay numbers
    ],
)
def test_digits_for_letters_are_read_as_letters(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@pytest.mark.parametrize(
    "text, crisis_type",
    [
        ("I don't feel safe going home tonight", VIOLENCE),
        ("there are spiders everywhere, i know they're not real but i can see them", MEDICAL),
        ("hearing music thats not there, day 2 off alcohol", MEDICAL),
        ("standing on the train tracks", SUICIDE),
        ("is it normal to want to be dead all the time", SUICIDE),
        ("my friend says she is going to kill herself tonight", SOMEONE_ELSE),
        ("my brother keeps talking about ending his life", SOMEONE_ELSE),
        # dev4, in our own words
        ("our toddler chewed through a bottle of my meds and now he's limp and hard to wake", OVERDOSE),
        ("my legs won't stop shaking since I quit drinking on sunday", MEDICAL),
        ("the withdrawals keep getting worse, sweating through my sheets", MEDICAL),
        ("got a blade next to me, i don't want to die, i just need to feel something", SELF_HARM),
        ("my wife keeps yelling and i'm scared of what i might do to her", HARM_TO_OTHERS),
    ],
)
def test_phrasings_found_missing_on_the_dev_set(text: str, crisis_type: str) -> None:
    assert decide(text, model_says_crisis=False).crisis_type == crisis_type


@pytest.mark.parametrize(
    "text",
    [
        "i live near the train tracks",
        "what do i do if my friend is suicidal",
        "nobody's in danger here, I just want information about your family program",
        "back in 08 i OD'd in a mcdonalds bathroom. been clean since 2015",
        "Do you teach CPR or overdose response classes for the community?",
        "my toddler got into the vitamins, poison control said she's fine and running around",
        "my phone won't stop buzzing with insurance calls",
        "what happens if a kid swallows a pill, asking for a parenting class",
        "i'm scared of what i'll do without group on the holidays",
    ],
)
def test_look_alikes_from_the_dev_set_stay_quiet(text: str) -> None:
    assert not decide(text, model_says_crisis=False).crisis


@pytest.mark.parametrize(
    "text, other",
    [
        ("he said he doesnt want to live anymore last night", True),
        ("my son told me he wants to die", True),
        ("my counselor said to text you, i want to kill myself", False),
        ("i want to die", False),
    ],
)
def test_reported_speech_is_about_someone_else(text: str, other: bool) -> None:
    from bot.safety.tiers import about_someone_else

    assert about_someone_else(text) is other


# Spanish, in our own words (none of these is in an evaluation set): clear danger is answered at
# once by the patterns, as in English; figures of speech and stories of the past are not.
@pytest.mark.parametrize(
    ("text", "crisis_type"),
    [
        ("ya no aguanto, me voy a matar esta noche", SUICIDE),
        ("quiero quitarme la vida", SUICIDE),
        ("Ya no quiero vivir, perdón a todos", SUICIDE),
        ("me kiero morir ya", SUICIDE),
        ("ojalá no despertar nunca", SUICIDE),
        ("cuántas pastillas de clonazepam serían para no despertar", SUICIDE),
        ("mi primo dice que se va a matar, qué hago", SOMEONE_ELSE),
        ("me estoy cortando y no paro de sangrar", SELF_HARM),
        ("mi papá no respira, usó heroína", OVERDOSE),
        ("mi novia se inyectó, tiene los labios morados y no reacciona", OVERDOSE),
        ("mi abuelo tiene los labios morados y no reacciona", MEDICAL),
        ("me tomé todo el frasco de pastillas", OVERDOSE),
        ("dejé de tomar hace 3 días y estoy viendo bichos en la pared", MEDICAL),
        ("tiemblo mucho desde que dejé el alcohol, ¿me tomo una cerveza para calmar los temblores?", MEDICAL),
        ("me duele el pecho después de usar cristal", MEDICAL),
        ("mi esposo me está golpeando ahorita", VIOLENCE),
        ("mi hermana dice que su novio la está pegando", VIOLENCE),
        # the second round (dev_es), again in our own words
        ("ya estuve pensando mucho y me mato hoy", SUICIDE),
        ("ando en la azotea del trabajo y voy a saltar", SUICIDE),
        ("toy sentada sobre las vías, ya no quiero nada", SUICIDE),
        ("la pistola que compré es pa mí, no pa la casa", SUICIDE),
        ("mi prima está en el puente y dice que se va a aventar", SOMEONE_ELSE),
        ("vi que mi hijo buscó en internet cómo suicidarse", SOMEONE_ELSE),
        ("me estoy arañando los brazos hasta sacarme sangre", SELF_HARM),
        ("mi hermano se quemó a propósito con un encendedor", SELF_HARM),
        ("no lo podemos despertar, creo que se metió fentanilo", OVERDOSE),
        ("le dimos narcan pero se está volviendo a quedar dormido", OVERDOSE),
        ("me acabo de tomar todas las pastillas de mi mamá", OVERDOSE),
        ("cuánta heroína mata a alguien", SUICIDE),
        ("mi papá lleva dos días sin su cerveza y anda confundido, no reconoce a nadie", MEDICAL),
        ("oigo a alguien hablándome y no hay nadie, dejé el trago el lunes", MEDICAL),
        ("mi pareja nos tiene encerrados y amenazó con una navaja", VIOLENCE),
        ("mi ex acaba de romper la ventana para entrar", VIOLENCE),
        # the third round (dev_es2), again in our own words
        ("desde que se murió mi esposa no hago nada bien, me quiero ir con ella", SUICIDE),
        ("tengo las pastillas de mi papá y las voy a usar para acabar con todo", SUICIDE),
        ("ya lo tengo planeado el como y el cuando", SUICIDE),
        ("me tomé unos tragos para darme valor, ahora sí lo hago", SUICIDE),
        ("sigo en la azotea, nomás quería que alguien supiera", SUICIDE),
        ("mi sobrino subió a su face un mensaje de gracias por todo y perdón, y no contesta", SOMEONE_ELSE),
        ("mi tío se quedó tieso y empezó a sacudirse en el piso", MEDICAL),
        ("no le digan nada, si se entera me mata, todavía tengo los golpes", VIOLENCE),
        ("tenía un año que no me cortaba y anoche volví a hacerlo", SELF_HARM),
        ("cada vez que tomo me castigo golpeándome", SELF_HARM),
    ],
)
def test_spanish_crises_are_caught_with_their_type(text: str, crisis_type: str) -> None:
    verdict = decide(text, model_says_crisis=False)
    assert verdict.crisis and verdict.crisis_type == crisis_type, explain(text)


@pytest.mark.parametrize(
    "text",
    [
        "me muero de hambre, ¿hay comida en el grupo?",
        "me voy a matar estudiando para el examen",
        "si se entera mi mamá que reprobé me mata jaja",
        "hoy quiero terminar con todo el papeleo del seguro",
        "estoy en el techo arreglando el cooler antes de que haga calor",
        "ya terminé el programa, gracias por todo, los quiero mucho",
        "en la telenovela ella puso gracias por todo y perdón antes de irse",
        "hace años me cortaba, ya no lo hago y estoy bien",
        "este tráfico de la 10 me mata",
        "pon canciones para cortarse las venas jaja",
        "me corté el pelo ayer",
        "mi mamá no responde mis mensajes",
        "hace cinco años tuve una sobredosis, ahora llevo tres años limpio",
        "¿qué es una sobredosis y cuáles son las señales?",
        "la telenovela tiene un personaje que se quiere matar",
        "nunca me haría daño, solo estoy triste",
        "me va a dar un infarto con la renta jaja",
        "esta es mi despedida del grupo del jueves, me paso al de exalumnos",
        "mi tía tuvo una sobredosis el mes pasado y ya está estable, ¿la pueden evaluar?",
        "tengo miedo de que mi hermano tenga una sobredosis algún día",
        "q significa sobredosis accidental",
        "la primera vez que dejé de tomar me dieron convulsiones, ¿ustedes hacen detox?",
        "yo antes pensaba en matarme, ahora ya no, la terapia sí funciona",
        "si no paso este examen me mato jaja",
        "en la novela el esposo la tiene encerrada en la hacienda",
    ],
)
def test_spanish_figures_of_speech_and_histories_stay_quiet(text: str) -> None:
    assert not [m for m in explain(text) if m.counts and not m.told_as_history], explain(text)


@pytest.mark.parametrize(
    ("text", "alarm"),
    [
        ("should i just drink to stop the shakes", True),  # the issue's own example
        ("my hands wont stop shaking, would a beer steady them", True),
        ("quit the booze on friday and now im hearing voices at night", True),
        ("my dad stopped drinking monday and now he's seeing bugs on the wall", True),
        ("I quit smoking and I'm a bit shaky", False),
        ("had a drink to calm my nerves before the interview", False),
        ("no shakes or anything, 5 days since my last drink, when can I start?", False),
        ("what are the signs of withdrawal, like shaking after you quit drinking?", False),
    ],
)
def test_withdrawal_danger_in_english(text: str, alarm: bool) -> None:
    verdict = decide(text, model_says_crisis=False)
    assert verdict.crisis is alarm, explain(text)
    if alarm:
        assert verdict.crisis_type == MEDICAL


@pytest.mark.parametrize(
    ("text", "source"),
    [
        # a plan to stop drinking or benzodiazepines alone and at once: asked about, not paged
        ("been drinking 2 bottles of wine a day for a year. quitting tomorrow at home, no doctor", "plan"),
        ("my son stopped his klonopin yesterday with no doctor, says he doesn't need help", "plan"),
        ("I drink every day and I want to just stop tomorrow cold turkey", "plan"),  # the drink said before the plan
        ("Mi mamá toma diario desde hace años y dice que mañana lo deja de golpe, sola en la casa", "plan"),
        # with signs of withdrawal now it is clear danger
        ("quit drinking cold turkey two days ago and now im seeing bugs on the wall", "patterns"),
        # not a plan to stop drinking alone
        ("I quit smoking cold turkey last week, any tips for the cravings?", "none"),  # no alcohol or benzodiazepines
        ("I want to quit drinking with medical help this time", "none"),
        ("i dont want to quit drinking cold turkey, can you help me find a detox", "none"),  # negated
        ("I quit drinking cold turkey in 2015 and had a seizure", "none"),  # the past
        # neither alcohol nor a benzodiazepine ("tomorrow", "Tom", "el bebe" are not), or not one plan
        ("I'm quitting smoking tomorrow, cold turkey", "none"),
        ("I quit weed cold turkey, want to start IOP tomorrow", "none"),
        ("I stopped by the office alone on the fifth", "none"),
        ("voy a dejar al bebe solo en la casa mientras voy al grupo", "none"),
        ("I plan to quit my job. I drink at home on weekends", "none"),  # the sentence ends before "at home"
    ],
)
def test_a_plan_to_stop_drinking_alone_is_asked_about(text: str, source: str) -> None:
    verdict = decide(text, model_says_crisis=False)
    assert verdict.source == source, explain(text)
    if source != "none":
        assert verdict.crisis_type == MEDICAL


@pytest.mark.parametrize(
    ("text", "crisis_type"),
    [
        ("I'm coming off xanax on my own and I keep thinking about killing myself", "suicide"),
        ("im detoxing from alcohol by myself and i want to kill myself", "suicide"),
    ],
)
def test_a_death_wish_beside_a_plan_to_stop_drinking_gets_the_answer_for_the_death_wish(text: str, crisis_type: str) -> None:
    """The plan is only asked about; the hit that is danger now names the answer (medical would
    have sent the seizure steps without 988)."""
    verdict = decide(text, model_says_crisis=False)
    assert (verdict.source, verdict.crisis_type) == ("patterns", crisis_type), explain(text)


@pytest.mark.parametrize(
    "text, crisis_type, source",
    [
        # dev5's gaps, in our own words
        ("tell my mom i love her. my finger's on the trigger now", SUICIDE, "patterns"),
        ("the barrel is against my temple and my hands are shaking", SUICIDE, "patterns"),
        ("my son texted me to say goodbye and he has his gun, he won't answer now", SOMEONE_ELSE, "patterns"),
        ("our 2 year old chewed on one of my suboxone films, maybe half", OVERDOSE, "patterns"),
        ("the 14 month old got into my bag and sucked on a methadone dose cup", OVERDOSE, "patterns"),
        ("my 9 month old had one of my bupe strips in her mouth when i walked in", OVERDOSE, "patterns"),
        ("my brother is shooting up alone in the garage again", OVERDOSE, "plan"),
        ("this new batch is way stronger than what i'm used to, doing it anyway", OVERDOSE, "plan"),
        ("day 2 without a drink and i feel like i'm about to pass out", MEDICAL, "plan"),
    ],
)
def test_dev5_gaps_are_caught(text: str, crisis_type: str, source: str) -> None:
    verdict = decide(text, model_says_crisis=False)
    assert (verdict.crisis, verdict.crisis_type, verdict.source) == (True, crisis_type, source)


@pytest.mark.parametrize(
    "text",
    [
        # Histories, exercise, figures of speech: dev5's false alarms, in our own words.
        "a friend from my old job passed away, OD. is there a grief group?",
        "my dad went through this in his 30s, he attempted suicide and now he speaks at schools",
        "it's been 9 yrs since i stood on that bridge, and now i'm a peer mentor",
        "did way too many squats at the gym lol, can i sit in the comfy chair in group",
        "mi abuelo tuvo convulsiones cuando dejó de tomar hace años, ahora está bien",
        "the intake packet is so long i feel like i'm gonna pass out lol",
        "just going to bury myself in blankets with a movie tonight",
    ],
)
def test_dev5_look_alikes_stay_quiet(text: str) -> None:
    assert not decide(text, model_says_crisis=False).crisis


@pytest.mark.parametrize(
    "text",
    [
        # A review found these silenced by an early version of this round: the program's end or a
        # death beside a goodbye or a death wish must never hide it.
        "I finished the program last month and relapsed anyway. I'm giving away all my stuff tonight, this is goodbye",
        "graduated iop 3 weeks ago, been using again. this is my goodbye, tell my kids it wasnt their fault",
        "I want to die. My mom passed away.",
        "My wife passed away, I want to die",
    ],
)
def test_the_programs_end_or_a_death_beside_a_crisis_does_not_hide_it(text: str) -> None:
    assert decide(text, model_says_crisis=False).crisis_type == SUICIDE


@pytest.mark.parametrize(
    "text",
    [
        "My son got into a suboxone program",
        "my daughter got into the methadone clinic, so proud of her",
        "I'm a 45 year old, ate breakfast, then took my suboxone",
        "my 5 year old got into the pumpkin patch",
        "I'm tired of doing it alone",
        "I've been using the workbook alone",
        "my sister called to say goodbye, she's moving to Texas for good",
        "At the range they teach you to keep your finger on the trigger only when ready",
        "i feel like im going to pass out from how tired i am",
        "Tengo miedo, no se que voy a hacer con mi hijo",
        "Me da miedo no saber que puedo hacer por mi hija",
    ],
)
def test_ordinary_messages_near_the_new_patterns_stay_quiet(text: str) -> None:
    assert not decide(text, model_says_crisis=False).crisis


@pytest.mark.parametrize(
    "text, crisis_type",
    [
        ("Tengo miedo de lo que le vaya a hacer mi esposo a mis hijos", None),  # a victim's fear: not hers to act on
        ("He tenido miedo de lo que le pueda hacer a mi hijo", HARM_TO_OTHERS),  # "he" is a Spanish verb here
        ("My ex makes me want to kill him", HARM_TO_OTHERS),
    ],
)
def test_who_would_act_is_read_right(text: str, crisis_type: object) -> None:
    assert decide(text, model_says_crisis=False).crisis_type == crisis_type


def test_a_threat_at_home_is_not_read_as_a_figure_of_speech() -> None:
    # "gonna kill me if he sees" is how a person in danger at home may write: the model's crisis stands.
    assert decide("my husband is gonna kill me if he sees this chat", model_says_crisis=True).crisis


def test_a_plan_to_stop_benzos_said_with_how_long_they_were_taken_is_not_history() -> None:
    # "las toma hace años": she has taken them for years; the plan is now.
    verdict = decide("mi tía va a dejar el clonazepam de golpe, lo toma hace años", model_says_crisis=False)
    assert verdict.crisis and verdict.crisis_type == MEDICAL
