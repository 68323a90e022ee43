from matching.regions import region_of


def test_a_written_region_is_named_as_the_gazetteer_names_it() -> None:
    assert region_of(None, None, None, "Sikaso") == "Sikasso"


def test_a_record_without_a_region_lies_in_its_village_s() -> None:
    assert region_of("Kolondiéba", None, None, None) == "Sikasso"


def test_a_village_of_many_regions_names_none() -> None:
    assert region_of("Sirakoro", None, None, None) is None


def test_a_written_region_wins_over_the_village_s() -> None:
    assert region_of("Kolondiéba", None, None, "Kayes") == "Kayes"


def test_no_place_is_no_region() -> None:
    assert region_of(None, " ", None, None) is None


def test_a_cercle_written_as_the_region_is_its_region() -> None:
    assert region_of(None, None, None, "Kati") == "Koulikoro"


def test_what_no_region_holds_is_no_region_never_the_text_as_written() -> None:
    """A search answer shows the region alone: an address must not pass for one."""
    assert region_of(None, None, None, "Rue 12 porte 5 Bamako") is None
    assert region_of(None, None, None, "Sirakoro") is None
