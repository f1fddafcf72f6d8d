"""The words that carry intent rather than a service: question topics, status, navigation,
politeness, number words and a few everyday names of things (bike, vizag), in Telugu script,
romanised Telugu and English. Written as people write; each list is folded to the skeleton
once, so "ఎంత", "entha" and "enta" are one word here."""

from __future__ import annotations

from manamitra.understanding.text import skeleton

Phrase = tuple[str, ...]


def phrases(*texts: str) -> frozenset[Phrase]:
    """Each text as its tuple of skeleton tokens (one-word texts are 1-tuples)."""
    return frozenset(skeleton(text) for text in texts if skeleton(text))


def words(*texts: str) -> frozenset[str]:
    return frozenset(token for text in texts for token in skeleton(text))


TOPICS: dict[str, frozenset[Phrase]] = {
    "documents": phrases(
        "documents",
        "document",
        "docs",
        "papers",
        "kagitalu",
        "kaagithalu",
        "kagithalu",
        "patralu",
        "పత్రాలు",
        "పత్రాలేమిటి",
        "డాక్యుమెంట్లు",
        "డాక్యుమెంట్స్",
        "కాగితాలు",
        "documents list",
        "emi kavali",
        "ఏమి కావాలి",
        "what do i need",
        "what is needed",
    ),
    "fee": phrases(
        "fee",
        "fees",
        "ఫీజు",
        "ఫీజులు",
        "feez",
        "cost",
        "charge",
        "charges",
        "dabbu",
        "డబ్బు",
        "rusumu",
        "రుసుము",
        "how much",
        "price",
        "ఖర్చు",
        "karchu",
        "kharchu",
    ),
    "time": phrases(
        "how many days",
        "how long",
        "rojullo",
        "రోజుల్లో",
        "enni rojulu",
        "ఎన్ని రోజులు",
        "samayam",
        "సమయం",
        "time",
        "eppudu vastundi",
        "ఎప్పుడు వస్తుంది",
        "when will i get",
    ),
    "eligibility": phrases(
        "eligible",
        "eligibility",
        "arhata",
        "arhatha",
        "అర్హత",
        "arhulu",
        "అర్హులు",
        "who can apply",
        "evaru apply",
        "ఎవరు దరఖాస్తు",
    ),
    "where": phrases(
        "where to apply",
        "where do i apply",
        "which office",
        "ekkada apply",
        "ఎక్కడ దరఖాస్తు",
        "who approves",
        "approve",
        "approves",
        "who decides",
        "who gives",
        "gives",
        "issues",
        "manjuru",
        "మంజూరు",
        "evaru istaru",
        "ఎవరు ఇస్తారు",
    ),
}
# Said in a question whatever its topic; with an information service, a question about it.
QUESTION_WORDS = words("how", "ela", "ఎలా", "elaa")

# A status asked outright ("status", "track") or in words ("what happened", "not come yet").
STATUS_STRONG = phrases(
    "status",
    "stithi",
    "sthiti",
    "స్థితి",
    "స్టేటస్",
    "track",
    "em ayyindi",
    "enti ayyindi",
    "emaindi",
    "ఏమైంది",
    "ఏమయింది",
    "what happened",
    "inka raledu",
    "inka raaledu",
    "ఇంకా రాలేదు",
    "ekkada varaku",
    "ఎక్కడ వరకు",
    "approved",
    "been approved",
)
# "where is …" only asks for a status about something of the citizen's own.
STATUS_WEAK = phrases("where is", "ekkada undi", "ఎక్కడ ఉంది", "ekkada", "ఎక్కడ")
POSSESSIVE = words("my", "naa", "నా", "mine", "nenu", "నేను")

# Navigation said in a sentence ("main menu chupinchu", "english lo matladandi").
NAVIGATION: dict[str, frozenset[str]] = {
    "menu": words("menu", "మెనూ", "మెను", "home", "start", "main"),
    "back": words("back", "venakki", "వెనక్కి", "వెనుకకు", "previous"),
    "help": words("help", "sahayam", "సహాయం", "హెల్ప్"),
    "language": words("language", "bhasha", "భాష", "english", "ఇంగ్లీష్", "telugu", "తెలుగు"),
    "cancel": words("stop", "cancel", "ఆపండి", "ఆపు", "raddu", "రద్దు", "exit", "quit"),
    "greet": words(
        "hi",
        "hello",
        "hey",
        "namaskaram",
        "namaste",
        "namasthe",
        "నమస్కారం",
        "నమస్తే",
        "హాయ్",
        "హలో",
    ),
}
# Words that only soften a request ("please", "andi", "chupinchu").
POLITE = words(
    "please",
    "pls",
    "plz",
    "andi",
    "అండి",
    "sir",
    "garu",
    "గారు",
    "cheyandi",
    "చేయండి",
    "chupinchu",
    "చూపించు",
    "chupinchandi",
    "vellu",
    "వెళ్ళు",
    "lo",
    "matladandi",
    "మాట్లాడండి",
    "kavali",
    "కావాలి",
    "me",
    "the",
    "to",
    "go",
    "change",
    "marchu",
    "మార్చు",
    "మార్చండి",
)
# Thanks and acknowledgements: a friendly word back, not a search.
THANKS = words(
    "ok",
    "okay",
    "thanks",
    "thank",
    "thankyou",
    "you",
    "ధన్యవాదాలు",
    "dhanyavadalu",
    "సరే",
    "sare",
    "hmm",
    "fine",
    "good",
    "nice",
    "bagundi",
    "బాగుంది",
)

# What a service does to a thing, in its name: a message saying the same steers to it
# ("trade licence renewal"), a name saying one the message does not steers away a little.
ACTIONS: dict[str, frozenset[str]] = {
    "cancel": words("cancel", "cancellation", "raddu", "రద్దు", "radhu"),
    "renew": words("renew", "renewal", "punaruddharana", "పునరుద్ధరణ"),
    "pay": words(
        "pay",
        "payment",
        "chellimpu",
        "చెల్లింపు",
        "చెల్లించండి",
        "చెల్లించాలి",
        "chellinchali",
        "kattali",
        "కట్టాలి",
        "kattu",
        "fee",
    ),
    "register": words("register", "registration", "namodu", "నమోదు", "రిజిస్ట్రేషన్"),
    "correct": words("correction", "correct", "savarana", "సవరణ"),
    "transfer": words("transfer", "badili", "బదిలీ"),
    "duplicate": words("duplicate", "nakalu", "నకలు"),
}

# Small talk ("how are you"): a friendly message, never a search for a service.
SMALL_TALK = words(
    "bagunnara",
    "bagunnava",
    "బాగున్నారా",
    "బాగున్నావా",
    "ela",
    "ఎలా",
    "unnaru",
    "ఉన్నారు",
    "how",
    "are",
    "you",
    "doing",
)

# Number words that answer "which option" (రెండు, "rendu", "two" → 2).
NUMBER_WORDS: dict[str, int] = {}
for _value, _spellings in {
    1: ("one", "first", "okati", "ఒకటి", "ఒకటో", "modati", "మొదటి", "1st"),
    2: ("two", "second", "rendu", "రెండు", "రెండో", "రెండవ", "rendava", "rendo", "2nd"),
    3: ("three", "third", "moodu", "mudu", "మూడు", "మూడో", "మూడవ", "moodava", "3rd"),
    4: ("four", "fourth", "nalugu", "నాలుగు", "నాలుగో", "నాలుగవ", "4th"),
    5: ("five", "fifth", "aidu", "ayidu", "ఐదు", "అయిదు", "ఐదో", "ఐదవ", "5th"),
    6: ("six", "sixth", "aaru", "ఆరు", "ఆరో", "ఆరవ"),
    7: ("seven", "seventh", "edu", "yedu", "ఏడు", "ఏడో", "ఏడవ"),
    8: ("eight", "eighth", "enimidi", "ఎనిమిది", "ఎనిమిదవ"),
    9: ("nine", "ninth", "tommidi", "తొమ్మిది", "తొమ్మిదవ"),
    10: ("ten", "tenth", "padi", "పది", "పదవ"),
}.items():
    for _spelling in _spellings:
        for _token in skeleton(_spelling)[:1]:
            NUMBER_WORDS.setdefault(_token, _value)

YES = words(
    "yes", "y", "yeah", "avunu", "అవును", "ఔను", "haa", "ha", "haan", "sare", "సరే", "ok", "okay"
)
NO = words("no", "n", "nope", "kaadu", "kadu", "కాదు", "ledu", "లేదు", "vaddu", "వద్దు")


# Everyday names of things → a word of the catalogue's labels (both sides are skeletons).
def _alias(target: str, *spellings: str) -> dict[str, str]:
    (folded,) = skeleton(target)
    return dict.fromkeys(words(*spellings), folded)


ALIASES: dict[str, str] = {
    **_alias("wheeler", "bike", "scooter", "motorcycle", "scooty", "బైక్"),
    **_alias("spouse", "wife", "husband", "bharya", "bhartha"),
    **_alias("visakhapatnam", "vizag", "vizak", "vishakapatnam", "visakha", "వైజాగ్"),
    **_alias("rajamahendravaram", "rajahmundry", "rajamundry", "రాజమండ్రి"),
    **_alias("tirupati", "tirupathi", "tirupathy", "thirupathi"),
    **_alias("vijayawada", "bezawada", "bejawada", "బెజవాడ"),
    **_alias("karentu", "current", "karent", "power"),
    **_alias("durga", "durgamma", "దుర్గమ్మ", "indrakeeladri"),
    **_alias("phone", "cellphone", "cell", "ఫోను"),
}
# Words too common to pick an option on their own ("very nice" is not "Very poor").
WEAK = words(
    "very",
    "too",
    "so",
    "much",
    "nice",
    "chala",
    "చాలా",
    "no",
    "not",
    "ledu",
    "లేదు",
    "with",
    "my",
    "of",
    "and",
    "or",
    "a",
    "the",
    "for",
    "any",
    "other",
    "ఇతర",
    "ఇతరం",
    "ఏదైనా",
    "both",
    "రెండూ",
    "none",
    "seat",
    "సీటు",
    "card",
    "కార్డు",
    "certificate",
    "సర్టిఫికెట్",
)
# Marks of direction around a place ("from X", "X nundi", "X నుంచి"; "to Y", "Y ki").
FROM_BEFORE = words("from")
FROM_AFTER = words("nundi", "nunchi", "నుంచి", "నుండి", "nunci", "se")
TO_BEFORE = words("to", "towards")
TO_AFTER = words("ki", "ku", "కి", "కు", "varaku", "వరకు", "ke")
