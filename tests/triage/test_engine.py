"""Triage of texts as neighbours write them, in English, Spanish, French and Haitian Creole."""

from __future__ import annotations

import pytest

from hotline.triage import CATEGORIES, KINDS, URGENCIES, Triager, TriageResult, Zone

ZONES = (
    Zone("33125", aliases=("little havana",)),
    Zone("Bel Air", aliases=("bèlè", "belair")),
)


@pytest.fixture(scope="module")
def triager() -> Triager:
    return Triager(zones=ZONES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("we need drinking water", {"water"}),
        ("no food for 3 days, kids r hungry", {"food"}),
        ("our house collapsed, we sleep outside", {"shelter"}),
        ("need blankets and clothes for the baby", {"clothing"}),
        ("my mother is sick and needs her medicine", {"medical"}),
        ("I can not find my son since the quake", {"missing_person"}),
        ("thieves came last night and robbed us", {"safety"}),
        ("need a ride to the hospital", {"transport", "medical"}),
        ("we have no money left, need cash", {"money"}),
        ("no electricity, need a generator", {"power"}),
        ("there are dead bodies in the street", {"death"}),
        ("Tanpri nou bezwen dlo ak manje", {"water", "food"}),
        ("kay nou kraze nou domi deyo", {"shelter"}),
        ("mwen malad mwen bezwen medikaman", {"medical"}),
        ("pitit mwen disparet depi madi", {"missing_person"}),
        ("vòlè antre lakay nou", {"safety"}),
        ("nou pa gen kouran", {"power"}),
        ("anpil moun mouri nan katye a", {"death"}),
        ("necesitamos agua y comida", {"water", "food"}),
        ("mi casa se cayo, necesitamos una carpa", {"shelter"}),
        ("mi hijo esta herido", {"medical"}),
        ("nous avons besoin d'eau et de nourriture", {"water", "food"}),
        ("ma maison est détruite, nous dormons dehors", {"shelter"}),
        ("il y a des blessés, il faut un médecin", {"medical"}),
    ],
)
def test_categories(triager: Triager, text: str, expected: set[str]) -> None:
    assert set(triager.triage(text).categories) == expected


def test_nothing_matched_is_other(triager: Triager) -> None:
    result = triager.triage("hello, how is everyone?")
    assert result.categories == ("other",)
    assert result.urgency == "routine"


def test_categories_are_ordered_life_first(triager: Triager) -> None:
    result = triager.triage("need food, water and a doctor for my injured father")
    assert result.categories == ("medical", "water", "food")


@pytest.mark.parametrize(
    "text",
    [
        "my brother is trapped under the rubble",
        "mon frère est coincé sous les décombres",
        "mi hermano esta atrapado bajo los escombros",
        "frè mwen anba dekonb, li pa ka soti",
        "baby not breathing please come",
        "timoun nan pa respire",
        "no respira, ayuda",
        "heavy bleeding from his leg",
        "li ap senyen anpil",
        "she is unconscious",
        "il est inconscient",
        "man drowning in the river",
        "fire in the building next door",
        "dife pran kay la",
        "they are shooting on our street",
        "coups de feu dans le quartier",
        "child alone at the bus stop",
        "timoun pou kont li nan lari a",
        "niño solo en la calle",
        "my wife is in labour and bleeding",
        "madanm mwen ap akouche, li gen pwoblem",
        "my 4 yr old is alone at home i cant get there",
        "my kids are home alone, I am stuck at work",
        "mi hijo esta solo en casa y no puedo llegar",
        "ma fille est seule a la maison",
        "pitit mwen pou kont li lakay la",
        "gunshots outside, we are hiding",
        "someone is breaking into houses on our street",
        "we r stuck on roof water up to 2nd floor",
        "M ap chèche pitit mwen, li gen 8 an, li pa retounen lakay depi yè",
    ],
)
def test_emergencies(triager: Triager, text: str) -> None:
    result = triager.triage(text)
    assert result.urgency == "emergency", result
    assert result.kind == "request"
    assert set(result.categories) & {"rescue", "medical", "safety", "missing_person"}


@pytest.mark.parametrize(
    ("text", "urgency"),
    [
        ("need water asap", "urgent"),
        ("nou bezwen manje ijan", "urgent"),
        ("my grandmother is sick", "urgent"),
        ("need shoes for the kids", "routine"),
        ("thank you for the rice", "routine"),
        ("my phone is dying, need to charge it, no power", "routine"),
        ("old lady alone no heat no food 80 yrs", "urgent"),
    ],
)
def test_urgency(triager: Triager, text: str, urgency: str) -> None:
    assert triager.triage(text).urgency == urgency


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("I have a truck and can help move people", "offer"),
        ("we can offer hot meals at the church", "offer"),
        ("mwen ka ede ak machin mwen", "offer"),
        ("je peux aider, j'ai de l'eau", "offer"),
        ("puedo ayudar con comida", "offer"),
        ("i have 20 blankets to donate", "offer"),
        ("tengo 10 cobijas para donar", "offer"),
        ("j'ai des couvertures a donner", "offer"),
        ("please send water", "request"),
        ("tanpri voye manje", "request"),
        ("thank you so much for everything", "other"),
        ("mèsi anpil pou tout sa nou fè", "other"),
        ("muchas gracias", "other"),
        ("when will the school reopen?", "other"),
    ],
)
def test_kind(triager: Triager, text: str, kind: str) -> None:
    assert triager.triage(text).kind == kind


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("we need water and food please", "en"),
        ("nou bezwen dlo ak manje tanpri", "ht"),
        ("moin grangou, pa gen anyen pou manje", "ht"),
        ("nous avons besoin d'eau s'il vous plait", "fr"),
        ("necesitamos agua por favor", "es"),
    ],
)
def test_language(triager: Triager, text: str, language: str) -> None:
    assert triager.triage(text).language == language


def test_language_hint_breaks_a_tie(triager: Triager) -> None:
    assert triager.triage("dlo", language_hint="ht").language == "ht"
    assert triager.triage("ok", language_hint="es").language == "es"


@pytest.mark.parametrize(
    ("text", "people"),
    [
        ("food for 4 please", 4),
        ("nou bezwen manje pou 5 moun", 5),
        ("somos seis en la casa", 6),
        ("nous sommes 3 sans abri", 3),
        ("we are a family of 5", 5),
        ("we are twenty five people here", 25),
        ("5 adults and 3 children need water", 8),
        ("nou gen 12 timoun ak 4 granmoun", 16),
        ("vingt-cinq personnes sans eau", 25),
        ("me and my 3 kids need food", 4),
        ("my 2 kids and I need shelter", 3),
        ("yo y mis 4 hijos necesitamos agua", 5),
        ("moi et mes 2 enfants", 3),
        ("mwen ak 3 timoun mwen bezwen manje", 4),
        ("mwen ak fanmi m, nou se 6", 6),
        ("no water for 3 days", None),
        ("need water", None),
    ],
)
def test_people(triager: Triager, text: str, people: int | None) -> None:
    assert triager.triage(text).people == people


@pytest.mark.parametrize(
    ("text", "location"),
    [
        ("trapped at 123 Main St, hurry", "123 Main St"),
        ("need water at the corner of 5th Ave and Pine St please", "corner of 5th Ave and Pine St"),
        ("Oak St & Elm St, 2 people hurt", "Oak St & Elm St"),
        ("nou bezwen dlo, nou nan ri Pave", "ri Pave"),
        ("besoin d'eau au 12 rue Capois", "12 rue Capois"),
        ("necesitamos agua en calle Juarez 45", "calle Juarez 45"),
        ("entre calle 5 y calle 8 no hay luz", "entre calle 5 y calle 8"),
        ("food needed near the blue church", "near the blue church"),
        ("nou bezwen manje kote legliz katolik la", "kote legliz katolik"),
        ("besoin de tentes près de l'école nationale", "près de l'école nationale"),
        ("necesitamos comida cerca del mercado", "cerca del mercado"),
        ("we need water in Delmas", "Delmas"),
        ("mwen bloke anba kay la nan Delmas 33", "Delmas 33"),
        ("we are in Delmas 5 people need water", "Delmas"),
        ("Nou bezwen dlo pou 6 moun, ri Pave kwen ri Sen Onore", "ri Pave kwen ri Sen Onore"),
        ("comida para 5 en la calle 8 esquina con Juarez", "calle 8 esquina con Juarez"),
        ("12 Elm St corner of Pine St, 2 kids", "12 Elm St corner of Pine St"),
        ("need water at 12 Elm St. Corner of Pine is flooded", "12 Elm St"),
        ("no power in 33125", "33125"),
        ("house on fire!!! 22 Walnut", "22 Walnut"),
        ("we need 5 Blankets", None),
        ("need water", None),
    ],
)
def test_location(triager: Triager, text: str, location: str | None) -> None:
    assert triager.triage(text).location == location


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("no power in 33125", "33125"),
        ("need food in little havana", "33125"),
        ("nou bezwen dlo nan Bèlè", "Bel Air"),
        ("water needed in belair", "Bel Air"),
        ("need water downtown", None),
    ],
)
def test_zone(triager: Triager, text: str, zone: str | None) -> None:
    assert triager.triage(text).zone == zone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("we no longer need water, thanks", ("other",)),
        ("we don't need food anymore but need tents", ("shelter",)),
        ("nou pa bezwen dlo ankò, men nou bezwen manje", ("food",)),
        ("ya no necesitamos agua", ("other",)),
        ("nous n'avons plus besoin d'eau", ("other",)),
        ("we have no water", ("water",)),
    ],
)
def test_negation(triager: Triager, text: str, expected: tuple[str, ...]) -> None:
    assert triager.triage(text).categories == expected


def test_negation_never_hides_an_emergency(triager: Triager) -> None:
    assert triager.triage("we don't need food, he is not breathing").urgency == "emergency"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pleeease we neeed waaater", {"water"}),
        ("PLZ NEED FOOD", {"food"}),
        ("mbezwen dlo", {"water"}),
        ("bezwendlo ak manje", {"water", "food"}),
        ("need 5bottles of water for 3ppl", {"water"}),
        ("MEDIKAMAN POU TIMOUN YO", {"medical"}),
        ("plz send h2o 2 us asap", {"water"}),
        # A letter whose lowercase is longer must not stop the whole text from being read.
        ("NEED WATER at Main St, İstanbul", {"water"}),
    ],
)
def test_sms_spelling(triager: Triager, text: str, expected: set[str]) -> None:
    assert set(triager.triage(text).categories) == expected


def test_result_json_has_exactly_the_wire_keys(triager: Triager) -> None:
    result = triager.triage("need water for 4 at 12 Main St")
    assert isinstance(result, TriageResult)
    assert result.to_json(7) == {
        "id": 7,
        "categories": ["water"],
        "urgency": "urgent",
        "kind": "request",
        "language": "en",
        "location": "12 Main St",
        "people": 4,
    }


def test_labels_are_in_the_published_sets(triager: Triager) -> None:
    result = triager.triage("nou bezwen dlo")
    assert set(result.categories) <= set(CATEGORIES)
    assert result.urgency in URGENCIES
    assert result.kind in KINDS
    assert set(triager.languages) >= {"en", "es", "fr", "ht"}


def test_empty_text(triager: Triager) -> None:
    result = triager.triage("")
    assert result.categories == ("other",)
    assert result.kind == "other"
    assert result.location is None
