"""Which language one message is written in: English, Spanish, or too little to tell.

A character n-gram model alone misreads what people type most in a chat: "hola" comes out English,
"ok" and "no" are either. So two readers vote: the identifier's probability over English and
Spanish (model.py), and words that belong to one of the two languages only ("hola", "tienen",
"aseguranza"; "the", "what", "please"). A message is called only when they do not disagree, and a
short one only on its words; names, numbers and "ok" are left undecided (the conversation's
language then stands, bot/language/choice.py). A mixed message ("tienen groups en la noche?")
goes to the language most of its words are in.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any, Callable, Optional

from bot.language.model import load_identifier
from bot.text import fold

ENGLISH = "en"
SPANISH = "es"
LANGUAGES = (ENGLISH, SPANISH)

# Words of one language that are not words of the other (accents folded, so "qué" is "que").
# Not here: words both share or that people use in both ("no", "ok", "me", "a", "si" in English
# texting, program and place names).
_SPANISH_WORDS = frozenset(
    """
    hola buenas buenos buen dia dias tardes noches gracias porfa favor xfa xfavor porfavor
    que q k porque xq pq por para pa con sin los las el la una unos unas del al y o u pero tambien tmb muy mas
    mi mis tu tus su sus nuestro nuestra usted ustedes yo el ella ellos nosotros alguien nadie nada algo
    es son esta estoy estan estamos soy eres fue ser estar hay tiene tienen tengo tenemos puedo puede pueden podemos
    quiero kiero quiere queremos necesito necesita necesitamos ayuda ayudar ayudame sabe saber se hacer hago
    como donde cuando cuanto cuanta cuantos cuantas cual cuales quien quienes
    hijo hija hijos esposo esposa mama papa hermano hermana familia amigo amiga novio novia
    hoy manana ayer semana semanas mes meses horas hora tarde noche lunes martes miercoles jueves viernes sabado domingo
    seguro aseguranza costo cuesta cobran pagar programa reunion reuniones grupo grupos cita consejero
    espanol ingles habla hablan hablo hablar idioma bueno bien mal vida morir ahora todavia ya aqui alla
    aceptan acepta ofrecen ofrece trabajan cubre cubren atienden abren cierran llamar llame llamen llamada
    numero telefono direccion ayudan ayudarme estar siento quisiera saber informacion
    """.split()
)
_ENGLISH_WORDS = frozenset(
    """
    the is are was were be been do does did dont doesnt didnt you your youre what whats how when where who why which
    i im ive id my mine me to of and or but with for about from at by this that these those there here it its
    can could would should will wont cant please hi hello hey thanks thank yes yeah yep nope okay
    want need help have has had get got go going know think tell take does any some anything much many
    group groups meeting meetings insurance cost price program schedule tomorrow today tonight week weeks
    son daughter husband wife mom dad brother sister family friend boyfriend girlfriend
    english spanish speak talk life die now still morning evening night
    monday tuesday wednesday thursday friday saturday sunday
    """.split()
)
_WORD = re.compile(r"[a-z]+")
_SPANISH_MARKS = re.compile(r"[ñ¿¡áéíóú]")


@dataclass(frozen=True)
class Reading:
    """One message's language, or None when it does not say; strong: a full sentence clearly in it."""

    language: Optional[str]
    strong: bool = False

    def as_dict(self) -> dict:
        return {"code": self.language, "strong": self.strong}


UNDECIDED = Reading(None)


class LanguageDetector:
    """Reads a message's language; thread-safe, the model loaded (and verified) on first use."""

    def __init__(self, load: Callable[[], Any] = lambda: load_identifier(LANGUAGES)) -> None:
        self._load = load
        self._identifier: Any = None
        self._lock = threading.Lock()

    def _model(self) -> Any:
        with self._lock:
            if self._identifier is None:
                self._identifier = self._load()
        return self._identifier

    def read(self, text: str) -> Reading:
        if not text or text.startswith("/"):  # a button's payload says nothing about the person's language
            return UNDECIDED
        marked = bool(_SPANISH_MARKS.search(text.lower()))
        words = _WORD.findall(fold(text))
        if not words:
            return UNDECIDED
        spanish = sum(word in _SPANISH_WORDS for word in words) + (2 if marked else 0)
        english = sum(word in _ENGLISH_WORDS for word in words)
        code, probability = self._model().classify(text)
        by_model = code if probability >= 0.9 else None
        if spanish == english:
            # No word decides: only the model on a message long enough for it to be sure.
            if by_model is not None and len(words) >= 3 and probability >= 0.98:
                return Reading(by_model, strong=len(words) >= 4)
            return UNDECIDED
        by_words = SPANISH if spanish > english else ENGLISH
        lead = abs(spanish - english)
        if by_model is not None and by_model != by_words and lead < 2:
            return UNDECIDED  # the readers disagree and the words barely lean
        strong = lead >= 2 and len(words) >= 3 and (by_model is None or by_model == by_words)
        return Reading(by_words, strong=strong)


_shared: Optional[LanguageDetector] = None
_shared_lock = threading.Lock()


def shared_detector() -> LanguageDetector:
    """One detector per process (the model is 4 MB and takes a second to load)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = LanguageDetector()
    return _shared
