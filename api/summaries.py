"""What the `nrm` commands print when not asked for JSON, in the user's language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from api.clikit import _, counted, current_language, decimal, label, ngettext

MAX_PRINTED_ERRORS = 1000

_WHOLE_POPULATION = {
    "share": lambda: _(
        "the whole population was linked again: the records to link are half of it or more"
    ),
    "refit": lambda: _(
        "the whole population was linked again and the model refitted: the population "
        "has doubled since the model was fitted"
    ),
    "stale_model": lambda: _(
        "the whole population was linked again and the model refitted: the stored model "
        "was fitted by an older version of the code"
    ),
    "cost": lambda: _(
        "the whole population was linked again: that is quicker than comparing each new "
        "record with its stored candidates"
    ),
}
"""Why an import linked the whole population (`service.linking.whole_population_reason`);
nothing is said of the first import."""


def _say_graph_dropped(summary: dict[str, Any]) -> None:
    """After the whole population was linked again, the family graph a query needs."""
    if (summary.get("graph") or {}).get("dropped"):
        click.echo(
            _(
                "the family graph was dropped: the first relatives query builds it again "
                "(or `nrm graph rebuild` beforehand)"
            )
        )


def _say_learned(linked: dict[str, Any]) -> None:
    """After the Fellegi-Sunter model was fitted again, what became of the learned one
    (`service.training.learned_for`): its corrections were of the model before."""
    state = linked.get("learned")
    if state == "trained_again":
        click.echo(
            _(
                "the model learned from reviewers' decisions was trained again against the "
                "refitted model, on the same decisions, and is in use"
            )
        )
    elif state == "too_few":
        click.echo(
            _(
                "the model learned from reviewers' decisions corrected the model before the "
                "refit, and too few decisions are left to train it again: it is set aside"
            )
        )
    elif state == "set_aside":
        click.echo(
            _(
                "the model learned from reviewers' decisions corrected the model before the "
                "refit; trained again, it did not beat the refitted model on held-out "
                "decisions and is set aside (`nrm model train` says why)"
            )
        )


def print_import(summary: dict[str, Any]) -> None:
    """An import's summary (`ImportReport.as_dict`, already in the user's language)."""
    if not summary["ok"]:
        count = summary["error_count"]
        click.echo(
            ngettext(
                "{file}: {count} error; nothing was loaded.",
                "{file}: {count} errors; nothing was loaded.",
                count,
            ).format(file=summary["file"], count=count),
            err=True,
        )
        _listed(summary["errors"], count, err=True)
        _warnings(summary, strict=False)  # refused: it would not load, --strict or not
        return
    _warnings(summary, loaded=not summary["dry_run"])
    if summary["dry_run"]:
        rows, relations = summary["rows"], summary.get("relation_rows", 0)
        valid = ngettext(
            "{file}: {rows} row is valid", "{file}: {rows} rows are valid", rows
        ).format(file=summary["file"], rows=rows)
        if relations:
            valid += ngettext(
                ", and {count} relation row", ", and {count} relation rows", relations
            ).format(count=relations)
        click.echo(valid + _(" (dry run: no write)"))
        return
    click.echo(
        _("{file}: {rows}: {new}, {changed}, {unchanged}; {relations}").format(
            file=summary["file"],
            rows=counted(summary["rows"], "{count} row", "{count} rows"),
            new=counted(summary["new"], "{count} new", "{count} new"),
            changed=counted(summary["changed"], "{count} changed", "{count} changed"),
            unchanged=counted(summary["unchanged"], "{count} unchanged", "{count} unchanged"),
            relations=counted(
                summary["relations"], "{count} relation added", "{count} relations added"
            ),
        )
    )
    linked = summary.get("linked")
    if linked:
        click.echo(
            _("linked: {records}, {pairs}, {match}, {review}, {entities}").format(
                records=counted(
                    linked["records"], "{count} record compared", "{count} records compared"
                ),
                pairs=counted(linked["pairs"], "{count} candidate pair", "{count} candidate pairs"),
                **_outcome(linked),
            )
        )
    because = _WHOLE_POPULATION.get(linked.get("because")) if linked else None
    if because:
        click.echo(because())
    if linked:
        _say_learned(linked)
    _say_graph_dropped(summary)
    if linked and linked.get("keys_rebuilt"):
        click.echo(
            _(
                "blocking keys rebuilt for this version of the code ({records} records); "
                "persons, suggestions and decisions unchanged"
            ).format(records=linked["keys_rebuilt"]["records"])
        )
    flags = summary.get("flags") or {}
    if flags.get("count"):
        persons = flags.get("persons", flags["count"])
        click.echo(
            ngettext(
                "{count} person already identified, returned or sought appears again "
                "(see the Flags page, /flagged):",
                "{count} persons already identified, returned or sought appear again "
                "(see the Flags page, /flagged):",
                persons,
            ).format(count=persons)
        )
        for flag in flags["items"]:
            records = ", ".join(flag["evidence"])
            line = _("{flag}: {person} ({records})").format(
                flag=label(flag["flag"]), person=flag["entity_id"] or "-", records=records
            )
            click.echo("  " + line)
    if summary.get("pending"):
        click.echo(
            ngettext(
                "{count} record waits for a person: the next import links it (or `nrm relink`)",
                "{count} records wait for a person: the next import links them (or `nrm relink`)",
                summary["pending"],
            ).format(count=summary["pending"])
        )


def _warnings(summary: dict[str, Any], strict: bool = True, loaded: bool = True) -> None:
    """The warnings (each says what was kept or not read); `strict`: say that --strict
    would refuse the file, when some of its warnings are of values it refuses (an
    unreadable date or age); `loaded`: whether the file was loaded (not refused, not a
    dry run)."""
    count = summary.get("warning_count", 0)
    if not count:
        return
    strict = strict and bool(summary.get("strict_refuses"))  # else --strict loads it too
    if strict and not loaded:
        line = ngettext(
            "{file}: {count} warning; the file would load as it says (--strict refuses it instead)",
            "{file}: {count} warnings; the file would load as they say (--strict refuses it "
            "instead)",
            count,
        )
    elif strict:
        line = ngettext(
            "{file}: {count} warning; the file loads as it says (--strict refuses it instead)",
            "{file}: {count} warnings; the file loads as they say (--strict refuses it instead)",
            count,
        )
    else:
        line = ngettext("{file}: {count} warning", "{file}: {count} warnings", count)
    click.echo(line.format(file=summary["file"], count=count), err=True)
    _listed(summary["warnings"], count, err=True)


def _listed(lines: list[str], count: int, err: bool) -> None:
    for line in lines[:MAX_PRINTED_ERRORS]:
        click.echo(f"  {line}", err=err)
    hidden = count - min(len(lines), MAX_PRINTED_ERRORS)
    if hidden > 0:
        click.echo("  " + _("… and {count} more").format(count=hidden), err=err)


def print_link_errors(records: Path, errors: list[str]) -> None:
    click.echo(
        ngettext("{file}: {count} error", "{file}: {count} errors", len(errors)).format(
            file=records, count=len(errors)
        ),
        err=True,
    )
    _listed(errors, len(errors), err=True)


def _outcome(linked: dict[str, Any]) -> dict[str, str]:
    """What a link made of its pairs, as the link, relink and import summaries say it:
    matches, pairs for review and entities, each counted in its words."""
    return {
        "match": counted(linked["match"], "{count} match", "{count} matches"),
        "review": counted(linked["review"], "{count} for review", "{count} for review"),
        "entities": counted(linked["entities"], "{count} entity", "{count} entities"),
    }


def print_link(summary: dict[str, Any], out: Path, records: Path) -> None:
    _warnings({**summary, "file": records}, strict=False)
    click.echo(
        _("{records} → {entities}; {pairs} ({match}, {review}) in {seconds} s → {out}").format(
            records=counted(summary["records"], "{count} record", "{count} records"),
            pairs=counted(summary["pairs"], "{count} scored pair", "{count} scored pairs"),
            **_outcome(summary),
            seconds=decimal(summary["seconds"], 1),
            out=out,
        )
    )


def print_relink(summary: dict[str, Any]) -> None:
    click.echo(
        _("{records}, {pairs} ({match}, {review}), {entities}").format(
            records=counted(summary["records"], "{count} record", "{count} records"),
            pairs=counted(summary["pairs"], "{count} pair", "{count} pairs"),
            **_outcome(summary),
        )
    )
    written = summary["keys_written"]
    click.echo(
        ngettext(
            "blocking keys written again for {written} record, kept for {kept}",
            "blocking keys written again for {written} records, kept for {kept}",
            written,
        ).format(written=written, kept=summary["keys_kept"])
    )
    _say_learned(summary)
    _say_graph_dropped(summary)


def print_training(report: dict[str, Any], dry_run: bool) -> None:
    current, new = report["current"], report["learned"]
    held = (
        counted(
            report["holdout_size"],
            "{count} of the queue's random share to judge",
            "{count} of the queue's random share to judge",
        )
        if report["judged_on"] == "sample"
        else counted(report["holdout_size"], "{count} held out", "{count} held out")
    )
    click.echo(
        _("{train}, {held} ({positives}, {negatives})").format(
            train=counted(
                report["train_size"], "{count} decision to train", "{count} decisions to train"
            ),
            held=held,
            positives=counted(
                report["holdout_positives"], "{count} confirmed", "{count} confirmed"
            ),
            negatives=counted(report["holdout_negatives"], "{count} rejected", "{count} rejected"),
        )
    )
    for which, name, scores, loss in (
        (_("current"), report["current_model"], current, report["current_log_loss"]),
        (_("new"), report["new_model"], new, report["learned_log_loss"]),
    ):
        click.echo(
            _(
                "{label} {name}: precision {precision} recall {recall} F1 {f1} log loss {loss}"
            ).format(
                label=f"{which:<7}",
                name=name,
                precision=decimal(scores["precision"], 3),
                recall=decimal(scores["recall"], 3),
                f1=decimal(scores["f1"], 3),
                loss=decimal(loss, 3),
            )
        )
    click.echo(
        _(
            "what the decisions correct in the fields' weights "
            "(log2 odds; share of the fields' weight kept: {kept})"
        ).format(kept=decimal(report["fs_weight"], 2))
    )
    french = current_language() == "fr"
    for lesson in report["lessons"]:
        sign = "+" if lesson["weight"] > 0 else ""
        click.echo(f"  {lesson['fr' if french else 'en']}  {sign}{decimal(lesson['weight'], 1)}")
    if report["switched"]:
        click.echo(_("the new model is better: it is now in use"))
    elif dry_run:
        click.echo(_("dry run: nothing changed"))
    else:
        click.echo(_("the new model is not better: the current one stays in use"))


def print_calibration(report: dict[str, Any]) -> None:
    """The engine's calibration on the queue's random share, a band per line."""
    click.echo(
        _("queue's random share (one suggestion in {every}): {decided}, {unsure}, {open}").format(
            every=round(1 / report["share"]),
            decided=counted(report["decided"], "{count} decided", "{count} decided"),
            unsure=counted(report["unsure"], "{count} unsure", "{count} unsure"),
            open=counted(report["open"], "{count} open", "{count} open"),
        )
    )
    for band in report["bands"]:
        low, high = (decimal(edge, 1) for edge in band["band"])
        if not band["decisions"]:
            click.echo(_("{low} to {high}: no decision yet").format(low=low, high=high))
            continue
        click.echo(
            _(
                "{low} to {high}: {decisions}, the engine said {predicted}, reviewers "
                "confirmed {observed} ({interval_low} to {interval_high})"
            ).format(
                low=low,
                high=high,
                decisions=counted(band["decisions"], "{count} decision", "{count} decisions"),
                predicted=decimal(band["predicted"], 2),
                observed=decimal(band["observed"], 2),
                interval_low=decimal(band["interval"][0], 2),
                interval_high=decimal(band["interval"][1], 2),
            )
        )


def print_hits(hits: list[dict[str, Any]], none_found: str) -> None:
    """Ranked persons of a search or a tracing search, with their reasons; `none_found`
    (already translated) when there is none."""
    if not hits:
        click.echo(none_found)
    for rank, hit in enumerate(hits, start=1):
        click.echo(
            _("{rank}. {name} ({sex}, {age_band}, {region}) score {score} entity {entity}").format(
                rank=f"{rank:>2}",
                name=hit["name"],
                sex=hit["sex"] or "?",
                age_band=hit["age_band"],
                region=hit["region"] or _("region unknown"),
                score=decimal(hit["score"]),
                entity=hit["entity_id"],
            )
        )
        if hit.get("named_suspect"):
            click.echo("      " + _("WARNING: a record names this person as a suspect in a case"))
        for reason in hit["reasons"]:
            click.echo(f"      {reason}")
