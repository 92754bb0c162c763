"""Rescue and medical needs written in everyday words, in all four languages.

A missed emergency is the costliest mistake, so these cover the ways people actually say
someone is hurt, ill, pregnant or under a collapsed building, and the few phrases that say
nobody is hurt.
"""

from __future__ import annotations

import pytest

from hotline.triage import Triager

LIFE = {"rescue", "medical"}


@pytest.fixture(scope="module")
def triager() -> Triager:
    return Triager()


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # Haitian Creole
        ("gen yon moun anba dekomb nan Delmas", "rescue"),
        ("gen 6 moun anban dekonb yo", "rescue"),
        ("mgen yon moun anba 2konb", "rescue"),
        ("yon mi tombe sou pye mwen", "rescue"),
        ("ki kote pou nou al pran vaksin nan", "medical"),
        ("manman m dyabetik li bezwen ensilin", "medical"),
        ("pitit mwen gen malozye", "medical"),
        ("kisa pou nou fe pou nou evite epidemi", "medical"),
        ("pye l kase li pa ka mache", "medical"),
        ("mwen gen opresyon mwen pa ka pran souf", "medical"),
        ("timoun yo gen djare ak lafyev", "medical"),
        ("yo ban m konprime men doule a la toujou", "medical"),
        ("li fe operasyon nan lopital la", "medical"),
        ("madanm mwen gwo vant li pral akouche", "medical"),
        ("nou bezwen dezenfektan pou twalet yo", "medical"),
        ("fanm nan fe foskouch", "medical"),
        ("pitit fi mwen pa viv an sante", "medical"),
        ("timoun yo gen gratel sou tout ko yo", "medical"),
        ("mwen bezwen yon doct pou bb a", "medical"),
        ("li gen enfeksyon nan pye li", "medical"),
        ("li pran yon bal nan janm", "medical"),
        # French
        ("nous avons besoin d'eau et de soin sante", "medical"),
        ("kit de premier soin svp", "medical"),
        ("je ne sais pas comment eviter une epidemie", "medical"),
        ("j'ai de l'asthme et je ne trouve pas de comprime", "medical"),
        ("mon fils est souffrant depuis trois jours", "medical"),
        ("il a une plaie infectee au bras", "medical"),
        ("des gens sous les decombres du marche", "rescue"),
        ("ma femme a fait une fausse couche", "medical"),
        ("il a ete blesse par balle hier soir", "medical"),
        ("au secours, la maison s'est effondree", "rescue"),
        # English
        ("food, water and care for the children", "medical"),
        ("I need help, I am short of breath", "medical"),
        ("remove the bodies before epidemics start", "medical"),
        ("where can I see a psychologist", "medical"),
        ("my son is dehydrated and very weak", "medical"),
        ("he was shot in the leg", "medical"),
        ("she can not walk since the quake", "medical"),
        ("people on whom blocks fell have not been cared for", "medical"),
        ("the kids have rashes and itching", "medical"),
        ("SOS at Ridore street", "rescue"),
        ("someone is alive in the rubble of the market", "rescue"),
        # Spanish
        ("auxilio, el agua sube", "rescue"),
        ("mi hermano esta herido de bala", "medical"),
        ("mi mamá necesita oxígeno y no hay luz", "medical"),
        ("tengo tos y gripe desde el huracan", "medical"),
        ("la pierna rota de mi papa necesita atencion", "medical"),
    ],
)
def test_life_needs_are_found(triager: Triager, text: str, label: str) -> None:
    assert label in triager.triage(text).categories


@pytest.mark.parametrize(
    "text",
    [
        "we need rubble removed from the school yard",
        "I am stuck in Haiti and want to go to France",
        "the sun is hot, we need a tent",
        "we need water treatment tablets",
        "call digicel about my phone card",
        "mwen pa blese men kay mwen kraze",
        "nou pa gen blese men nou bezwen manje",
        "I am not hurt, my house was destroyed",
        "there are no wounded but we need food",
    ],
)
def test_no_life_need(triager: Triager, text: str) -> None:
    assert not LIFE & set(triager.triage(text).categories)


def test_gunshot_is_an_emergency_and_medical(triager: Triager) -> None:
    result = triager.triage("my neighbour was shot, he needs help")
    assert result.urgency == "emergency"
    assert {"medical"} <= set(result.categories)


def test_sos_is_urgent_rescue(triager: Triager) -> None:
    result = triager.triage("SOS pou moun nan zon nan, tanpri")
    assert result.urgency in ("urgent", "emergency")
    assert "rescue" in result.categories


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # Haitian Creole: breath, hygiene, stomach, fever, pain, care, and their spellings
        ("granmoun nan abou de souf, li bezwen ed", "medical"),
        ("m aboudesouf depi yè swa", "medical"),
        ("li manke souf lè l mache", "medical"),
        ("nou pa gen latrin ni savon nan kan an", "medical"),
        ("nou bezwen pwodui ijyèn pou fanm yo", "medical"),
        ("kote pou m jwenn 2zenfektan pou zòn nan", "medical"),
        ("tout timoun yo gen vant mennen", "medical"),
        ("bebe a gen diyare depi 3 jou", "medical"),
        ("pitit mwen gen lafièv", "medical"),
        ("mwen gen maltèt ak tèt fè mal chak jou", "medical"),
        ("madanm mwen bezwen ale nan matènite", "medical"),
        ("dispansè a fèmen, ki kote pou nou ale", "medical"),
        ("voye yon anbulans tanpri", "medical"),
        ("timoun yo gen bouton sou po yo ak demanjezon", "medical"),
        ("li gen sik nan san, li pa gen ensilin", "medical"),
        ("gen moun anba debri lekòl la", "rescue"),
        ("nou bezwen yon ekip sekou nan Fonds Verrettes", "rescue"),
        # French
        ("mon pere est essouffle, il respire a peine", "medical"),
        ("nous manquons d'articles hygieniques", "medical"),
        ("ma femme est a la maternite sans soins", "medical"),
        ("le dispensaire du quartier est detruit", "medical"),
        ("elle a des maux de tete depuis le seisme", "medical"),
        ("il vit dans la souffrance depuis ce jour", "medical"),
        ("envoyez une equipe de sauvetage a Leogane", "rescue"),
        # English
        ("they closed the bathrooms at the camp", "medical"),
        ("we need soap and diapers for the babies", "medical"),
        ("our street is surrounded by flood water", "rescue"),
    ],
)
def test_life_needs_in_other_spellings(triager: Triager, text: str, label: str) -> None:
    assert label in triager.triage(text).categories


@pytest.mark.parametrize(
    "text",
    [
        "nou bezwen diri ak lwil, nou grangou",
        "nou bezwen tant ak prela, lapli ap tonbe",
        "nous avons besoin de riz et d'eau potable",
    ],
)
def test_other_needs_stay_other(triager: Triager, text: str) -> None:
    assert not LIFE & set(triager.triage(text).categories)


def test_everyday_words_are_not_split_into_needs(triager: Triager) -> None:
    # "pandan" (during) must not read as two lexicon words glued together.
    result = triager.triage("kisa pou nou fe pandan sezon siklon an")
    assert not {"food", "medical"} & set(result.categories)


@pytest.mark.parametrize(
    "text",
    [
        "my mother is not feeling well since the quake",
        "my son has nightmares every night, he is in shock",
        "mwen pa santi m byen depi tranbleman an",
        "lespri m pa an plas depi seyis la",
        "pitit mwen fe kochma chak nwit",
        "ma fille ne se sent pas bien, elle fait des cauchemars",
        "mi abuela no se siente bien",
        "los ninos tienen pesadillas y ataques de panico",
    ],
)
def test_feeling_unwell_and_distress_are_medical(triager: Triager, text: str) -> None:
    # After a disaster, distress is a health need: psychologists are asked for by text.
    assert "medical" in triager.triage(text).categories


@pytest.mark.parametrize(
    "text",
    ["the food distribution is not well organised", "nous ne dormons pas bien sous la pluie"],
)
def test_not_well_about_things_is_not_medical(triager: Triager, text: str) -> None:
    assert "medical" not in triager.triage(text).categories


@pytest.mark.parametrize(
    "text",
    [
        "corner of Main and 5th, my dad fell and cant get up",
        "grandma had a fall on the stairs",
        "ma mere est tombee et ne peut pas se relever",
        "mi abuelo se cayo y no puede levantarse",
        "granmoun nan tonbe li pa ka leve",
    ],
)
def test_a_fall_someone_cannot_get_up_from_is_medical(triager: Triager, text: str) -> None:
    assert "medical" in triager.triage(text).categories


@pytest.mark.parametrize(
    "text", ["the wall fell down on the road", "the house has fallen and we need a tent"]
)
def test_things_falling_are_not_medical(triager: Triager, text: str) -> None:
    assert "medical" not in triager.triage(text).categories


@pytest.mark.parametrize(
    "text",
    [
        "we are stuck in the car, water rising",
        "we are on the second floor and the water keeps rising",
        "someone fell in the river",
        "dlo a ap monte nou sou do kay la",
        "gen yon timoun ki tonbe nan rivye a",
        "el agua esta subiendo y estamos en el techo",
        "se lo llevo la corriente",
        "l'eau monte, nous sommes sur le toit",
        "quelqu'un est tombe dans la riviere",
    ],
)
def test_rising_water_and_falls_into_it_are_rescue_emergencies(triager: Triager, text: str) -> None:
    result = triager.triage(text)
    assert "rescue" in result.categories
    assert result.urgency == "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "my kid swallowed bleach",
        "he is having an asthma attack",
        "mi papa tiene dolor en el pecho",
        "mon pere a mal a la poitrine",
    ],
)
def test_poisoning_asthma_and_chest_pain_are_medical_emergencies(
    triager: Triager, text: str
) -> None:
    result = triager.triage(text)
    assert "medical" in result.categories
    assert "safety" not in result.categories  # an asthma attack is nobody attacking
    assert result.urgency == "emergency"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("she is having a baby", "medical"),
        ("we need painkillers", "medical"),
        ("my son has a high temperature", "medical"),
        ("my husband cut his hand badly", "medical"),
        ("he got bitten by a dog", "medical"),
        ("need an inhaler for my son", "medical"),
        ("dad fell off the ladder", "medical"),
        ("she got burned by the stove", "medical"),
        ("my neighbour is under the wall", "rescue"),
        ("there are people in the collapsed school", "rescue"),
        ("gen moun ki pran nan kay la ki kraze", "rescue"),
        ("yon chen mòde pitit mwen", "medical"),
        ("li boule ak dlo cho", "medical"),
        ("mi pierna esta rota", "medical"),
        ("un perro mordio a mi hijo", "medical"),
        ("mi bebe tiene calentura", "medical"),
        ("il s'est cassé la jambe", "medical"),
        ("ma fille a été mordue par un chien", "medical"),
        ("mon bébé a de la température", "medical"),
    ],
)
def test_everyday_injuries_and_illness(triager: Triager, text: str, label: str) -> None:
    assert label in triager.triage(text).categories


@pytest.mark.parametrize(
    "text",
    [
        "the roof fell off in the storm, we need a tarp",
        "they cut the power on our street",
        "la casa esta rota, necesitamos una carpa",
        "the house burned down, we need clothes",
    ],
)
def test_broken_things_are_not_injuries(triager: Triager, text: str) -> None:
    assert "medical" not in triager.triage(text).categories


@pytest.mark.parametrize(
    "text",
    [
        "my brother says he wants to kill himself",
        "I feel suicidal",
        "mi hijo quiere matarse",
        "li vle touye tet li",
        "il veut se suicider",
        "grandpa has heat stroke",
    ],
)
def test_suicide_risk_and_heat_stroke_are_medical_emergencies(triager: Triager, text: str) -> None:
    result = triager.triage(text)
    assert "medical" in result.categories
    assert result.urgency == "emergency"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("my mom needs her prescription refilled", "medical"),
        ("she broke her hip", "medical"),
        ("he twisted his ankle", "medical"),
        ("my son hit his head and is confused", "medical"),
        ("we are freezing, my daughter has hypothermia", "medical"),
        ("my dad uses a cpap machine and the power is out", "medical"),
        ("his blood sugar is low", "medical"),
        ("she is getting chemo and needs a ride", "medical"),
        ("my kids are throwing up", "medical"),
        ("my husband is depressed since the flood", "medical"),
        ("my mom has dementia and wandered off", "missing_person"),
        ("we need a boat to get out", "rescue"),
        ("need evacuation for my elderly parents", "rescue"),
        ("please check on my grandmother, she is not answering her phone", "rescue"),
        ("nou bezwen yon kanot pou soti", "rescue"),
        ("granmoun nan pa reponn telefon li", "rescue"),
        ("necesitamos una lancha para salir", "rescue"),
        ("il faut evacuer ma mere", "rescue"),
    ],
)
def test_care_needs_and_welfare_checks(triager: Triager, text: str, label: str) -> None:
    assert label in triager.triage(text).categories


@pytest.mark.parametrize(
    ("text", "label", "emergency"),
    [
        ("gen moun anba kay la nou tande vwa yo", "rescue", True),
        ("lavalas pote kay la", "rescue", True),
        ("larivye a desann li pran moun", "rescue", True),
        ("madanm nan ap pedi san", "medical", True),
        ("ede nou soti la a", "rescue", False),
        ("glisman te kouvri 3 kay", "rescue", False),
        ("il y a un glissement de terrain", "rescue", False),
        ("a landslide hit the houses above the school", "rescue", False),
        ("la maison s'est effondree sur eux", "rescue", False),
        ("pitit mwen an feb anpil li pa ka manje", "medical", False),
        ("vant pitit la ap fe l mal", "medical", False),
        ("li pran kou nan tet", "medical", False),
        ("mon mari est tombe du toit", "medical", False),
    ],
)
def test_floods_landslides_and_injuries_as_written_in_creole_and_french(
    triager: Triager, text: str, label: str, emergency: bool
) -> None:
    result = triager.triage(text)
    assert label in result.categories
    assert (result.urgency == "emergency") is emergency


@pytest.mark.parametrize(
    "text",
    [
        "batri telefon mwen feb",  # a weak battery, not a weak person
        "nou pe domi anba kay",  # afraid to sleep indoors, nobody is trapped
        "Fanmi Lavalas ap fe reyinyon jodi a",  # a political party, not a flood
    ],
)
def test_creole_words_that_only_look_like_a_life_need(triager: Triager, text: str) -> None:
    result = triager.triage(text)
    assert not {"rescue", "medical"} & set(result.categories)
    assert result.urgency != "emergency"


@pytest.mark.parametrize(
    "text",
    [
        "4821 the fire is out, family is safe",
        "el fuego se apagó, todos bien",
        "le feu est éteint",
        "dife a etenn, nou byen",
    ],
)
def test_a_fire_that_is_out_is_not_an_emergency(triager: Triager, text: str) -> None:
    assert triager.triage(text).urgency != "emergency"


@pytest.mark.parametrize("text", ["the fire is out of control!", "fire at 12 Elm St"])
def test_a_fire_burning_is_still_an_emergency(triager: Triager, text: str) -> None:
    assert triager.triage(text).urgency == "emergency"
