"""The curated patterns of the crisis safety net.

Every pattern runs on normalised text (lower case, apostrophes dropped, one space between words;
see ``detector.normalise``), so "Don't", "dont" and "don’t" are all ``dont``.

A pattern names the crisis type it signals and the traps that can overrule it. A trap is a way an
alarming phrase appears without a crisis: a general question, a past event, a film, a negation.
Traps are checked only in the clause around the match, so a trap in one sentence never hides a
crisis in another; and a sign that the danger is current ("right now", "again", "he isn't
breathing") overrules the trap. Figures of speech and other senses of a word are excluded in the
pattern itself, next to the words they concern.

Recall comes first: when in doubt a pattern stays. ``make eval-safety`` measures both sides on
``tests/data/safety/``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import FrozenSet, Optional, Pattern, Tuple

SUICIDE = "suicide"
SELF_HARM = "self_harm"
OVERDOSE = "overdose"
MEDICAL = "medical"
VIOLENCE = "violence"
# Danger from the person writing to someone else ("I'm going to hurt him", "I'm afraid of what I'll
# do to my son"): labelled violence in the data, but its own answer (step away, 988, 911), not the
# words for someone in danger from another person.
HARM_TO_OTHERS = "harm_to_others"
UNSPECIFIED = "unspecified"
CRISIS_TYPES = (SUICIDE, SELF_HARM, OVERDOSE, MEDICAL, VIOLENCE)
# Someone else at risk of suicide or self-harm: its own answer (what to do for them), not a type
# the patterns or the labelled data name.
SOMEONE_ELSE = "someone_else"

INFORMATIONAL = "informational"
PAST = "past"
MEDIA = "media"
NEGATED = "negated"
ALL_TRAPS: FrozenSet[str] = frozenset({INFORMATIONAL, PAST, MEDIA, NEGATED})


@dataclass(frozen=True)
class CrisisPattern:
    name: str
    crisis_type: str
    regex: Pattern[str]
    traps: FrozenSet[str] = ALL_TRAPS
    # Breathing and consciousness problems are an overdose when a substance is in the message.
    overdose_if_substance: bool = False
    # Despair said of a craving ("the cravings are so bad i cant take it anymore"): asked about
    # directly (the screening question), not paged, unless a learned layer sees clear danger.
    ask_if_craving: bool = False
    # A danger that is not happening yet (a plan to stop drinking alone, cold turkey): always asked
    # about, never paged on the pattern's word alone.
    asked: bool = False
    # Words the message must hold somewhere for a hit to count (before or after it).
    needs: Optional[Pattern[str]] = None
    # A threat whose words may not say who would act ("going to kill her"): the subject before it
    # decides between harm the writer would do and violence by someone else (bot/safety/detector.py).
    subject_decides: bool = False


def _p(
    name: str,
    crisis_type: str,
    pattern: str,
    traps: FrozenSet[str] = ALL_TRAPS,
    overdose_if_substance: bool = False,
    ask_if_craving: bool = False,
    asked: bool = False,
    needs: Optional[str] = None,
    subject_decides: bool = False,
) -> CrisisPattern:
    return CrisisPattern(
        name,
        crisis_type,
        re.compile(pattern),
        frozenset(traps),
        overdose_if_substance,
        ask_if_craving,
        asked,
        re.compile(needs) if needs else None,
        subject_decides,
    )


# Word fragments shared by several patterns.
MYSELF = r"(?:my ?s[ei]l[fv]e?|my ?slef|myslf|me self)"
OTHER = (
    r"(?:he|she|they|hes|shes|theyre|him|her|them|someone|somebody|some one|friend|"
    r"(?:my|our|his|her|their|a) (?:\w+ )?(?:friend|buddy|homie|roommate|son|daughter|kid|boy|girl|husband|wife|"
    r"partner|bf|gf|boyfriend|girlfriend|brother|sister|bro|sis|dad|father|mom|mother|mum|cousin|uncle|aunt|"
    r"nephew|niece|fiance|fiancee|ex|stepdad|stepson|stepdaughter|grandson|granddaughter|coworker|neighbor|"
    r"neighbour|guy|man|woman|child|baby|teen|teenager|spouse))"
)
ABUSER = (
    r"(?:he|she|they|(?:my )?(?:\w+ )?(?:husband|hubby|wife|partner|bf|gf|boyfriend|girlfriend|ex|fiance|fiancee|dad|"
    r"father|mom|mother|stepdad|stepfather|stepmom|brother|sister|son|daughter|roommate|uncle|spouse|baby daddy|"
    r"baby mama|dealer|landlord)|someone|somebody|this guy|a guy)"
)
# A child small enough that any opioid is an emergency.
SMALL_CHILD = r"(?:toddler|baby|infant|little one|(?:[1-5]|one|two|three|four|five) ?(?:year|yr)s? old|\d+ ?(?:month|mo)s? old)"
OPIOID_MEDICINE = (
    r"(?:suboxone|subutex|zubsolv|buprenorphine|methadone|fent\w*|oxy\w*|percs?|percocets?|pain pills|opioids?|heroin|morphine|"
    r"(?:bupe|sub|film) strips?)"
)
# A child or partner, in Spanish (accents folded).
ES_CLOSE = r"(?:hij[oa]s?|bebe|nin[oa]s?|chamac[oa]s?|espos[oa]|pareja|novi[oa])"
HARM_VERB = r"(?:kill|hurt|harm|shoot|stab|beat|strangle|choke|murder)"
WANT = (
    r"(?:want|wanna|wanted|wants|wish|wishing|going|gonna|gunna|gon|about|planning|plan|ready|trying|tryna|"
    r"thinking about|think about|thought about|thinking of|thoughts about|thoughts of|feel like|feeling like|"
    r"need|urge|urges|tempted|decided|will|might|deserve|pray|praying|hope|hoping|hopin)"
)
SUBSTANCE = re.compile(
    r"\b(?:pills?|meds|medication|fent\w*|heroin|h|dope|opioids?|opiates?|oxy\w*|percs?|percocet|xanax|xans|"
    r"bars|benzos?|klonopin|valium|morphine|methadone|suboxone|narcan|naloxone|needle|shot up|shooting up|shoot up|injected|snorted|smoked|using|used|"
    r"high|drunk|drank|drinking|alcohol|booze|vodka|liquor|coke|cocaine|crack|meth|molly|mdma|ketamine|"
    r"lean|syrup|overdos\w*|od|k2|spice|gabapentin|tramadol|adderall|"
    # Spanish (accents folded)
    r"pastillas?|medicinas?|heroina|fentanilo|cristal|foco|cocaina|perico|drogas?|drogad[oa]|borrach[oa]|tomando|"
    r"tomo|uso|usando|inyect\w*|jeringa|sobredosis|clonazepam|rivotril)\b"
)
STOPPED_DRINKING = (
    # "after you quit drinking", "when people stop": a general question, not someone's own danger
    r"(?:(?<!you )(?<!people )(?<!someone )(?<!somebody )(?:stopped|quit|quitting|stopping|came off|off) (?:drinking|the booze|booze|alcohol|the bottle|xanax|benzos?|bars|klonopin|valium|ativan|my (?:xanax|benzos|pills))"
    r"|since my last drink|my last drink was|havent (?:had a drink|drunk))"
)
SUICIDE_WORD = r"(?:su[iy]{0,2}[cs]{1,2}[aeiy]{0,2}d(?:e|es|al|ial|ally)?|sewer ?slide|sewerslide)"
# Spanish withdrawal: its signs, and having stopped drinking or benzodiazepines, in either order.
_ES_WITHDRAWAL_SIGNS = (
    r"(?:temblando|tiemblo|tiembla|temblores|alucinando|alucina|alucino|confundid[oa]|no reconoce|hablandome"
    r"|corazon (?:raro|acelerado|bien acelerado|se salta|como que se salta)"
    r"|(?:veo|ve|viendo|escucho|oigo|oye|escuchando) (?:cosas|voces|bichos|animales|gente|a alguien))"
)
_ES_STOPPED = (
    r"(?:dej\w* (?:de (?:tomar|beber)|el (?:alcohol|trago|licor)|la bebida|la botella|las pastillas|el clonazepam|el xanax)"
    r"|sin (?:alcohol|tomar|beber|(?:su|mi) (?:tequila|cerveza|trago|alcohol|vino|botella))|(?:dias|horas) sin)"
)

PATTERNS: Tuple[CrisisPattern, ...] = (
    # --- suicide -----------------------------------------------------------------------------
    _p("kms", SUICIDE, r"(?<!\d)(?<!\d )\bk+m+s+\b"),
    _p(
        "kill myself",
        SUICIDE,
        r"\b(?:kill+(?:ing|in)?|kil|kms) ?"
        + MYSELF
        + r"(?! (?:trying|working|at (?:work|the gym)|over (?:this|it|nothing)|to (?:finish|get|make|pay|keep)|for (?:this|that|them|nothing)))",
    ),
    _p(
        "suicide word",
        SUICIDE,
        r"\b" + SUICIDE_WORD + r"\b(?! (?:squad|mission|doors?|run|sprints?|drills?|lane|hotline|prevention|awareness|rates?))",
    ),
    _p("unalive", SUICIDE, r"\bun ?aliv(?:e|ing|ed)\b"),
    _p("self delete", SUICIDE, r"\bself ?delet(?:e|ing)\b"),
    _p(
        "end my life",
        SUICIDE,
        r"\b(?:end|ending|ended|take|taking|took) (?:my|it all|my own|this) ?(?:own )?(?:life|all)\b|\bend(?:ing)? (?:it|things|everything) (?:all|tonight|now|today|for good|forever)\b"
        r"|\bend(?:ing)? (?:it all|everything)\b|\b(?:want|wanna|going|gonna|ready|decided) to end (?:it|things)\b(?! with)"
        r"|\b(?:i|ill|i will|im going to|im gonna|time to|time i|night i|day i) end it\b(?! (?:with|between|for (?:him|her|them)|early|here|there))",
    ),
    _p(
        "want to die",
        SUICIDE,
        r"\b"
        + WANT
        + r" (?:to |i |i could |i would |that i )?(?:just )?(?:die|be dead|not be alive|not exist|stop existing|disappear forever|"
        r"not wake up|never wake up|sleep forever|go to sleep forever|not be here any ?more|be gone)\b"
        r"(?! (?:of|from) (?:embarrassment|boredom|shame|laughter|laughing|cringe|cuteness|heat|hunger))(?! (?:my|her|his|your) hair)",
    ),
    _p(
        "wish dead",
        SUICIDE,
        r"\bwish (?:i|id|i would|i could)(?: just)? (?:was|were|be|have been|had)? ?(?:dead|never born|not alive|gone|die|disappear|not wake up|not here|never woke up)\b"
        r"|\bwish (?:i )?(?:was|were)nt (?:alive|here|born)\b|\bwish (?:i|id) (?:had )?never (?:been born|woken up|existed|woke up)\b"
        r"|\b(?:rather|sooner) (?:be dead|die|not be alive|not exist)\b",
    ),
    _p(
        "dont want to live",
        SUICIDE,
        r"\b(?:dont|do not|no longer|doesnt|dont even|do not even|didnt) (?:want|wanna|wish|feel like) (?:to )?(?:live|be alive|exist|wake up|go on|keep going|keep living|continue living|be here any ?more|be on this earth|be around any ?more)\b",
    ),
    _p(
        "better off without me",
        SUICIDE,
        r"\b(?:happier|better) (?:off )?if i (?:was|were) (?:dead|gone|not here|not around|never born)\b"
        r"|\b(?:nobody|no one|noone|no1) (?:would|will|wd|d) (?:even )?(?:notice|care|miss me)(?: if i (?:was|were|died|disappeared|was gone|wasnt here|killed myself))?\b(?= if| when|\s*$|[.!?,])"
        r"|\b(?:nobody|no one|noone|no1) (?:cares|would care|will care|gives a \w+|care) (?:if|whether) i (?:live|die|lived|died|am alive|was dead|disappeared|am gone)\b"
        r"|\bbetter off (?:without me|if i (?:was|were|wasnt|werent|died|disappeared|left for good|wasnt here|wasnt around|was gone|was dead)|with me gone|with me dead|when im gone|if im gone|without me around|dead)\b",
    ),
    _p("burden", SUICIDE, r"\b(?:im|i am|being|feel like|feeling like|just) (?:such |a |just a |nothing but a )+burden\b"),
    _p(
        "no reason to live",
        SUICIDE,
        r"\b(?:no|zero|not any|nothing|dont have a|dont have any|cant find a) (?:reason|point|purpose) (?:to|in|of|for) (?:live|living|go on|going on|keep going|keep living|being alive|being here|wake up|waking up|life|stay|staying)\b"
        r"|\b(?:dont|cant|do not|cannot|no longer) see (?:the|any) point (?:in|of) (?:living|life|going on|being alive|waking up|being here)\b|\bwhats the point (?:of|in) (?:living|life|being alive|going on)\b"
        r"|\b(?:im|i am) (?:so )?(?:done|finished) (?:with (?:life|living|this life|being alive)|living)\b"
        r"|\bnothing (?:left )?to live for\b|\b(?:life|living) (?:is|isnt|aint|feels|seems) (?:not )?(?:worth (?:it|living)|pointless|meaningless)\b(?! (?:without|if))|\bnot worth living\b",
    ),
    _p(
        "cant go on",
        SUICIDE,
        r"\bcant (?:go on|keep going|keep living|live like this|take life any ?more|handle (?:life|living) any ?more)\b",
    ),
    _p(
        "cant take it",
        SUICIDE,
        r"\bcant (?:do this any ?more|take (?:it|this) any ?more|keep doing this any ?more)\b",
        ask_if_craving=True,
    ),
    _p(
        "goodbye",
        SUICIDE,
        r"\b(?:writing|wrote|write|written|left|leaving) (?:a |my )?(?:suicide |goodbye )?note\b(?! (?:for (?:school|work|the teacher)|to (?:my )?(?:boss|teacher)))"
        r"|\bthis is (?:my )?goodbye\b|\bgoodbye (?:forever|everyone|cruel world|world)\b|\bsaying (?:my )?goodbyes?\b|\bsay goodbye to (?:everyone|everybody|my (?:kids|family|mom|dad))\b"
        r"|\b(?:letters?|notes?|goodbyes?)\b.*\b(?:wasnt|isnt|is not|was not|not) (?:their|your|his|her|anyones) fault\b"
        r"|\bgiv(?:e|ing|en) (?:away )?(?:all )?(?:of )?my (?:stuff|things|belongings|possessions)(?: away)?\b"
        r"|\bwont be (?:here|around|alive) (?:much longer|tomorrow|for long|any ?more|by (?:tomorrow|morning))\b|\b(?:last|final) (?:message|time youll hear from me|night alive|day alive)\b",
    ),
    _p(
        "method seeking",
        SUICIDE,
        r"\b(?:painless|easiest|quickest|fastest|best|surest|easy|quick) (?:ways?|method) to (?:die|kill|end it|end my|go|not wake up)\b"
        r"|\bhow (?:many|much) \w+(?: \w+)? (?:would it take|does it take|to take|do i need|would i need) to (?:die|kill|not wake up|overdose|od|end)\b"
        r"|\b(?:lethal|fatal|deadly) (?:dose|amount)\b",
        traps=frozenset({PAST, MEDIA}),
    ),
    _p(
        "means",
        SUICIDE,
        r"\b(?:sav(?:e|ed|ing)|stockpil\w*|hoard\w*|collect\w*|stash\w*|stor(?:e|ed|ing)) (?:up )?(?:all )?(?:my |of my |these |the )?(?:pills|meds|medication|xanax|oxys|percs)\b(?! (?:for|in) (?:the|a|my) (?:trip|cabinet|weekend))"
        r"|\b(?:bought|got|have|found|loaded) (?:a |the |my )?(?:gun|rope|pistol)(?: \w+)? (?:to|for) (?:end|kill|do it|myself)\b|\bhave a plan\b(?= to| for)|\bmade a plan to\b",
    ),
    _p(
        "method",
        SUICIDE,
        r"\b(?:jump|jumping|jumped) (?:off|from) (?:a|the|this|my) (?:bridge|roof|building|cliff|balcony|overpass|parking garage)\b"
        r"|\b(?:in front of|under) (?:a|the) (?:train|bus|truck|car|semi)\b|\b(?:im |i am |standing |sitting |laying |lying |waiting )?on the (?:train |railroad |rail )?tracks\b|\b(?:hang|hanging|hung) "
        + MYSELF
        + r"\b"
        r"|\b(?:shoot|shooting|shot) "
        + MYSELF
        + r"\b(?! in the foot)|\bslit(?:ting)? my (?:wrists?|throat)\b|\b(?:drive|driving|crash|crashing) (?:my car )?(?:off|into) (?:a|the) (?:bridge|cliff|wall|tree|pole)\b"
        r"|\b(?:use|using|turn|turning|point|pointing) (?:it|the gun|a gun|my gun|the knife|them) on "
        + MYSELF
        + r"\b|\b(?:gun|barrel|pistol) (?:is )?(?:to|in|against) my (?:head|mouth|temple|chin)\b|\bmy fingers? (?:is |s |are )?on the trigger\b|\bpills? (?:in|on) my hand\b|\bbottle of pills (?:in front of|next to) me\b",
    ),
    _p(
        "thoughts of dying",
        SUICIDE,
        r"\b(?:thoughts|thinking|thought|think|fantasi\w*|dream\w*) (?:about|of) (?:dying|death|ending (?:it|my life|things)|not being (?:here|alive|around)|not waking up|killing|offing|disappearing forever)\b",
    ),
    _p(
        "own funeral",
        SUICIDE,
        r"\b(?:keep|been|im) (?:thinking|picturing|imagining|planning) (?:about )?(?:my (?:own )?funeral|dying|being dead)\b",
        traps=frozenset({INFORMATIONAL, MEDIA, NEGATED}),
    ),
    _p(
        "dont want to be here",
        SUICIDE,
        r"\b(?:dont|do not) (?:want|wanna) (?:to )?be (?:here|alive|around)(?: any ?more| no more)\b|\bready to (?:go|be done|die)\b(?= (?:for good|forever|tonight|now))",
    ),
    _p("off myself", SUICIDE, r"\boff(?:ing)? " + MYSELF + r"\b"),
    _p(
        "sleep and not wake",
        SUICIDE,
        r"\b(?:go to sleep|fall asleep|sleep|close my eyes) and (?:not|never|just not) (?:wake up|open them)(?: again)?\b|\bhope i (?:dont|never|do not) wake up\b",
    ),
    # --- someone else at risk of suicide or self-harm ------------------------------------------
    _p(
        "other kills self",
        SOMEONE_ELSE,
        r"\b"
        + OTHER
        + r" (?:is |was |keeps |has been |just )?(?:going to|gonna|gunna|wants to|wanna|will|about to|trying to|tryna|threaten\w* to|talking about|talks about|saying (?:she|he|they)(?:ll| will| wants to| is going to))"
        r" (?:kill(?:ing)?|hurt(?:ing)?|harm(?:ing)?|end(?:ing)?|cut(?:ting)?|off(?:ing)?) (?:himself|herself|themselves|themself|his life|her life|their life|it all)\b"
        r"|\b" + OTHER + r" (?:is |s |has been )?(?:suicidal|cutting (?:herself|himself|themselves) again)\b",
    ),
    _p(
        "other says goodbye",
        SOMEONE_ELSE,
        r"\b(?:called|texted|messaged|facetimed|calling|texting|left me a (?:voicemail|message))(?: me)? (?:just )?to say (?:goodbye|bye|goodbye forever)\b"
        r"(?=.{0,80}\b(?:pills|gun|knife|bridge|rope|razor|blade|not answering|wont answer|doesnt answer|isnt answering|sorry for everything)\b)",
        traps=frozenset({PAST, MEDIA}),
    ),
    # --- self-harm ---------------------------------------------------------------------------
    _p(
        "cut myself",
        SELF_HARM,
        r"\b(?:cut+(?:ing|in)?|slic(?:e|ed|ing)|carv(?:e|ed|ing)|burn(?:ed|t|ing)?|scratch(?:ed|ing)?|scrap(?:e|ed|ing)|bit(?:e|ing)|starv(?:e|ed|ing)) "
        + MYSELF
        + r"\b(?! (?:off|some slack|short|out of|shaving|cooking|chopping|on (?:a|the|some|my)|by accident|accidentally|with (?:a|the) (?:knife|razor) (?:while|cooking|shaving)|making|while|at work|in the kitchen|ironing|baking|on accident))",
    ),
    _p(
        "cut my body",
        SELF_HARM,
        r"\b(?:cut+(?:ing|in)?|slic(?:e|ed|ing)|carv(?:e|ed|ing)|burn(?:ed|ing)?|scratch(?:ed|ing)?) (?:my|on my) (?:arms?|wrists?|legs?|thighs?|skin|stomach|body)\b(?! (?:on|shaving|cooking|by accident|accidentally|in the sun|at the beach|at work))",
    ),
    _p("self harm", SELF_HARM, r"\bself ?(?:harm\w*|injur\w*|mutilat\w*)\b|\bsh (?:again|relapse|urges?)\b"),
    _p(
        "hurt myself",
        SELF_HARM,
        r"\b(?:"
        + WANT
        + r"|started|start|keep|been|am|im|will|gonna|going to) (?:to )?(?:hurt|harm|punish|injure)(?:ing)? "
        + MYSELF
        + r"\b"
        r"|\b(?:hurt|harm|harming|hurting|punishing|injuring) "
        + MYSELF
        + r"\b(?= (?:again|on purpose|bad|badly|tonight|right now|now))"
        r"|\b(?:hurt|harmed|hurting|harming) "
        + MYSELF
        + r"\b(?! (?:at|in|playing|lifting|running|working|on|while|during|when|by))",
    ),
    _p(
        "cutting again",
        SELF_HARM,
        r"\b(?:cut+ing|cut+in|burning|self harming|harming) (?:again|myself again)\b|\b(?:started|start|starting|began|back to|relapsed on|urges? to|want to|wanna|going to|gonna|need to|cant stop) (?:cut+ing|cut+in|cutting again|cut|burning|burn)\b(?! (?:back|down|out|off|ties|class|corners|the|my (?:hair|hours|losses)|costs|carbs|sugar|calories|people|myself (?:some slack|off|a break|short)|myself$))"
        r"|\b(?:razor|blade)s? (?:in my hand|on my (?:arm|wrist|skin))\b|\bmake "
        + MYSELF
        + r" bleed\b|\bwant(?:ed)? to (?:bleed|feel (?:the )?pain)\b"
        r"|\b(?:razor|blade|knife|lighter)s?\b.{0,80}\b(?:need|want|have) to feel (?:it|something|the pain|pain)\b",
    ),
    _p(
        "hit myself",
        SELF_HARM,
        r"\b(?:hitting|hit|punching|punch|punched|banging|bang|banged|slamming|slammed|slapping) (?:"
        + MYSELF
        + r"|my head) (?:against|into|on) (?:the |a )?(?:wall|floor|door)\b(?! (?:over|trying|with this))"
        r"|\b(?:keep|kept|been|started|im|am) (?:hitting|punching|slapping|beating) " + MYSELF + r"\b",
    ),
    # --- overdose ----------------------------------------------------------------------------
    _p(
        "overdose word",
        OVERDOSE,
        r"\b(?:over ?dos\w*|overdo(?:es|se)d?|overdoze\w*|ovr ?dos\w*|o ?ds|o ?ding|od(?:ing|in|ed)?)\b(?! (?:on (?:coffee|caffeine|netflix|sugar|candy|chocolate|tv|sun|cuteness|cake|pizza|carbs|work|love|drama|memes|anime|tiktok|youtube|christmas|shopping|studying|video games|reality tv)))",
    ),
    _p(
        "took too many",
        OVERDOSE,
        r"\b(?:took|taken|taking|swallowed|ate|downed|did|used|snorted|smoked|shot|injected|popped|mixed|drank|drunk)(?: up)? (?:way |way way )?(?:too (?:much|many)|(?:my|his|her|their|the) (?:whole|entire) (?:prescription|script|bottle|pack|supply)|(?:a|an entire|the|one) bottle of|a (?:lot|bunch|handful|whole (?:bottle|pack|sheet|strip|box)) of|all (?:of )?(?:my|his|her|the|their|them)|the (?:whole|entire) (?:bottle|pack|sheet|strip|box)|double|triple|a ton of|a shit ?ton of|like \d+|\d+ (?:pills|bars|xans|percs|oxys|tabs))\b"
        r"(?! (?:of (?:my )?(?:time|vacation|pto|homework|advice|work|coffee|sugar|junk food|food|pizza|candy|sun|selfies|pictures|photos|notes|credits)|pictures|photos|notes|time|money|selfies|classes|credits|days|hours|shifts|breaks|naps|risks|chances|calls|sick days|turns|steps|vacation days|courses|questions|push ?ups|pull ?ups|sit ?ups|reps|sets|laps|squats|burpees|crunches|lunges|miles))",
    ),
    _p(
        "got into the medicine",
        OVERDOSE,
        r"\b(?:got into|ate|swallowed|chewed|drank)\b.{0,50}\b(?:pills?|pill (?:organizer|box|bottle)|meds|medicine|medication|tablets|gummies|cough syrup)\b"
        r".{0,60}\b(?:super sleepy|so sleepy|really sleepy|very sleepy|floppy|limp|wont wake|cant wake|hard to wake|not waking|barely awake|vomiting|throwing up|breathing (?:slow|weird|funny))\b",
        traps=frozenset({PAST, MEDIA, INFORMATIONAL}),
    ),
    _p(
        # Any amount of an opioid is an emergency for a small child: no symptom needs to be told.
        "child into opioids",
        OVERDOSE,
        r"\b" + SMALL_CHILD + r"\b.{0,40}"
        r"\b(?:got into|ate|eaten|swallowed|chewed|sucking on|sucked on|licked|put (?:one|a \w+|it|them) in (?:his|her|their) mouth)\b.{0,40}"
        r"\b" + OPIOID_MEDICINE + r"\b(?! (?:program|clinic|treatment|appointment|doctor|prescription))"
        r"|\b"
        + SMALL_CHILD
        + r"\b.{0,40}\b(?:got|had|has|stuck)\b.{0,40}\b"
        + OPIOID_MEDICINE
        + r"\b.{0,20}\bin (?:his|her|their) mouth\b",
        traps=frozenset({PAST, MEDIA, INFORMATIONAL}),
    ),
    _p(
        # Using alone is how most fatal overdoses happen: asked about (the screening question).
        "using alone",
        OVERDOSE,
        r"\b(?:using(?: it)?|shooting up|doing (?:dope|fent\w*|heroin)|getting high|smoking (?:fent\w*|blues|m30s?|dope))(?: (?:tonight|again|today|now|rn))? (?:alone|by (?:myself|himself|herself|themselves))\b"
        r"|\b(?:new|this|a new) (?:stuff|batch|dope|fent\w*|shit|blues|pills|bag|plug)\b.{0,30}\b(?:way|a lot|much|really|so much) stronger\b",
        asked=True,
    ),
    _p(
        "plans to take pills",
        SUICIDE,
        r"\b(?:going to|gonna|want to|wanna|will|planning to|plan to|about to|ready to|thinking about|thinking of) (?:take|taking|swallow|swallowing|down|downing) (?:all|a bunch|the whole|every|a handful|enough)\b",
    ),
    _p(
        "cant wake up",
        OVERDOSE,
        r"\b"
        + OTHER
        + r" (?:wont|will not|isnt|is not|aint|cant|can not|cannot|doesnt|does not|not) (?:wake|waking|waken|come to|respond\w*|move|moving|open (?:his|her|their) eyes)\b(?! to (?:my |his |her |our )?(?:texts?|messages?|calls?|emails?|letters?|anything i say))(?!.{0,30}\b(?:for (?:school|work|church|class)|in the morning|on time|early|before noon|till noon|until noon|til noon)\b)"
        r"|\bcant (?:wake|get) (?:him|her|them|my \w+|my \w+ \w+) (?:up|to wake up|to respond)\b(?! (?:for (?:school|work|class)|in the morning|on time|early))",
        traps=frozenset({PAST, MEDIA}),
    ),
    _p(
        "wont respond",
        OVERDOSE,
        r"\b(?:wont|will not|isnt|is not|aint|(?<!to )(?<!and )(?<!i )(?<!just )not) (?:respond(?:ing)?|waking up|wake up|breathing|come to)\b(?! to (?:my |his |her )?(?:texts?|messages?|calls?|emails?|letters?))(?!.{0,30}\b(?:for (?:school|work|church|class)|in the morning|on time|early)\b)",
        traps=frozenset({PAST, MEDIA, INFORMATIONAL}),
    ),
    _p(
        "unresponsive",
        OVERDOSE,
        r"\b(?:unresponsive|unconscious|unconcious|passed out and (?:wont|cant|isnt|not|hes not|shes not)|not responding|non ?responsive|limp)\b",
    ),
    _p(
        "not breathing",
        OVERDOSE,
        r"\b(?:not|isnt|aint|stopped|stop|isnt really|not really) (?:breath|breathe|breathing|breathin|breth|brething)\b(?! (?:a word|down my neck|easy|easier|through (?:my|his|her) nose))"
        r"|\bbreathing (?:is |has |sounds? |seems |got )?(?:really |so |very |super |kinda )?(?:slow|weird|funny|shallow|strange|wrong|slowed|stopped|like snoring)\b|\b(?:gasping|choking) (?:for air|on (?:his|her|their) (?:vomit|puke|own))\b",
    ),
    _p(
        "blue lips",
        OVERDOSE,
        r"\b(?:lips|face|skin|fingers|fingertips|nails) (?:are |is |turning |turned |going |gone |look |looks |looking )?(?:kinda |really |all )?(?:blue|purple|gray|grey|ashen)\b|\bturning blue\b|\bblue lips\b|\b(?:hes|shes|theyre|he is|she is|they are) (?:turning |going |all )?(?:blue|purple|gray|grey)\b"
        r"|\bfoaming at the mouth\b|\bgurgling\b|\bpinpoint pupils\b|\bsnoring (?:weird|funny|strange|loud and)\b",
    ),
    _p(
        "narcan now",
        OVERDOSE,
        r"\b(?:gave|give|giving|used|use|need|needs|have to give|sprayed|spray) (?:him|her|them|my \w+|some|a|the|another|second|2nd|more)? ?(?:dose of )?(?:narcan|naloxone)\b(?! (?:kit|training|class|program|at|to (?:have|keep)|in (?:my|the) (?:car|bag|house)))"
        r"|\b(?:narcan|naloxone) (?:isnt|is not|didnt|did not|not) (?:working|work|helping)\b|\bwhere (?:can|do) i get (?:narcan|naloxone) (?:right now|now|fast|asap)\b",
        traps=frozenset({PAST, MEDIA}),
    ),
    # --- medical -----------------------------------------------------------------------------
    _p(
        "seizure",
        MEDICAL,
        r"\b(?:(?:shaking|jerking|twitching|convulsing|thrashing) (?:on the (?:floor|ground|bed)|all over the (?:floor|place))|eyes (?:rolled|rolling|rolled up|are rolling) (?:back|up)|seiz(?:ure|ures|ing|in)|seazure\w*|siezure\w*|sezure\w*|convuls\w*|having a fit|(?:body|he|she|hes|shes|im) (?:is )?(?:jerking|twitching) (?:and|uncontrollably|all over))\b(?! the day)",
    ),
    _p(
        "about to faint",
        MEDICAL,
        r"\b(?:feel|feeling|felt|keep feeling) like (?:im|i am|i was|i will|ill) (?:going to|gonna|about to) (?:faint|pass out|black out)\b(?! (?:from|of) (?:\w+ ){0,3}(?:boredom|laughing|laughter|excitement|hunger|writing|reading|studying|work|nerves|tired|exhaust\w*|heat))(?!.{0,40}\b(?:lol|lmao|haha|jk)\b)",
        traps=frozenset({PAST, MEDIA, INFORMATIONAL}),
        asked=True,
    ),
    _p(
        "chest pain",
        MEDICAL,
        r"\b(?:chest (?:pain|pains|hurts|hurting|is (?:tight|hurting|killing me|on fire)|feels (?:tight|heavy|crushed)|tightness|pressure)|pain in my chest|heart (?:attack|is (?:stopping|failing))|my heart (?:stopped|is skipping|feels like its going to explode|is going to explode|wont slow down))\b",
    ),
    _p(
        "racing heart after using",
        MEDICAL,
        r"\b(?:heart|heartbeat|pulse) (?:is |keeps |wont stop |has been )?(?:racing|pounding|beating (?:so |really |super )?(?:fast|hard)|going crazy|out of control)\b(?=.*\b(?:coke|cocaine|crack|meth|speed|adderall|molly|mdma|pills?|using|used|high|took|snorted|smoked|k2|spice|ice|bump|line|lines)\b)",
        traps=frozenset({INFORMATIONAL, PAST, MEDIA}),
    ),
    _p(
        "hallucinating",
        MEDICAL,
        r"\b(?:hallucinat\w*|halucinat\w*|seeing things that (?:arent|are not) there|hearing things that (?:arent|are not) there|"
        r"(?:see|seeing|hear|hearing|feel|feeling) (?:\w+ ){0,3}(?:that|thats|which|who) (?:arent|isnt|are not|is not|wasnt|werent|not) (?:there|real)|"
        r"(?:i know|know) (?:they|it|its|theyre) (?:arent|isnt|are not|is not|not) real but|bugs (?:crawling|under my skin|on me)|(?:the|having|got|getting|have) (?:dts|dt s|delirium tremens)|delirium)\b",
    ),
    # Alcohol and benzodiazepine withdrawal can kill: shakes, voices or things seen after stopping,
    # and a drink "to stop the shakes" (the issue's own example). A plan to quit at home is the
    # special situation's answer (data/program/situations.yml), not an alarm.
    _p(
        "withdrawal signs",
        MEDICAL,
        r"\b(?:shaking|shakes|shaky|tremors?|trembling|hearing (?:voices|things)|seeing (?:things|bugs|spiders|shadows))\b(?=.*\b"
        + STOPPED_DRINKING
        + r"\b)"
        r"|\b"
        + STOPPED_DRINKING
        + r"\b(?=.*\b(?:shaking|shakes|shaky|tremors?|trembling|hearing (?:voices|things)|seeing (?:things|bugs|spiders|shadows))\b)"
        r"|\bwithdrawals? (?:is|are|keeps?|keep) (?:getting|get) worse\b",
        traps=ALL_TRAPS,  # "no shakes, no sweats" is a reassurance
    ),
    _p(
        # Stopping heavy drinking or benzodiazepines alone and at once can bring seizures and
        # delirium: "quitting tomorrow at home, no doctor", "mi mamá lo deja de golpe, sola en la casa".
        "withdrawal plan",
        MEDICAL,
        r"\b(?:quit|quits|quitting|stop|stops|stopping|stopped|come off|coming off|get off|getting off|detox|detoxing|dry out|drying out)\b"
        r"(?:\s+[^\s.,;!?]+){0,6}?\s+(?:cold turkey|at home|alone|on (?:my|his|her|their) own|by (?:my|him|her|them)sel(?:f|ves)|"
        r"(?:with|w) no (?:doctor|dr|detox|medical help|help)|without (?:a |any )?(?:doctor|dr|detox|medical help|help|meds))\b"
        r"|\b(?:dej\w*|parar|quitar\w*)\b(?:\s+[^\s.,;!?]+){0,6}?\s+(?:de golpe|de un jalon|de un dia para otro|sol[oa] en (?:la |su )?casa|"
        r"sin (?:doctor|medico|ayuda medica|ayuda|desintoxicacion))\b",
        asked=True,
        # alcohol or a benzodiazepine named somewhere ("tomorrow", "Tom", "el bebe" are not)
        needs=r"\b(?:drink\w*|alcohol|booze|beer|wine|vodka|liquor|bottles? (?:of|a day)|a fifth|benzo\w*|xanax|klonopin|valium|ativan|"
        r"alprazolam|clonazepam|lorazepam|diazepam|toma|tomo|toman|tomar|tomando|tomaba|bebo|bebe diario|beber|bebiendo|cerveza\w*|"
        r"cheve\w*|pisto|chupe|trago\w*|botell\w* (?:de|al dia)|pastillas (?:para|de) (?:dormir|los nervios|la ansiedad)|rivotril)\b",
    ),
    _p(
        "drink for the shakes",
        MEDICAL,
        r"\b(?:shak\w*|trembl\w*|tremors?)\b.{0,60}\b(?:beer|drink|shot|swig|glass of wine)\b.{0,12}\b(?:to|for|so|steady|calm|settle|stop|help)\b"
        r"|\b(?:beer|drink|shot|swig|glass of wine)\b.{0,12}\b(?:to (?:calm|stop|steady|settle)|for) (?:the |my |them|these)?\s?(?:shak\w*|trembl\w*|tremors?|hands)\b",
        traps=frozenset({PAST, MEDIA}),
    ),
    _p(
        "blood",
        MEDICAL,
        r"\b(?:vomit\w*|throwing up|puking|coughing(?: up)?|spitting(?: up)?|threw up|puked|peeing|pooping|shitting) (?:up )?(?:blood|black stuff|coffee grounds)\b|\bblood in (?:my|his|her) (?:vomit|puke|stool|pee|urine)\b|\bwont stop bleeding\b|\bbleeding (?:a lot|badly|everywhere|so much|wont stop)\b",
    ),
    _p(
        "collapsed",
        MEDICAL,
        r"\b(?:collapsed|fainted|passed out|blacked out|fell) (?:and (?:hit|cracked|banged) (?:his|her|my|their) head|and (?:wont|cant|isnt|is not)|on the floor and)\b|\b(?:hit|cracked|banged) (?:his|her|my|their) head (?:and|really hard)\b|\b"
        + OTHER
        + r" (?:just )?(?:collapsed|fainted)\b",
        overdose_if_substance=True,
    ),
    _p(
        "cant breathe",
        MEDICAL,
        r"\b(?:(?:i|im|i am|he|she|they|hes|shes|theyre|my \w+|is|are) (?:cant|cannot|can not|can barely|can hardly|struggling to|having trouble|hard to)|barely|hardly) (?:breath|breathe|breathing)\b(?! (?:from laughing|lol|haha|with (?:this|the) (?:heat|smoke|humidity)|through my nose|in (?:here|this heat)))",
        overdose_if_substance=True,
    ),
    _p(
        "dying now",
        MEDICAL,
        r"\b(?:i|im|i am|i think im|i feel like im|feels like im|he is|hes|she is|shes) (?:literally |actually |really )?dying\b(?! (?:to|for|of (?:laughter|laughing|boredom|embarrassment|curiosity|cringe)|laughing|lol|haha|here lol|inside|over here|from (?:cringe|embarrassment)))(?=(?: right now| here| now| please| help|\s*$| i| and| my|\s*[.!?,]))",
        overdose_if_substance=True,
    ),
    _p(
        "call 911",
        MEDICAL,
        r"\b(?:call(?:ing|ed)?|dial(?:ed|ing)?) (?:an )?(?:911|9 1 1|ambulance|paramedics|emts)\b(?! (?:if|when|for|in case))|\b(?:need|needs|get) (?:an )?ambulance\b|\bambulance is (?:coming|on (?:its|the) way|here)\b",
        traps=frozenset({INFORMATIONAL, PAST, MEDIA}),
        overdose_if_substance=True,
    ),
    # --- violence ----------------------------------------------------------------------------
    _p(
        "threatens me",
        VIOLENCE,
        r"\b"
        + ABUSER
        + r" (?:is |keeps |has been |just |always |started |threatened |threatens |threatening |said (?:hed|shed|theyd|he would|she would|he will|she will|hell|shell)? ?|says (?:hell|shell|he will|she will|hed|shed)? ?|will |wants to |is going to |gonna |going to |tried to |is trying to )?"
        r"(?:to )?(?:kill|hurt|shoot|stab|beat|choke|strangle|murder|hit|hits|hitting|hittin|beats|beating|chokes|choked|choking|strangled|strangles|punch(?:ed|es|ing)?|slap(?:ped|s|ping)?|kick(?:ed|s|ing)?|attack(?:ed|s|ing)?|threaten(?:ed|s|ing)?|hurts|hurting|hurt|beat up|smack(?:ed|s|ing)?|shov(?:e|ed|es|ing)|grab(?:bed|s|bing) me by) "
        r"(?:me|us|my (?:kids?|children|son|daughter|baby|mom|mother|dad|sister|brother)|the (?:kids|baby|children))\b"
        r"(?! (?:if (?:i|they|he|she) (?:find|finds|see|sees|knew|know|found)|if i (?:forget|miss|m late|am late|eat|break|lose|spill|wreck|crash|fail|skip|dont (?:clean|call back|text back|show up))|when (?:i|he|she|they) (?:find|finds|see|sees|get|gets)|for (?:being late|forgetting|eating|missing|not)|with (?:kindness|questions|a pillow)|in (?:chess|cards|a game|a race|basketball|fortnite|video games|the game|arm wrestling)|at (?:chess|cards|games|pool|golf)|lol|haha|on the (?:test|exam)))",
        traps=frozenset({PAST, MEDIA}),
    ),
    _p(
        "reported threat",
        VIOLENCE,
        r"\b(?:says|said|saying|told me|texted|threatened|threatening|keeps saying|swears|swore) (?:that )?(?:hell|shell|theyll|he will|she will|they will|hes going to|shes going to|hes gonna|shes gonna|theyre going to|theyre gonna|he would|she would|hed|shed|theyd|he is going to|she is going to) "
        r"(?:kill|hurt|shoot|stab|beat|choke|murder|strangle) (?:me|us|my|the kids)\b(?! if i (?:forget|miss|m late|am late|eat|break|lose|spill|wreck|crash|fail|skip|dont (?:clean|call back|text back|show up)))",
        traps=frozenset({PAST, MEDIA}),
    ),
    _p(
        "pushed me",
        VIOLENCE,
        r"\b(?:pushed|shoved|threw|thrown|dragged|kicked) me (?:down|into|against|across|off|onto|to the (?:ground|floor)|out of)\b(?! (?:a|the) (?:pool|lake|conversation|meeting|program|deadline|project))",
        traps=frozenset({PAST, MEDIA}),
    ),
    _p(
        "threat to kill",
        VIOLENCE,
        r"\bthreat(?:en|ened|ens|ening)? to (?:kill|hurt|shoot|stab|beat|take the kids)\b|\b(?:death|kill) threats?\b(?! (?:on (?:twitter|tiktok|reddit|the internet|line|social)|online))",
    ),
    _p(
        "afraid at home",
        VIOLENCE,
        r"\b(?:afraid|scared|terrified|fear) (?:of|to go|to be) (?:home|at home|back home|my (?:\w+ )?(?:husband|wife|partner|bf|gf|boyfriend|girlfriend|ex|dad|father|stepdad|mom|mother|roommate)|for my life|hes going to|shes going to|what (?:hell|shell|he will|she will|hes gonna|shes gonna) do)\b(?! (?:is going to (?:be|find out)|will find out|finding out|knowing|seeing|will be (?:mad|angry|disappointed|upset)|being (?:mad|disappointed)))"
        r"|\b(?:not|dont feel|dont|never feel|no longer feel|do not feel) (?:safe|safe at) (?:at |going |to go |going back |to go back )?(?:home|here|in my (?:own )?(?:home|house|apartment)|with (?:him|her|them|my (?:\w+ )?(?:husband|wife|partner|bf|gf|boyfriend|girlfriend|ex|dad|mom|roommate)))\b"
        r"|\b(?:afraid|scared|terrified|fear|fearing|fearful) for my (?:life|safety|kids safety|childrens safety)\b|\b(?:im|i am) not safe\b(?! (?:to drive|driving|to be around alcohol|around (?:alcohol|booze|drinking|bars)|at (?:parties|bars)))|\bin danger\b(?! of (?:losing|failing|getting fired|relapsing|relapse|being late|missing))",
        traps=frozenset({INFORMATIONAL, PAST, MEDIA, NEGATED}),
    ),
    _p(
        "abuse now",
        VIOLENCE,
        r"\b(?:being|getting) (?:abused|beaten|beat up|hit|choked|strangled|hurt by (?:him|her|my))\b|\b(?:he|she|they|my (?:\w+ )?(?:husband|wife|partner|bf|gf|boyfriend|girlfriend|ex|dad|stepdad|mom))(?: is| has)? (?:has a|got a|pulled a|pointing a|holding a|with a|grabbed a|waving a) (?:gun|knife|weapon|pistol|rifle|bat)\b"
        r"|\b(?:locked|trapped) (?:me|myself|us) (?:in|inside)\b(?=.*\b(?:he|she|him|her|they|husband|boyfriend|wife|girlfriend|partner|scared|afraid|hiding)\b)|\bhiding (?:from (?:him|her|them|my)|in the (?:bathroom|closet|bedroom))\b|\bwont let me (?:leave|go|out|call)\b"
        r"|\b(?:hurting|hitting|beating|abusing|hurt|hit|beat|burned|burning|choking|choked) (?:my|the|our) (?:kids?|children|baby|son|daughter|toddler)\b(?! (?:with kindness|at|in (?:a )?(?:game|chess)))",
    ),
    _p(
        # Fear of one's own anger at a child or partner: a danger not happening yet, so asked about.
        "afraid of what i will do",
        HARM_TO_OTHERS,
        r"\b(?:afraid|scared|terrified) (?:of )?what i(?:ll| will| might| could)? (?:do|end up doing)\b(?! to myself)(?=.*\b(?:kids?|son|daughter|baby|child|children|wife|husband|partner|girlfriend|boyfriend|gf|bf|him|her|them)\b)"
        r"|\b(?:kids?|son|daughter|baby|child|children|wife|husband|partner|girlfriend|boyfriend)\b.{0,60}\b(?:afraid|scared|terrified) (?:of )?what i(?:ll| will| might| could)? (?:do|end up doing)\b(?! to myself)",
        traps=frozenset({PAST, MEDIA, NEGATED}),
        asked=True,
    ),
    _p(
        "i will hurt someone",
        HARM_TO_OTHERS,
        r"\b(?:"
        + WANT
        + r"|im|i am|i will|ill|i could|i might|i swear ill|i swear i will|scared ill|afraid ill|afraid i will|afraid im going to|scared im going to) (?:to |going to |gonna )?(?:really )?"
        + HARM_VERB
        + r" (?:him|her|them|someone|somebody|some one|people|everyone|everybody|my (?:\w+ )?(?:husband|wife|partner|bf|gf|boyfriend|girlfriend|ex|dad|father|mom|mother|son|daughter|kids?|baby|boss|coworker|roommate|neighbou?r|brother|sister|dealer|sponsor|counselor)|(?:that|this|the) (?:guy|man|woman|bitch|dude|asshole|person|dealer))\b"
        r"(?! (?:for (?:eating|taking|using|leaving|being|drinking|finishing|not|making|forgetting|waking|stealing|spoiling|telling)|if (?:he|she|they) (?:eat|eats|take|takes|touch|touches|forget|forgets|use|uses|spoil|spoils)|lol|lmao|haha|jk|with (?:kindness|love|hugs)|in (?:chess|cards|a game|basketball|fortnite|the game|pickleball|mario kart|trivia)|at (?:chess|cards|pool|golf|trivia)))",
        traps=frozenset({PAST, MEDIA, NEGATED}),
        subject_decides=True,
    ),
    _p(
        "weapon to group",
        HARM_TO_OTHERS,
        r"\b(?:bring|bringing|brought|take|taking|have|got) (?:a |my )?(?:gun|knife|weapon|pistol|rifle) (?:to|into) (?:group|work|school|class|the center|the clinic|the meeting|his|her|their)\b",
        subject_decides=True,
    ),
    # --- Spanish (accents are folded by the normaliser: "está" is "esta", "mañana" "manana") ------
    # Clear danger only, in the words people in the Coachella Valley write; indirect signs are the
    # learned layers' (they ask). Figures of speech are excluded beside the words they use:
    # "me muero de hambre", "me voy a matar estudiando", "canciones para cortarse las venas".
    _p(
        "es: kill myself",
        SUICIDE,
        r"\b(?:me|m) (?:voy a|quiero|kiero|pienso|voy|tengo ganas de|dan ganas de) (?:matar|suicidar)\b(?! (?:estudiando|trabajando|de (?:risa|hambre)|en el gym|haciendo|corriendo))"
        r"|\b(?:matarme|suicidarme|quitarme la vida|kitarme la vida|acabar con mi vida|terminar con mi vida|ahorcarme|colgarme|pegarme un tiro|darme un tiro|aventarme|tirarme (?:del|de un|de una|al|a las|a la) (?:puente|edificio|azotea|vias|via|tren|carretera|freeway))\b"
        r"(?! (?:estudiando|trabajando|de (?:risa|hambre))|.{0,12}\b(?:jaja|jeje|lol|xd)\b)",
    ),
    _p(
        "es: I kill myself, a place to jump",
        SUICIDE,
        r"\b(?:ya )?me mato\b(?! (?:trabajando|estudiando|de (?:risa|hambre)|en el gym|por (?:ti|ella|el))|.{0,16}\b(?:jaja\w*|jeje\w*|lol|xd)\b)"
        r"|\b(?:voy a|me voy a|quiero|pienso|ya voy a) (?:brincar|saltar|aventarme|tirarme|lanzarme)\b(?=.*\b(?:puente|azotea|techo|edificio|vias|tren|estacionamiento|freeway|carretera|barranco|piso)\b)"
        r"|\b(?:puente|azotea|techo|edificio|estacionamiento)\b.{0,40}\b(?:voy a|quiero|me voy a) (?:brincar|saltar|aventarme|tirarme)\b"
        r"|\b(?:estoy|toy|ando|parad[oa]|sentad[oa]) (?:en|sobre|arriba de) (?:las|la) vias\b|\bvias del tren\b.{0,40}\besperando (?:q|que) pase\b"
        r"|\bya (?:compre|tengo|consegui) (?:la|una) (?:soga|cuerda)\b|\b(?:pistola|arma|soga|cuerda)\b.{0,60}\b(?:es|son) (?:pa|para) mi\b"
        r"|\bperdon(?:enme)? a todos\b|\bya me despedi de todos\b"
        r"|\b(?:estoy|toy|ando|sigo) (?:en|arriba de|sobre|en la orilla de) (?:el|la) (?:techo|azotea|puente)\b.{0,80}\b(?:decirle a alguien|despedirme|adios|ya no aguanto|ya no puedo mas|que alguien (?:lo )?supiera)\b"
        r"|\best[ae] es mi despedida\b(?! (?:del|de la|de los|de mi) (?:grupo|programa|trabajo|clase|escuela|iop|equipo))",
        traps=frozenset({MEDIA, NEGATED}),
    ),
    _p(
        "es: want to die",
        SUICIDE,
        r"\b(?:me )?(?:quiero|kiero|quisiera|deseo|tengo ganas de) (?:morir(?:me)?|estar muert[oa]|dejar de vivir)\b(?! de (?:la )?(?:risa|verguenza|pena|hambre|sueno|calor|frio|ganas|amor|aburrimiento|nervios|envidia))"
        r"|\b(?:ya )?no (?:quiero|kiero|quisiera) (?:vivir|seguir viviendo|seguir aqui|estar viv[oa]|despertar)\b"
        r"|\b(?:cansad[oa]|harta|harto) de vivir\b|\bme canse de vivir\b|\b(?:ojala|quisiera|quiero) (?:no despertar|no despertara|morirme)\b|\bdormir y (?:ya )?no despertar\b"
        r"|\b(?:todos|mi familia|mis hijos|el mundo) (?:estarian|estaria|estaran|vivirian) mejor sin mi\b"
        # going to the dead ("murio mi hijo ... me quiero ir con el"), ending it all, a plan, courage
        r"|\b(?:muri\w*|fallec\w*|se me fue)\b.{0,80}\bme quiero ir con (?:el|ella|ellos|mi \w+)\b"
        r"|\b(?:quiero|voy a|pienso|para|ganas de|decidi) (?:terminar|acabar) con todo\b(?!\s+(?:el|la|los|las|lo|eso|esto|mi|mis|su|sus|de|en)\b)"
        r"|\bya (?:tengo|lo tengo) (?:pensado|planeado|decidido) (?:como|el como) y (?:cuando|el cuando)\b"
        r"|\b(?:agarrar|tomar|juntar|darme) valor\b.{0,60}\b(?:hoy|ahora|ya) si lo (?:hago|voy a hacer)\b",
    ),
    _p(
        "es: other kills self",
        SOMEONE_ELSE,
        r"\bse (?:va a|quiere|piensa|amenaza con) (?:matar|suicidar|quitar la vida|tirar (?:del|de un|al) (?:puente|edificio|tren))\b"
        r"|\b(?:quiere|va a|amenaza con|piensa) (?:matarse|suicidarse|quitarse la vida|ahorcarse|tirarse)\b|\b(?:ya )?no quiere (?:vivir|seguir viviendo)\b"
        r"|\b(?:se va a|va a|quiere) (?:aventar|tirar|brincar|saltar)\b(?=.*\b(?:puente|azotea|techo|edificio|vias|tren)\b)|\bva (?:pa|para) las vias\b"
        r"|\b(?:puente|azotea|techo|edificio)\b.{0,60}\bse va a (?:aventar|tirar|brincar)\b"
        r"|\bbusc\w* (?:en (?:google|internet) )?como (?:matarse|quitarse la vida|suicidarse|ahorcarse)\b|\bya se despidio de todos\b"
        r"|\b(?:puso|publico|escribio|mando|posteo|subio)\b.{0,60}\bgracias por todo\b.{0,60}\bperdon\b",
        traps=frozenset({PAST, MEDIA, NEGATED}),
    ),
    _p(
        "es: cutting",
        SELF_HARM,
        r"\bme (?:estoy cortando|estaba cortando|corte otra vez|volvi a cortar|voy a cortar|quiero cortar|corte las (?:venas|munecas)|estoy quemando|estoy lastimando|estoy haciendo dano)\b(?! (?:el|la|los|las|mi) (?:pelo|cabello|unas|fleco|barba|dedo|mano))"
        r"|\b(?:rasgunando|rascando|aranando|mordiendo)\b.{0,30}\b(?:sangre|sangrar)\b|\bme (?:pegue|pego|estoy pegando|doy) (?:en la cabeza |cabezazos )?contra la pared\b"
        r"|\bcortandose\b(?! (?:el|la|los|las) (?:pelo|cabello|unas|fleco|barba))|\ba proposito\b.{0,40}\b(?:cort\w*|quem\w*|enterr\w*|vidrio|navaja\w*)\b|\b(?:cort\w*|quem\w*|enterr\w*|vidrio|navaja\w*)\b.{0,40}\ba proposito\b"
        r"|\b(?:guardo|guarde|escondo|escondi|tengo) (?:unas |las |mis )?navajitas\b"
        r"|\b(?:cortarme|quemarme|lastimarme|hacerme dano)\b(?! (?:el|la|los|las) (?:pelo|cabello|unas|fleco|barba))(?!.{0,20}\bpara (?:la|una) (?:cena|comida)\b)"
        r"|\bse (?:esta|estaba) (?:cortando|quemando|lastimando)\b(?! (?:el|la|los|las) (?:pelo|cabello|unas|fleco|barba))",
        traps=frozenset({INFORMATIONAL, PAST, MEDIA, NEGATED}),
    ),
    _p(
        "es: self-harm again",
        SELF_HARM,
        # Back after a long time ("hace 2 anos q no me cortaba y hoy lo volvi a hacer"): the time
        # named is the pause, not the past, so no history trap; the message still reads as history
        # unless the danger is current (tiers: asked about).
        r"\bno me (?:cortaba|lastimaba|quemaba|hacia dano)\b.{0,60}\b(?:hoy|anoche|ayer|otra vez)\b.{0,20}\bvolvi\b"
        r"|\bme castigo (?:pegandome|golpeandome|cortandome|quemandome)\b|\bme (?:pego|golpeo|castigo) a mi mism[oa]\b",
        traps=frozenset({MEDIA, NEGATED}),
    ),
    _p(
        "es: not breathing",
        OVERDOSE,
        r"\bno (?:lo|la|le) (?:podemos|puedo|pudimos|pude) despertar\b|\bno (?:podemos|puedo|pudimos|pude) despertarl[oa]\b|\bsin responder\b(?=.*\b(?:jeringa|pastillas|fentanilo|droga|se metio|se inyecto|narcan)\b)"
        r"|\bnarcan\b.{0,60}\b(?:volviendo a (?:quedar|dormir)|otra vez dormid[oa]|no despierta)\b|\bse (?:inyecto|metio|puso)\b.{0,60}\bno (?:contesta|sale|responde)\b"
        r"|\bme (?:meti|pase)\b.{0,40}\b(?:no puedo respirar|el pecho|corazon|mucho sueno)\b"
        r"|\bno (?:respira|esta respirando|puede respirar|reacciona|responde|despierta|se despierta|abre los ojos)\b(?! (?:a )?(?:mis |los |el |sus |mi )?(?:mensajes?|llamadas?|textos?|whats\w*|correos?|telefono|cel\w*))"
        r"|\blabios (?:morados|azules|grises)\b|\b(?:esta|se puso|se esta poniendo|se ve) (?:morad[oa]|azul)\b|\b(?:esta )?inconsciente\b|\bespuma (?:por|en) la boca\b",
        traps=frozenset({PAST, MEDIA, INFORMATIONAL}),
        overdose_if_substance=True,
    ),
    _p(
        "es: took all the pills",
        OVERDOSE,
        r"\b(?:me|se) (?:acab[oa] de )?(?:tome|tomo|tomar|trague|trago|tragar|acabe|acabo) (?:todas|todo el frasco|el frasco|muchas|un monton|un punado|una caja)\b"
        r"|\b(?:voy a|quiero|pienso|va a) (?:tomarme|tomarse|tragarme|tragarse) (?:todas|todo|el frasco|un monton)\b|\btomarmelas todas\b|\btodo el frasco\b",
        traps=frozenset({PAST, MEDIA, NEGATED}),
    ),
    _p(
        "es: overdose",
        OVERDOSE,
        r"\b(?:sobredosis|sobre dosis)\b",
        traps=frozenset({INFORMATIONAL, PAST, MEDIA}),
    ),
    _p(
        "es: lethal dose",
        SUICIDE,
        r"\bcuant[oa]s? (?:pastillas|mg|miligramos)?.{0,40}\b(?:para (?:no despertar|morir|matarme|matar a alguien|que sea mortal)|es (?:mortal|letal)|son (?:mortales|letales))\b"
        r"|\bcuant[oa]s?\b.{0,40}\b(?:mata|matan)\b",
        traps=frozenset({PAST, MEDIA}),
    ),
    _p(
        "es: seizure or chest pain",
        MEDICAL,
        r"\b(?:convulsion\w*|convulsionando|esta convulsionando|ataque epileptico)\b"
        r"|\bse (?:quedo|puso) tieso\b.{0,60}\b(?:sacud\w*|convuls\w*)\b|\bempez\w* a (?:sacudirse|convulsionar)\b|\b(?:dolor|presion) (?:en el|de|en mi) pecho\b|\bme duele (?:mucho )?el pecho\b|\bme esta dando un infarto\b(?!.{0,30}\b(?:jaja\w*|jeje\w*|lol|xd)\b)",
        traps=frozenset({PAST, MEDIA}),
    ),
    _p(
        "es: withdrawal",
        MEDICAL,
        r"\b" + _ES_WITHDRAWAL_SIGNS + r"\b(?=.*\b" + _ES_STOPPED + r"\b)"
        r"|\b" + _ES_STOPPED + r"\b(?=.*\b" + _ES_WITHDRAWAL_SIGNS + r"\b)"
        r"|\b(?:cerveza|trago|copa|tequila|alcohol) para (?:que se me (?:pase|quite)|calmar|los temblores|que pare|quitarme)\b"
        r"|\bdej\w* (?:el|la|las|los|mis|sus)? ?(?:clonazepam|xanax|alprazolam|benzos?|rivotril|ativan|valium|lorazepam|pastillas para dormir|pastillas de dormir)\w* de golpe\b|\bde golpe (?:el|la|las|los)? ?(?:clonazepam|xanax|alprazolam|benzos?|rivotril|ativan|valium)\b",
        traps=frozenset({INFORMATIONAL, PAST, MEDIA}),
    ),
    _p(
        "es: being hit",
        VIOLENCE,
        r"\b(?:me|la|lo|le|les|nos) (?:esta|estan|anda) (?:pegando|golpeando|ahorcando|estrangulando|ahogando|pateando|amenazando)\b"
        r"|\bamenaz\w* con (?:matarme|matarla|matarlo|matarnos|un cuchillo|una pistola|un arma|pegarme|quitarme a los ninos)\b"
        r"|\b(?:me|la|nos) (?:va a|quiere) matar\b(?=.*\b(?:pistola|arma|cuchillo|navaja|pega|golpe|amenaz|escondid))|\b(?:esta noche|hoy|ahorita) me mata\b"
        r"|\bme mata\b(?=.*\b(?:moretones|me (?:ha )?(?:dejado|dejo) marcas|me (?:pega|golpea|ahorca)|golpes)\b)|\b(?:moretones|me (?:pega|golpea|ahorca)|golpes)\b.{0,80}\bme mata\b"
        r"|\bestoy escondid[oa]\b(?=.*\b(?:el|ella|esposo|novio|pareja|pega|golpe|miedo))"
        r"|\b(?:me|nos) (?:tiene|tienen) encerrad[oa]s?\b|\bmi \w+ (?:la|lo|los|las) (?:tiene|tienen) encerrad[oa]s?\b|\bamenaz\w* con (?:la|una|su) (?:pistola|arma|navaja|cuchillo|machete)\b"
        r"|\b(?:rompi\w*|romper|rompe) (?:la|una) (?:ventana|puerta)\b(?=.*\b(?:mi ex|esposo|novio|pareja|ninos|entrar)\b)|\b(?:mi ex|mi esposo|mi novio|mi pareja)\b.{0,40}\b(?:rompi\w*|romper|rompe) (?:la|una) (?:ventana|puerta)\b"
        r"|\bme (?:jalo|jala|esta jalando|agarro) (?:del|el) (?:pelo|cabello|cuello)\b|\b(?:esta|anda|estan) aventando cosas\b",
        traps=frozenset({PAST, MEDIA, NEGATED}),
    ),
    _p(
        # Fear of one's own anger at a child or partner, asked about (as "afraid of what i will do").
        "es: afraid of what i will do",
        HARM_TO_OTHERS,
        r"\b(?:miedo|temo|me da miedo|me asusta)\b.{0,15}\blo que (?:le |les )?(?:pueda|vaya a|voy a|podria|puedo) hacer(?:le|les)? a (?:mi|mis) "
        + ES_CLOSE
        + r"\b|\b(?:pensamientos|ganas|miedo) de (?:lastimar|pegarle|golpear|hacerle dano|ahorcar) a (?:mi|mis) "
        + ES_CLOSE
        + r"\b",
        traps=frozenset({PAST, MEDIA, NEGATED}),
        asked=True,
    ),
    _p(
        "es: i will hurt someone",
        HARM_TO_OTHERS,
        r"\b(?:lo|la) voy a matar\b(?=.*\b(?:pistola|fierro|cuchillo|machete|ya voy|voy saliendo|a buscar)\b)"
        r"|\b(?:pistola|fierro|cuchillo|machete)\b.{0,60}\b(?:lo|la) voy a matar\b",
        traps=frozenset({PAST, MEDIA, NEGATED}),
    ),
)

# --- traps: checked in the clause around a match -------------------------------------------------
TRAPS: Tuple[Tuple[str, Pattern[str]], ...] = (
    (
        INFORMATIONAL,
        re.compile(
            r"^(?:so |and |but |also |hi |hey |hello |ok |okay |quick question |question )?(?:what|whats|how|hows|do you|does|can|could|is|are|should|where|why|which|who|when|tell me|any ?one know|anybody know|i was wondering|wondering|explain|define|is it true)\b"
            r"|\bsigns? (?:of|that)\b|\bsymptoms? (?:of|that)\b|\bwarning signs?\b|\bwhat (?:to do|do you do|should (?:you|i|we|someone|a person) do) (?:if|when|in)\b|\bin case (?:of|someone|somebody)\b"
            r"|\bif (?:someone|somebody|anyone|a person|a client|a loved one|you|one|people|they)\b|\bpeople (?:who|that|with)\b|(?<!tell )(?<!told )\bsomeone (?:who|that|with)\b|\bclients? (?:who|that|with)\b|\bpatients? (?:who|that|with)\b"
            r"|\b(?:hotline|lifeline|prevention|awareness|statistics|stats|rates?|risks? of|risk for|screening|trainings?|class|classes|courses?|workshops?|education|pamphlet|brochure|resources? (?:for|on|about)|response)\b"
            r"|\b(?:learn|know|read|more info\w*|information|questions?) (?:about|on|regarding|how)\b|\bcan (?:alcohol|withdrawal|cocaine|meth|xanax|benzos?|opioids?|fentanyl|heroin|detox|kratom|drinking|it)\b"
            r"|\b(?:do|does|will|would) (?:your|the|my) (?:program|insurance|center|staff|clinic|counselors?|plan|policy)\b|\bis it (?:normal|common|possible|dangerous|safe)\b|\bhow (?:common|likely|often|dangerous)\b"
            # Spanish
            r"|^(?:hola |oye |pregunta )?(?:que|q|cuales|como|por que|donde|es cierto|es normal|es peligroso|se puede)\b|\b(?:senales|sintomas) de\b|\bsi (?:alguien|una persona|un familiar)\b"
            r"|\b(?:algun dia|por si acaso|en caso de que|que significa|q significa)\b"
            r"|\bpara (?:mi|una|la|nuestra) (?:clase|tarea|escuela|proyecto|investigacion|presentacion|tesis)\b|\b(?:estudiante|maestr[oa]|profesor[a]?) de\b"
            r"|\b(?:proyecto|investigando|investigacion|estadisticas|muertes por|afectad[oa]s por|prevencion|linea de ayuda|trabajo (?:sobre|escolar|de la escuela))\b"
        ),
    ),
    (
        PAST,
        re.compile(
            r"\b(?:years?|yrs?|months?|decades?|ages|long time|long) (?:ago|back|before)\b"
            r"|\blast (?:year|summer|spring|fall|autumn|winter|decade)\b|\b(?:in|back in|since|around) (?:19|20)\d\d\b|\bback in \d\d\b|\b(?:back )?in (?:january|february|march|april|june|july|august|september|october|november|december)\b|\bwhen i was (?:a kid|a child|younger|young|little|a teen\w*|in (?:high|middle|grade|junior high) school|in college|\d+|using|drinking)\b"
            r"|(?<!im )(?<!i am )(?<!were )(?<!get )(?<!getting )\bused to\b|\bin the past\b|\bhistory of\b|\b(?:died|passed|passed away|lost (?:him|her|them|(?:my|her|his|their|our|a) \w+)) (?:of|from|to|by|due to|after)\b|\bpassed away,? (?:from an? |of an? )?(?:od|oded|overdos\w*)\b|\b(?:anniversary|funeral|memorial|rest in peace|rip|grave)\b"
            r"|\bback (?:then|when|in the day|in (?:college|high school|school|my \w+))\b|\bin (?:my|his|her|their) (?:teens|twenties|thirties|forties|20s|30s|40s)\b|\b(?:\d+|many|a few|so many) (?:yrs?|years?|months?) since\b|\b(?:as|since i was) a (?:kid|teen\w*|child)\b|\bsurvived\b|\b(?:im|i am|were|we are|she is|he is|shes|hes|theyre|everyone is) (?:safe|okay|ok|fine|better|doing (?:better|well|good|ok|okay)|alive|stable|recovered|in recovery) now\b"
            r"|\bno longer\b|\bbefore (?:we|i|he|she) (?:divorced|split|broke up|left|got sober|got clean|moved|got help)\b|\bsober (?:for|since)\b|\b\d+ (?:years?|months?|days?) (?:sober|clean)\b"
            r"|\bwhen (?:he|she|they|i|my \w+) (?:was|were) (?:alive|using|drinking|younger)\b|\bmy late\b|\bthe (?:night|day|year|time) (?:he|she|they|my \w+) (?:died|passed|overdosed)\b|\bever since (?:he|she|they|my \w+) (?:died|passed|overdosed)\b"
            r"|\b(?:he|she|they|my \w+ \w+|my \w+) (?:is|are|s|re) (?:dead|gone) now\b|\bwhen (?:i|he|she) (?:was )?(?:overdosed|oded|od)\b"
            # Spanish
            r"|\bhace (?:\d+|un|una|unos|unas|varios|muchos|un par de|dos|tres|cuatro|cinco|seis|diez) (?:anos?|meses|mes)\b|\b(?:el ano pasado|el mes pasado|en el pasado|hace mucho)\b|\b(?:tuvo|tuve|tuvimos|dejo|deje|paso|fue|intente|intento) [^.?!]{0,50}\bhace (?:anos|tiempo)\b|\ben (?:19|20)\d\d\b|\bahora (?:ya )?(?:esta|estoy|estamos|anda) (?:bien|sobri[oa]|limpi[oa]|estable)\b"
            r"|\bla (?:primera|ultima|otra) vez que\b|\b(?:yo )?antes (?:pensaba|queria|me cortaba|tomaba|me quemaba)\b|\bya no (?:lo hago|pienso en eso|me corto|me quemo)\b"
            r"|\bcuando (?:era|estaba|tenia) (?:nin[oa]|joven|chav[oa]|adolescente|chic[oa]|en la (?:prepa|secundaria|escuela)|\d+)\b|\b(?:ya )?(?:estoy|esta|estamos) (?:bien|a salvo|estable|sobri[oa]|limpi[oa]) (?:ahora|ya)\b|\b(?:sobri[oa]|limpi[oa]) (?:desde|hace)\b"
        ),
    ),
    (
        MEDIA,
        re.compile(
            r"\b(?:movie|film|documentary|docuseries|doc|show|series|episode|season|song|songs|lyrics|album|book|novel|memoir|article|podcast|video|tiktok|reel|news|headline|game|character|plot|story about|netflix|hulu|youtube|hbo|tv|scene|reading|essay|assignment|homework|poem"
            r"|pelicula|serie|telenovela|novela|cancion|canciones|libro|noticias?|noticiero|capitulo|episodio|corrido|documental|personaje|poema)\b"
        ),
    ),
    (
        NEGATED,
        re.compile(
            # "won't stop shaking", "no para de temblar": the hit goes on, it is not denied
            r"\b(?:not|never|no|nt|dont|didnt|wouldnt|wont|arent|isnt|aint|no longer|without|nothing|zero|nor|neither|nobody|nobodys|noone|no ones|cant imagine|nunca|jamas|ni)\b"
            r"(?!\s+(?:stop|stops|stopping|quit|para de|paro de|puedo parar de|puedo dejar de)\b)(?:\s+\S+){0,3}\s*$"
        ),
    ),
)

# A message told as history: dates, ages, time sober, "history". Anywhere in it, this makes a
# pattern's hit with no sign of current danger around it a *possible* crisis (the person is asked)
# unless a learned layer confirms it: people tell the intake of past overdoses and attempts, and
# the clause-scoped traps miss "ODed in 2016, then rehab, now 4 yrs clean".
HISTORY = re.compile(
    r"\b(?:19[5-9]\d|20[0-2]\d)s?\b|\b\d+\s*(?:years?|yrs?|months?|mos?)\s+(?:ago|back|sober|clean|free|out|in recovery)\b"
    r"|\b(?:sober|clean|free|recovery|recovered) (?:since|for (?:\d+|a|almost|over|about|nearly))\b|\bsince (?:then|19\d\d|20\d\d)\b"
    r"|\b(?:my |medical |overdose |self harm |family )?history\b"
    r"|\bat (?:age \d+|(?:1[3-9]|[2-9]\d)\b(?! ?(?:pills|of|percent|mg|minutes|mins|min|degrees|am|pm)\b))"
    r"|\bwhen i was (?:a kid|a child|a teen\w*|younger|young|little|\d+|in (?:high school|middle school|college))\b"
    r"|\b(?:im|i am) (?:\d\d|now \d\d) (?:now|years old now)\b|\bin the past\b|\bback (?:then|in (?:college|high school|the day|19|20))"
    r"|\b(?:years|months) (?:ago|later)\b|\ba few years\b"
    r"|\bhace (?:\d+|unos|varios|muchos|dos|tres|cuatro|cinco) (?:anos|meses)\b|\bcuando era (?:nin[oa]|joven|chav[oa]|adolescente|\d+)\b|\ben el pasado\b|\b(?:sobri[oa]|limpi[oa]) (?:desde|hace)\b"
)

# A craving or an urge to use, anywhere in the message (ask_if_craving above).
CRAVING = re.compile(
    r"\bcrav\w*|\burges?\b|\b(?:want|wanna|need|dying|itching) (?:to |a )?(?:drink|use|get high|get loaded|get drunk|pick up|relapse|hit|smoke)\b"
    r"|\b(?:ganas|antojo) de (?:tomar|beber|consumir|usar|drogarme|meterme|fumar|recaer)\b"
)

# Signs that the danger is happening now: they overrule a trap in the same or the next clause.
CURRENT = re.compile(
    r"\b(?:right now|rn|rite now|tonight|today|this (?:morning|afternoon|evening|minute|second)|currently|at the moment|atm|just now|"
    r"just (?:took|did|swallowed|found|started|collapsed|passed out|cut|hurt|burned|used|relapsed on|hit|threw|shoved|pushed|punched|kicked|choked|strangled|slapped|attacked|beat|stabbed|threatened)|again|asap|hurry|emergency|please help|what do i do(?! if| when| in case)|"
    r"what should i do now|coming back|back again|still|lately|these days|this week|any ?more|anymore|all the time|every (?:day|night)|constantly|coming on|relapsed on|"
    r"(?:he|she|they|hes|shes|theyre|my \w+)(?: is| are|s)? (?:not breathing|not waking|not responding|turning blue|blue|cold|unconscious|"
    r"unresponsive|passed out|dying|bleeding|seizing|overdosing)|(?:wont|cant|isnt|not) (?:wake|breath|breathe|respond)"
    r"|ahorita|ahora mismo|esta noche|otra vez|ya mismo|no para|no puedo parar|auxilio)\b"
)
# A plan said right before the hit is danger now, whenever it is for ("I'm planning to kill myself
# on Friday after payday"); only there, so "I ODed last year but I plan to come to group" is history.
PLANNED = re.compile(
    r"\b(?:planning (?:to|on)|(?:i|my) plan (?:is )?to|made (?:up )?my mind(?: up)? to|(?:i|ive|i have) decided to) ?$"
)
# Everyday figures of speech and other senses of alarming words. They never hide a pattern that
# counts; they let the safety net overrule the NLU model's crisis guess ("I'm dying to know").
BENIGN_USES = re.compile(
    r"\b(?:dying (?:to|for|of (?:laughter|laughing|boredom|embarrassment|curiosity))|to die for|died laughing|"
    r"(?:is|are|was|its|thats|s) (?:killing|murdering) (?:me|us|it)|killing it|killed it|kill (?:for|it)|"
    r"(?:phone|battery|laptop|computer|car|plant|plants|tv|charger|wifi|internet|printer|mouse|game|conversation|party|vibe)s? "
    r"(?:just )?(?:died|is dead|are dead|was dead|dead)|dead (?:tired|end|serious|last|inside lol|center|battery|phone)|drop dead|"
    r"bury (?:myself|me) in (?:blankets|work|books|homework|netflix)|"
    r"deadline|overdosed? on (?:coffee|caffeine|netflix|sugar|candy|chocolate|tv|cake|pizza)|shoot me (?:a|an) (?:text|email|message|call)|"
    r"(?:commute|traffic|drive|workout|exam|class|job|week|day|shift) (?:is|was) (?:murder|brutal|killing me)|bored to death|scared to death|"
    # other senses of cut, burn and hurt
    r"(?:cut|cutting|burned|burnt|hurt|hurting) (?:myself|my \w+) (?:shaving|cooking|chopping|on (?:a|the)|at (?:the gym|work)|playing|by accident|accidentally|while)|"
    r"cut(?:ting)? (?:myself )?(?:some slack|back|down|off|carbs|sugar|out)|killing myself (?:trying|working|to)|"
    # statements of safety, which belong to "I'm safe" rather than a crisis
    r"(?:not going to|not gonna|wont|will not|would never|never going to) (?:hurt|harm|kill|do anything)|"
    r"(?:breathing|breathes|breathe) (?:again|easier|fine|normally|better)|(?:is|s|are|im|am) (?:safe|okay|ok|stable) now)\b"
)
# Clause boundaries: sentence ends, commas and conjunctions that start a new thought.
CLAUSE_BREAK = re.compile(
    r"[.!?;:,\n]+|\s(?:but|and|though|although|however|because|cuz|bc|since|so|anyway|anyways|also|plus|then|or|except|while|whereas|yet|pero|aunque|porque|entonces|y)\s"
)
