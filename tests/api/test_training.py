"""`nrm model train`: a model learned from reviewers' decisions replaces the current one
only when it is better on held-out decisions; its version goes with every suggestion."""

from __future__ import annotations

import csv
import json
import uuid
from collections.abc import Callable
from dataclasses import replace

import click
import numpy as np
import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from api.cli import main
from api.summaries import print_relink, print_training
from fixtures.demo import DEMO_DIR
from matching.fitting import fitted_version
from matching.learned import NotEnoughDecisions, feature_words
from models.review import DecisionKind
from models.store import Store
from models.tables import match_models
from models.users import UserRole
from service import Actor, Service, review
from service.registry import active_learned, active_model, model_status, model_version
from service.relinking import relink_all
from service.scoring import score_pairs
from service.training import decided_scores, train_model


def _truth() -> dict[str, str]:
    with (DEMO_DIR / "truth.csv").open(encoding="utf-8") as handle:
        return {r["record_id"]: r["person_id"] for r in csv.DictReader(handle)}


def _decide_by_truth(store: Store) -> int:
    """Two reviewers settle every pending suggestion of the demo set as the truth says, in
    the order of the records' ids in the file (the stored ids are random, and which pairs
    a decision leaves pending depends on the order), so every run decides the same pairs."""
    truth = _truth()
    first = Actor(store.add_user("awa", UserRole.REVIEWER)[0])
    second = Actor(store.add_user("moussa", UserRole.REVIEWER)[0])
    service = Service(store)
    decided = 0
    while queue := store.suggestion_queue({"status": "pending"}, 10_000, count=False).items:
        page = []
        for suggestion in queue:
            a, b = (
                store.get_record(suggestion["record_a"]),
                store.get_record(suggestion["record_b"]),
            )
            assert a is not None and b is not None
            page.append((sorted((a.record_id, b.record_id)), suggestion, a, b))
        for _, suggestion, a, b in sorted(page, key=lambda item: item[0]):
            if (store.get_suggestion(suggestion["id"]) or {}).get("status") != "pending":
                continue
            same = truth[a.record_id] == truth[b.record_id]
            kind = DecisionKind.MATCH if same else DecisionKind.NON_MATCH
            for reviewer in (first, second):
                current = store.get_suggestion(suggestion["id"])
                assert current is not None
                if current["status"] not in ("pending", "awaiting_second"):
                    break
                tag = service.read_suggestion(reviewer, current["id"]).etag
                try:
                    review.decide(store, reviewer, current["id"], kind, None, tag)
                except review.Conflict:
                    review.decide(
                        store,
                        reviewer,
                        current["id"],
                        DecisionKind.UNSURE,
                        None,
                        tag,
                    )
                    break
            decided += 1
    return decided


@pytest.fixture
def decided_demo(store: Store) -> Store:
    report = Service(store).import_file(DEMO_DIR / "records.csv", DEMO_DIR / "relations.csv")
    assert report.ok
    assert _decide_by_truth(store) > 200
    return store


def test_training_needs_enough_decisions(store: Store) -> None:
    with pytest.raises(NotEnoughDecisions, match="at least 100"):
        train_model(store)


def test_the_cli_says_why_it_cannot_train(tmp_path) -> None:
    db = str(tmp_path / "nrm.db")
    result = CliRunner().invoke(main, ["--lang", "en", "model", "train", "--db", db])
    assert result.exit_code == 2
    assert "at least 100" in result.output


def test_a_dry_run_reports_both_models_and_changes_nothing(decided_demo: Store) -> None:
    report = train_model(decided_demo, dry_run=True)
    assert report["holdout_size"] >= 50
    assert set(report["current"]) >= {"precision", "recall", "f1"}
    assert set(report["learned"]) >= {"precision", "recall", "f1"}
    assert report["switched"] is False
    assert decided_demo.active_model(kind="learned") is None


def _fs_model_that_merges_nothing(store: Store) -> None:
    """Make the model in use one whose prior is so low that no pair is ever a match."""
    model = replace(active_model(store), matches_per_record=1e-12)
    model = replace(model, version=fitted_version(model))
    store.save_model(model.version, model.to_json())


def test_learning_from_the_demo_decisions_beats_a_model_that_merges_nothing(
    decided_demo: Store,
) -> None:
    _fs_model_that_merges_nothing(decided_demo)
    report = train_model(decided_demo)
    assert report["learned"]["f1"] > report["current"]["f1"]
    assert report["switched"], json.dumps(report, indent=1, default=str)
    assert decided_demo.active_model(kind="learned") is not None


def test_suggestions_carry_the_version_of_the_models_in_use(decided_demo: Store) -> None:
    _fs_model_that_merges_nothing(decided_demo)
    assert train_model(decided_demo)["switched"]
    relink_all(decided_demo)
    fs, learned = active_model(decided_demo), active_learned(decided_demo)
    assert learned is not None
    pending = decided_demo.suggestion_queue({"status": "pending"}, 50).items
    assert pending, "relinking with the learned model should leave some pairs to review"
    assert {s["model_version"] for s in pending} == {model_version(fs, learned)}


def test_a_learned_model_beside_another_fs_model_is_not_used_and_is_stale(
    decided_demo: Store,
) -> None:
    """It corrects the FS model it was trained against; beside another, its corrections
    mean nothing."""
    assert train_model(decided_demo)["switched"]
    assert active_learned(decided_demo) is not None
    _fs_model_that_merges_nothing(decided_demo)
    assert active_learned(decided_demo) is None
    assert model_status(decided_demo)["learned"] == "stale"


def test_a_relink_that_refits_the_fs_model_trains_the_learned_one_again_against_it(
    decided_demo: Store,
) -> None:
    _fs_model_that_merges_nothing(decided_demo)
    assert train_model(decided_demo)["switched"]
    before = active_learned(decided_demo)
    assert before is not None
    summary = relink_all(decided_demo)
    after = active_learned(decided_demo)
    assert summary["learned"] == "trained_again"
    assert summary["learned_model"] == model_version(active_model(decided_demo), after)
    assert after is not None and after.version != before.version
    assert after.corrects == active_model(decided_demo).version != before.corrects
    assert model_status(decided_demo)["learned"] == "stored"


def test_a_relink_that_keeps_the_fs_model_keeps_the_learned_one(decided_demo: Store) -> None:
    relink_all(decided_demo)
    assert train_model(decided_demo)["switched"]
    before = active_learned(decided_demo)
    summary = relink_all(decided_demo)
    assert summary["learned"] == "kept"
    assert active_learned(decided_demo) == before


def test_an_import_that_links_everyone_again_trains_the_learned_model_and_says_what_came_of_it(
    decided_demo: Store, tmp_path
) -> None:
    """The import refits a stale FS model by linking everyone again: the learned model is
    trained against the new fit, and the import's summary and audit row say what came of
    it (on the demo's 75 held-out decisions, the new one beats the fit alone by a pair or
    two, or loses by one: `trained_again` or `set_aside`, as `learned_for` says)."""
    _fs_model_that_merges_nothing(decided_demo)
    assert train_model(decided_demo)["switched"]
    with decided_demo.engine.begin() as c:
        active = (match_models.c.active.is_(True)) & (match_models.c.kind == "fs")
        document = json.loads(c.execute(select(match_models.c.document).where(active)).scalar())
        del document["scoring"]
        c.execute(update(match_models).where(active).values(document=json.dumps(document)))
    rows = (DEMO_DIR / "records.csv").read_text(encoding="utf-8").splitlines()
    new = tmp_path / "new.csv"
    _, _, rest = rows[2].split(",", 2)
    new.write_text(f"{rows[0]}\nNEW-1,NEW-CASE-1,{rest}\n", encoding="utf-8")
    operator = Actor.operator("nrm import")
    report = Service(decided_demo).import_file(new, actor=operator)
    assert report.ok, report.errors
    assert report.linked["because"] == "stale_model"
    outcome = report.linked["learned"]
    assert outcome in ("trained_again", "set_aside")
    learned = active_learned(decided_demo)
    if outcome == "trained_again":
        assert learned is not None
        assert report.linked["learned_model"] == model_version(active_model(decided_demo), learned)
    else:
        assert learned is None and model_status(decided_demo)["learned"] == "stale"
    (row,), _ = decided_demo.audit_rows({"action": "import"}, limit=1)
    assert row["detail"]["learned"] == outcome


def test_decided_pairs_are_scored_alike_whichever_record_comes_first(
    decided_demo: Store,
) -> None:
    """A pair met in both orientations among a case's pairs was scored twice, and its
    household support counted twice: the stored ids' order decided the scores."""
    decided = decided_demo.decided_pairs()
    flipped = [
        {**d, "record_a": d["record_b"], "record_b": d["record_a"]} if k % 2 else d
        for k, d in enumerate(decided)
    ]
    model = active_model(decided_demo)
    first, second = (decided_scores(decided_demo, d, model) for d in (decided, flipped))
    assert np.array_equal(first.household, second.household)
    assert np.allclose(first.probability, second.probability)


def test_sqlite_and_postgresql_learn_the_same_model_from_the_same_decisions(
    sqlite_store: Store, postgres_store: Store
) -> None:
    """Stored ids are random: the decisions' order and the pairs' orientation must not
    come from them (a pair scored in both orientations once trained two models)."""
    versions = []
    for store in (sqlite_store, postgres_store):
        report = Service(store).import_file(DEMO_DIR / "records.csv", DEMO_DIR / "relations.csv")
        assert report.ok
        _decide_by_truth(store)
        _fs_model_that_merges_nothing(store)
        first = train_model(store)["new_model"]
        versions.append((first, relink_all(store)["learned_model"]))
    assert versions[0] == versions[1]


def test_a_learned_model_is_judged_at_the_threshold_that_will_merge_with_it(
    decided_demo: Store,
) -> None:
    """Its probabilities are cut at the match model's threshold, so is its F1."""
    _fs_model_that_merges_nothing(decided_demo)
    train_model(decided_demo)
    learned = active_learned(decided_demo)
    assert learned is not None
    assert learned.threshold == active_model(decided_demo).match_threshold


def test_a_suggestion_says_what_the_learned_model_moved(decided_demo: Store) -> None:
    """Beside the fields' weights, how far the reviewers' model moved the odds, in French
    and English."""
    _fs_model_that_merges_nothing(decided_demo)
    assert train_model(decided_demo)["switched"]
    relink_all(decided_demo)
    pending = decided_demo.suggestion_queue({"status": "pending"}, 200).items
    learned = [r for s in pending for r in s["reasons"] if r["field"] == "learned"]
    assert learned
    assert all(r["level"] in ("raised", "lowered") for r in learned)
    assert all(r["fr"].startswith("appris des relecteurs") for r in learned)
    assert all(r["en"].startswith("learned from reviewers") for r in learned)


def test_two_records_linked_by_hand_are_scored_with_the_learned_model(
    decided_demo: Store,
) -> None:
    """A reviewer's direct link scores the pair as linking would, learned model included."""
    _fs_model_that_merges_nothing(decided_demo)
    report = train_model(decided_demo)
    assert report["switched"]
    first, second = decided_demo.list_records({}, limit=2).items[:2]
    reviewer = Actor(decided_demo.add_user("kadia", UserRole.REVIEWER)[0])
    done = review.link_records(
        decided_demo, reviewer, first.id, second.id, DecisionKind.NON_MATCH, None
    )
    assert done.suggestion is not None
    stored = decided_demo.get_suggestion(uuid.UUID(str(done.suggestion["id"])))
    assert stored is not None and stored["model_version"] == report["new_model"]


def test_the_report_says_what_the_decisions_taught_in_both_languages(decided_demo: Store) -> None:
    report = train_model(decided_demo, dry_run=True)
    assert 0 < len(report["lessons"]) <= 6
    weights = [abs(lesson["weight"]) for lesson in report["lessons"]]
    assert weights == sorted(weights, reverse=True)
    for lesson in report["lessons"]:
        assert lesson["feature"] != "fs_log_odds"
        assert lesson["fr"] and lesson["en"] and lesson["fr"] != lesson["en"]
    assert isinstance(report["fs_weight"], float)


def _said(show: Callable[[], None], lang: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """What `show` prints through click, in `lang`."""
    monkeypatch.setenv("NRM_LANG", lang)
    return CliRunner().invoke(click.command()(show)).output


@pytest.mark.parametrize(
    ("lang", "heading", "line"),
    [
        ("fr", "ce que les décisions corrigent", "  prénom : prénoms différents  -2,5"),
        ("en", "what the decisions correct", "  given names: different given names  -2.5"),
    ],
)
def test_the_cli_prints_the_lessons_in_the_users_language(
    monkeypatch: pytest.MonkeyPatch, lang: str, heading: str, line: str
) -> None:
    fr, en = feature_words("given_names=different")
    report = {
        "train_size": 300,
        "holdout_size": 100,
        "holdout_positives": 40,
        "holdout_negatives": 60,
        "judged_on": "held_out",
        "current_model": "fs",
        "new_model": "fs+learned",
        "current": {"precision": 0.5, "recall": 0.5, "f1": 0.5},
        "learned": {"precision": 0.9, "recall": 0.8, "f1": 0.85},
        "current_log_loss": 0.69,
        "learned_log_loss": 0.41,
        "fs_weight": 0.46,
        "lessons": [{"feature": "given_names=different", "weight": -2.5, "fr": fr, "en": en}],
        "switched": True,
    }
    output = _said(lambda: print_training(report, dry_run=False), lang, monkeypatch)
    assert heading in output
    assert line in output.splitlines()


@pytest.mark.parametrize(
    ("lang", "state", "words"),
    [
        ("fr", "trained_again", "entraîné à nouveau sur les mêmes décisions"),
        ("en", "trained_again", "trained again against the refitted model"),
        ("fr", "set_aside", "n'est plus utilisé (`nrm model train` dit pourquoi)"),
        ("en", "set_aside", "is set aside (`nrm model train` says why)"),
        ("fr", "too_few", "il reste trop peu de décisions pour l'entraîner à nouveau"),
        ("en", "too_few", "too few decisions are left to train it again"),
    ],
)
def test_a_relink_says_what_became_of_the_learned_model(
    monkeypatch: pytest.MonkeyPatch, lang: str, state: str, words: str
) -> None:
    summary = {
        "records": 10,
        "pairs": 4,
        "match": 1,
        "review": 1,
        "entities": 9,
        "keys_written": 10,
        "keys_kept": 0,
        "learned": state,
    }
    assert words in _said(lambda: print_relink(summary), lang, monkeypatch)


def test_decided_pairs_are_scored_with_their_cases_other_members(decided_demo: Store) -> None:
    """As linking scores them: household support counts the matches between the other
    members of a pair's two cases, which the decided pairs alone do not hold."""
    decided = decided_demo.decided_pairs()
    model = active_model(decided_demo)
    with_cases = decided_scores(decided_demo, decided, model)
    ids = {i for d in decided for i in (d["record_a"], d["record_b"])}
    pairs = [(d["record_a"], d["record_b"]) for d in decided]
    alone = score_pairs(
        decided_demo.records_by_ids(ids), pairs, model, decided_demo.estimated_record_count()
    )[3]
    assert len(with_cases.household) == len(decided)
    assert (with_cases.household != 0).sum() > (alone.household != 0).sum()
