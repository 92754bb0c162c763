"""Who is asked first: the ranking of on-call volunteers, table by table, without a database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline.ranking import Candidate, Need, rank

EARLY = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)
LATE = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def volunteer(
    volunteer_id: int,
    *,
    zones: tuple[str, ...] = (),
    skills: tuple[str, ...] = (),
    languages: tuple[str, ...] = ("en",),
    open_claims: int = 0,
    last_offered_at: datetime | None = None,
) -> Candidate:
    return Candidate(volunteer_id, zones, skills, languages, open_claims, last_offered_at)


CASES = [
    pytest.param(
        Need("02145", ("water",), "en"),
        [volunteer(1, zones=("02139",)), volunteer(2, zones=("02145",))],
        [2, 1],
        id="the volunteer in the zone comes before one outside it",
    ),
    pytest.param(
        Need("elm", ("water",), "en"),
        [volunteer(1, zones=("Oak",)), volunteer(2, zones=("ELM",))],
        [2, 1],
        id="zones match whatever their case",
    ),
    pytest.param(
        Need(None, ("medical",), "en"),
        [volunteer(1, skills=("driver",)), volunteer(2, skills=("nurse",))],
        [2, 1],
        id="a nurse comes first for a medical need",
    ),
    pytest.param(
        Need(None, ("water",), "en"),
        [volunteer(1, skills=("nurse",)), volunteer(2, skills=("car",))],
        [2, 1],
        id="someone with a car fits a water delivery",
    ),
    pytest.param(
        Need(None, ("pets",), "en"),
        [volunteer(1, skills=("driver",)), volunteer(2, skills=("pets",))],
        [2, 1],
        id="a category with no skill list matches the skill of the same name",
    ),
    pytest.param(
        Need(None, ("food",), "ht"),
        [volunteer(1, languages=("en",)), volunteer(2, languages=("en", "ht"))],
        [2, 1],
        id="a Creole speaker comes first for a neighbour who writes Creole",
    ),
    pytest.param(
        Need(None, ("food",), "en"),
        [volunteer(1, languages=("es",)), volunteer(2, languages=())],
        [2, 1],
        id="a volunteer who gave no language is taken to speak English",
    ),
    pytest.param(
        Need(None, ("food",), "es"),
        [volunteer(1, languages=()), volunteer(2, languages=("es",))],
        [2, 1],
        id="but not Spanish",
    ),
    pytest.param(
        Need(None, ("food",), "en"),
        [volunteer(1, open_claims=2), volunteer(2, open_claims=0)],
        [2, 1],
        id="the volunteer with fewer open claims comes first",
    ),
    pytest.param(
        Need(None, ("food",), "en"),
        [volunteer(1, last_offered_at=LATE), volunteer(2, last_offered_at=EARLY)],
        [2, 1],
        id="the volunteer asked longer ago comes first",
    ),
    pytest.param(
        Need(None, ("food",), "en"),
        [volunteer(1, last_offered_at=EARLY), volunteer(2, last_offered_at=None)],
        [2, 1],
        id="a volunteer never asked comes before one asked before",
    ),
    pytest.param(
        Need("02145", ("medical",), "es"),
        [
            volunteer(1, skills=("nurse",), languages=("es",)),
            volunteer(2, zones=("02145",)),
        ],
        [2, 1],
        id="the zone outweighs skill and language",
    ),
    pytest.param(
        Need(None, ("medical",), "es"),
        [volunteer(1, languages=("es",)), volunteer(2, skills=("nurse",))],
        [2, 1],
        id="skill outweighs language",
    ),
    pytest.param(
        Need(None, ("food",), "es"),
        [volunteer(1, open_claims=0), volunteer(2, languages=("es",), open_claims=3)],
        [2, 1],
        id="language outweighs a busy volunteer's load",
    ),
    pytest.param(
        Need(None, ("food",), "en"),
        [volunteer(3), volunteer(1), volunteer(2)],
        [3, 1, 2],
        id="equal volunteers keep the order they came in",
    ),
]


@pytest.mark.parametrize(("need", "candidates", "expected"), CASES)
def test_rank_orders_volunteers(
    need: Need, candidates: list[Candidate], expected: list[int]
) -> None:
    assert [c.volunteer_id for c in rank(candidates, need)] == expected


candidates = st.lists(
    st.builds(
        Candidate,
        volunteer_id=st.integers(1, 10_000),
        zones=st.tuples(st.sampled_from(["02145", "elm", "Delmas 33", ""])),
        skills=st.lists(st.sampled_from(["nurse", "car", "boat", "pets"])).map(tuple),
        languages=st.lists(st.sampled_from(["en", "es", "fr", "ht"])).map(tuple),
        open_claims=st.integers(0, 5),
        last_offered_at=st.none() | st.sampled_from([EARLY, LATE]),
    ),
    max_size=8,
)
needs = st.builds(
    Need,
    zone=st.none() | st.text(max_size=10),
    categories=st.lists(st.text(max_size=12), max_size=3).map(tuple),
    language=st.sampled_from(["en", "es", "fr", "ht"]),
)


@given(candidates, needs)
def test_rank_keeps_everyone_once(people: list[Candidate], need: Need) -> None:
    """Ranking only reorders: nobody is dropped or asked twice, whatever the need says."""
    ranked = rank(people, need)
    assert sorted(ranked, key=id) == sorted(people, key=id)
