"""Finding a stretch or a routine in the catalog, and the did-you-mean error when there is none."""

from __future__ import annotations

import pytest

from stretchcoach.core.model import Catalog, Hold, Stretch
from stretchcoach.errors import ExitCode, StretchcoachError


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("cat-cow", "cat-cow"),
        ("CAT-COW", "cat-cow"),
        ("cat cow", "cat-cow"),
        ("Cat-cow pose", "cat-cow"),
        ("childs pose", "childs-pose"),
        ("Child's Pose", "childs-pose"),
        ("child’s pose", "childs-pose"),
        ("CHILDS-POSE", "childs-pose"),
        ("BALASANA", "childs-pose"),
        ("balasana", "childs-pose"),
        ("Supine hip-flexor stretch", "supine-hip-flexor"),
        ("seated spinal twist!", "seated-spinal-twist"),
    ],
)
def test_find_stretch_by_id_name_or_aka_in_any_case(catalog: Catalog, query: str, found: str) -> None:
    stretch = catalog.find_stretch(query)
    assert stretch is not None
    assert stretch.id == found


@pytest.mark.parametrize("query", ["cat-cw", "xyzzy", "child", "", "?", "  "])
def test_find_stretch_finds_nothing(catalog: Catalog, query: str) -> None:
    assert catalog.find_stretch(query) is None


def test_find_stretch_never_matches_a_name_without_letters() -> None:
    """A name or aka with no letters or digits (an emoji) must not match every punctuation-only query."""
    lotus = Stretch("lotus", "Lotus", ("hips",), "Sit.", ("Cross your legs.",), "Open hips.", Hold(30), aka=("🧘",))
    catalog = Catalog(warning="Careful.", stretches=(lotus,))
    assert catalog.find_stretch("lotus") is lotus
    assert catalog.find_stretch("?") is None
    assert catalog.find_stretch("") is None


@pytest.mark.parametrize(
    ("query", "suggestion"),
    [("cat-cw", "cat-cow"), ("CAT-CW", "cat-cow"), ("childs-pse", "childs-pose")],
)
def test_a_missing_stretch_suggests_the_closest_id(catalog: Catalog, query: str, suggestion: str) -> None:
    with pytest.raises(StretchcoachError) as caught:
        catalog.get_stretch(query)
    assert caught.value.message == f"no stretch '{query}'; did you mean '{suggestion}'?"
    assert caught.value.exit_code is ExitCode.USAGE


def test_a_missing_stretch_with_nothing_close_points_to_the_list(catalog: Catalog) -> None:
    with pytest.raises(StretchcoachError) as caught:
        catalog.get_stretch("xyzzy")
    assert caught.value.message == "no stretch 'xyzzy'; see `stretchcoach list`"


def test_a_missing_stretch_is_named_without_control_characters(catalog: Catalog) -> None:
    with pytest.raises(StretchcoachError) as caught:
        catalog.get_stretch("cat\x1b[2J")
    assert caught.value.message == "no stretch 'cat\\x1b[2J'; see `stretchcoach list`"


def test_get_stretch_finds_what_find_stretch_finds(catalog: Catalog) -> None:
    assert catalog.get_stretch("Child's Pose") is catalog.find_stretch("childs-pose")


def test_get_routine_by_id(catalog: Catalog) -> None:
    assert catalog.get_routine("back-relief") is catalog.routines[0]


def test_a_missing_routine_suggests_the_closest_id(catalog: Catalog) -> None:
    with pytest.raises(StretchcoachError) as caught:
        catalog.get_routine("back-relif")
    assert caught.value.message == "no routine 'back-relif'; did you mean 'back-relief'?"
    assert caught.value.exit_code is ExitCode.USAGE


def test_a_missing_routine_with_nothing_close_lists_the_routines(catalog: Catalog) -> None:
    with pytest.raises(StretchcoachError) as caught:
        catalog.get_routine("zzzz")
    assert caught.value.message == "no routine 'zzzz'; routines: back-relief"


def test_catalog_lookups_by_exact_id(catalog: Catalog) -> None:
    assert catalog.stretch("cat-cow") is catalog.stretches[2]
    assert catalog.stretch("Cat-Cow") is None
    assert catalog.routine("back-relief") is catalog.routines[0]
    assert catalog.routine("nope") is None
