"""Spanish on the whole service (real Rasa with the trained model, action server, SQLite), over
REST: the language chosen from the first message and kept, a crisis answered in Spanish with
988 (press 2, AYUDA) and an escalation, answers and the coping exercise in Spanish, switching
back to English on request, and the lead recording the language for admissions."""

from __future__ import annotations

import sqlite3
import uuid
from typing import List

import pytest

from bot.service.process import RunningService
from tests.integration.test_service import joined, say, service  # noqa: F401 - the module's whole service

pytestmark = pytest.mark.integration


def new_sender() -> str:
    return f"it-es-{uuid.uuid4()}"


def rows(service: RunningService, sql: str, sender: str) -> List[tuple]:
    with sqlite3.connect(service.database) as db:
        return db.execute(sql, (sender,)).fetchall()


async def test_a_spanish_crisis_gets_the_spanish_crisis_answer_and_the_team_is_alerted(service: RunningService) -> None:
    sender = new_sender()
    reply = joined(await say(service, sender, "ya no quiero vivir, estoy cansado de todo"))
    assert "marque 2" in reply and "AYUDA" in reply and "911" in reply
    assert "asistente automático" in reply and "Call or text" not in reply
    assert rows(service, "SELECT crisis_type, status FROM escalations WHERE conversation_id = ?", sender) == [("suicide", "open")]
    # Crisis mode listens in Spanish too: "no puedo llamar" gets the texting options.
    assert "AYUDA" in joined(await say(service, sender, "no puedo llamar, mi esposo me va a oír"))


async def test_a_spanish_question_is_answered_in_spanish_and_the_language_stays(service: RunningService) -> None:
    sender = new_sender()
    first = joined(await say(service, sender, "hola, ¿aceptan Medi-Cal?"))
    assert "asistente automático" in first and "Medi-Cal" in first and "automated assistant" not in first
    # A short message that could be either language keeps the conversation in Spanish.
    assert "Okay. What else" not in joined(await say(service, sender, "ok"))
    hours = joined(await say(service, sender, "¿cuál es su horario?"))
    assert "a. m." in hours or "p. m." in hours


async def test_english_please_switches_back_and_stays(service: RunningService) -> None:
    sender = new_sender()
    await say(service, sender, "buenas tardes, tengo una pregunta sobre el programa")
    assert "we'll continue in English" in joined(await say(service, sender, "English please"))
    assert "Claro" not in joined(await say(service, sender, "gracias"))


async def test_a_coping_exercise_in_spanish(service: RunningService) -> None:
    sender = new_sender()
    reply = joined(await say(service, sender, "tengo muchas ganas de un trago ahorita"))
    assert "0" in reply and "10" in reply and "craving" not in reply.lower()


async def test_a_medication_question_in_spanish_gets_the_safe_answer(service: RunningService) -> None:
    sender = new_sender()
    reply = joined(await say(service, sender, "¿puedo tomar xanax junto con mi suboxone?"))
    assert "farmac" in reply and "911" in reply and not reply.lstrip().startswith("Sí")


async def test_a_callback_request_in_spanish_is_saved_with_its_language(service: RunningService) -> None:
    sender = new_sender()
    asked = joined(await say(service, sender, "quiero que me llamen de admisiones por favor"))
    assert "nombre" in asked
    assert "teléfono" in joined(await say(service, sender, "me llamo Lupe"))
    assert "código de área" in joined(await say(service, sender, "555-0199"))  # the problem, in Spanish
    await say(service, sender, "760-555-0199")
    await say(service, sender, "en la noche después de las 6")
    await say(service, sender, "para mí")
    await say(service, sender, "no tengo seguro")
    saved = joined(await say(service, sender, "sí"))
    assert "Lupe" in saved and "Gracias" in saved
    assert rows(service, "SELECT first_name, language FROM leads WHERE conversation_id = ?", sender) == [("Lupe", "es")]


async def test_a_meeting_search_in_spanish_is_answered_in_spanish(service: RunningService) -> None:
    sender = new_sender()
    messages = await say(service, sender, "¿hay una junta de NA cerca de 92262 esta noche?")
    texts = [m.get("text", "") for m in messages]
    assert "reuniones de NA" in texts[0] and "Palm Springs, CA 92262" in texts[0]
    listed = texts[1:-1]
    assert listed and all("Cuándo:" in text and "When:" not in text for text in listed)
    # A follow-up in Spanish refines the same search.
    assert "mañana" in joined(await say(service, sender, "¿y mañana?"))


async def test_a_schedule_question_in_spanish(service: RunningService) -> None:
    sender = new_sender()
    reply = joined(await say(service, sender, "¿a qué hora son los grupos de la noche?"))
    assert "p. m." in reply and "pm" not in reply.replace("p. m.", "")
    # The center's data in Spanish (data/program/facts.es.yml), never its English names.
    assert "IOP de noche para adultos" in reply and "Adult Evening IOP" not in reply


async def test_the_centers_data_and_a_holiday_are_in_spanish(service: RunningService) -> None:
    sender = new_sender()
    tracks = joined(await say(service, sender, "buenas tardes, ¿qué programas tienen? ¿cuál es para mi hijo de 16 años?"))
    assert "IOP para adolescentes" in tracks and "Adolescent IOP" not in tracks
    holiday = joined(await say(service, sender, "¿hay grupo en el día de acción de gracias?"))
    assert "Día de Acción de Gracias" in holiday and "Thanksgiving" not in holiday


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("hola buenas, ¿tienen grupos en la noche?", "p. m."),  # the evening groups, not the menu
        ("hola buenas, ¿trabajan con Medi-Cal?", "Medi-Cal"),
        ("buenas noches, cuanto cuesta el programa?", "seguro"),
    ],
)
async def test_a_greeting_before_a_question_gets_the_answer(service: RunningService, message: str, expected: str) -> None:
    """Spanish speakers often greet and ask in one message; the greeting's menu is not an answer."""
    reply = joined(await say(service, new_sender(), message))
    assert expected in reply
    assert "¿Qué le gustaría saber?" not in reply and "Puedo responder sus preguntas" not in reply


async def test_a_spanish_parent_who_goes_on_after_a_misread_screening_is_asked_once_more(service: RunningService) -> None:
    """ "mi hijo tiene 16 y anda tomando mucho" may read as an overdose; the next message, an insurer,
    is not an answer: asked once more in Spanish, no escalation; after the no, the insurer named
    alone gets the insurance answer one tap away, about Medi-Cal."""
    sender = new_sender()
    await say(service, sender, "hola, ¿cuánto dura el programa?")  # the conversation is in Spanish
    await say(service, sender, '/risk_possible{"crisis_type": "overdose"}')
    again = joined(await say(service, sender, "tenemos iehp"))
    assert "una vez más" in again and "911" in again and "marcar 2" in again
    after_no = await say(service, sender, "no")
    assert "¿En qué le puedo ayudar?" in joined(after_no)
    # the insurer said meanwhile is answered now, without saying it again (actions/screening.py)
    [suggested] = [m for m in after_no if "¿En qué le puedo ayudar?" not in (m.get("text") or "")]
    payloads = [b["payload"] for b in suggested.get("buttons") or []]
    assert payloads[0] == '/ask_insurance{"insurance_carrier": "Medi-Cal"}'
    assert "no aceptamos Medi-Cal" in joined(await say(service, sender, payloads[0]))
    with sqlite3.connect(service.database) as db:
        assert db.execute("SELECT count(*) FROM escalations WHERE conversation_id = ?", (sender,)).fetchone() == (0,)
