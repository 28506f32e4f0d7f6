"""The rounds of a synthetic data folder: answers, plan status, participation,
statements, codings and narrative of every round (see :mod:`evaluation.data.synth`,
which writes the folder and documents how the values are drawn).
"""
from __future__ import annotations

import csv
import io
from typing import NamedTuple

import numpy as np

from .. import config
from .contract import NARRATIVE_SECTIONS, PHASES, QUOTE_THEMES, ROUND_FILES
from .instrument import Instrument
from .round_add import narrative_skeleton
from .synth_codings import codings_text

__all__ = ["Panel", "round_files", "csv_text"]


class Panel(NamedTuple):
    """The synthetic municipalities: names, how the last round met each of
    them (``interview`` or ``survey``) and whether each had a plan before."""

    names: list[str]
    modes: np.ndarray
    had_plan: np.ndarray


# Response model (score units).
_START_MEAN = 2.1
_END_MEAN = 3.1
_CONTEXT_MEAN = 2.2
_MUNICIPALITY_SD = 0.45
_SLOPE_SD = 0.3
_ITEM_SD = 0.2
_NOISE_SD = 0.55
_PLAN_BEFORE_BONUS = 0.3
_DONT_KNOW_SHARE = 0.03
# Plan model (round units, relative to the span of the rounds).
_STEP_SCALE = 0.3
#: Plan statuses by rank: 0 not started, 1 in progress, 2 done.
_STATUS_BY_RANK = ("ikke_paabegyndt", "i_proces", "gennemfoert")

_MUNICIPAL_ROLES = ("Koordinator", "Afdelingsleder", "SSP-konsulent", "Leder af familieafdelingen")
_CENTRE_ROLE = "Projektleder i centret"
_FILL = {
    "partner": ("politiet", "kriminalforsorgen", "de boligsociale medarbejdere", "de lokale foreninger"),
    "forvaltninger": (
        "Skoleområdet og socialområdet",
        "Jobcentret og ungdomsskolen",
        "Sundhedsplejen og familieafdelingen",
    ),
    "interval": ("hver måned", "hvert kvartal", "hvert halve år"),
}
# Illustrative statements, written for this module; none is a real quotation.
_TEMPLATES = {
    "ledelsesforankring": (
        "Handlingsplanen er et fast punkt på styregruppens møder {interval}, så ansvaret ligger tydeligt hos ledelsen.",
        "Vi har aftalt, hvem der træffer beslutningen i en sag, og det gør arbejdet mindre afhængigt af enkeltpersoner.",
        "Ledelsen har prioriteret området, men det kræver opmærksomhed, når andre opgaver presser sig på.",
    ),
    "beredskab": (
        "Vi har holdt en øvelse sammen med {partner}, og den viste, hvor vores procedurer skulle strammes op.",
        "Medarbejderne ved nu, hvem de skal kontakte, hvis de bliver bekymrede for en borger.",
        "Beredskabsplanen er skrevet færdig, men vi har endnu ikke prøvet den af i praksis.",
    ),
    "indsatser": (
        "Vi har samlet vores tilbud i en oversigt, så vi hurtigere finder den rette indsats til en borger.",
        "Mentorforløbene er kommet godt i gang, mens indsatserne for familierne stadig er under udvikling.",
        "Vi mangler fortsat et tilbud til de unge voksne, som er vokset ud af vores ungdomsindsatser.",
    ),
    "internt_samarbejde": (
        "{forvaltninger} mødes nu {interval} og drøfter konkrete bekymringer sammen.",
        "Samarbejdet på tværs afhænger stadig meget af, hvem der sidder i stillingerne.",
        "Vi har fået én fælles indgang for bekymringshenvendelser, så sagerne ikke falder mellem to stole.",
    ),
    "eksternt_samarbejde": (
        "Kontakten til {partner} er blevet fastere, og vi ringer til hinanden, før en sag vokser sig stor.",
        "Samarbejdet med {partner} fungerede allerede godt, så her har vi ikke set den store forandring.",
        "Vi har en skriftlig aftale om, hvordan vi deler viden med {partner} inden for lovens rammer.",
    ),
    "kompetencer": (
        "Efter kurserne er medarbejderne bedre til at skelne mellem almindeligt ungdomsoprør og reel bekymring.",
        "Der er kommet mange nye kolleger til, og de mangler endnu den grundlæggende introduktion.",
        "Vi vurderer os selv mere forsigtigt nu, fordi vi har fået øje på, hvor meget vi ikke vidste.",
    ),
    "centrets_arbejde": (
        "Vi bruger parathedsvurderingen som udgangspunkt, når vi begynder samarbejdet med en ny kommune.",
        "Vi har lært at lede processen i kommunen i stedet for selv at skrive planen.",
        "Scenarietræning er blevet et fast tilbud, som kommunerne bruger til at afprøve deres beredskab.",
    ),
}
_CENTRE_THEMES = ("centrets_arbejde",)


def csv_text(header: list[str], rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _response_codes(rng: np.random.Generator, n_rounds: int, had_plan: np.ndarray, is_context: np.ndarray, codes: tuple[int, int]) -> np.ndarray:
    """Return answer codes, shape (rounds, municipalities, items)."""
    n_munis, n_items = len(had_plan), len(is_context)
    progress = np.linspace(0.0, 1.0, n_rounds)[:, None, None]
    level = rng.normal(0.0, _MUNICIPALITY_SD, n_munis) + _PLAN_BEFORE_BONUS * had_plan
    slope = rng.normal(0.0, _SLOPE_SD, n_munis)
    offset = rng.normal(0.0, _ITEM_SD, n_items)
    noise = rng.normal(0.0, _NOISE_SD, (n_rounds, n_munis, n_items))
    drift = _START_MEAN + (_END_MEAN - _START_MEAN) * progress + slope[None, :, None] * progress
    mean = np.where(is_context[None, None, :], _CONTEXT_MEAN, drift)
    latent = mean + level[None, :, None] + offset[None, None, :] + noise
    scores = np.clip(np.rint(latent), codes[0], codes[1]).astype(int)
    dont_know = rng.random(scores.shape) < _DONT_KNOW_SHARE
    return np.where(dont_know, config.DONT_KNOW_CODE, scores)


def _plan_ranks(rng: np.random.Generator, n_rounds: int, had_plan: np.ndarray) -> np.ndarray:
    """Return status ranks (0 not started, 1 in progress, 2 done), shape (rounds, municipalities, phases)."""
    n_munis = len(had_plan)
    span = n_rounds - 1
    start = rng.uniform(-0.5, 0.3 * span, n_munis)
    steps = rng.exponential(_STEP_SCALE * span, (n_munis, len(PHASES)))
    # Municipalities with a plan before the project had it drafted before round 1.
    start = np.where(had_plan, -1.0 - steps[:, 0], start)
    events = start[:, None] + np.concatenate([np.zeros((n_munis, 1)), np.cumsum(steps, axis=1)], axis=1)
    time = np.arange(n_rounds, dtype=float)[:, None, None]
    begun = time >= events[None, :, :-1]
    done = time >= events[None, :, 1:]
    return begun.astype(int) + done.astype(int)


def _plan_text(r: int, names: list[str], ranks: np.ndarray) -> str:
    rows = (
        (name, phase, _STATUS_BY_RANK[ranks[r, m, p]])
        for m, name in enumerate(names)
        for p, phase in enumerate(PHASES)
    )
    return csv_text(["municipality", "phase", "status"], rows)


def _narrative_text(parameters: list[str]) -> str:
    """A filled narrative: every required section says the text is made up."""
    body = ("Syntetisk tekst: data i denne mappe er opdigtede, og afsnittet står her, for at et memo af "
            "{{ followup.definite }} kan bygges.")
    text = narrative_skeleton(parameters)
    for section, (required, _hint) in NARRATIVE_SECTIONS.items():
        if required:
            text = text.replace(f"[[{section}]]\n", f"[[{section}]]\n{body}\n", 1)
    return text


def _quotes_text(rng: np.random.Generator, names: list[str]) -> str:
    rows = []
    for theme in QUOTE_THEMES:
        for template in _TEMPLATES[theme]:
            fill = {slot: str(rng.choice(values)) for slot, values in _FILL.items()}
            if theme in _CENTRE_THEMES:
                role, muni = _CENTRE_ROLE, ""
            else:
                role, muni = str(rng.choice(_MUNICIPAL_ROLES)), names[int(rng.integers(len(names)))]
            rows.append((theme, role, muni, template.format(**fill)))
    return csv_text(["theme", "role", "municipality", "text"], rows)


def round_files(rng: np.random.Generator, panel: Panel, keys: list[str], instrument: Instrument,
                seed: int) -> dict[str, str]:
    """Return every round's files as relative path -> text.

    Draws the answers, then the plan status, then the statements from
    ``rng`` (in this order, so the same seed gives the same files); the
    codings come from their own generator (:func:`~evaluation.data.synth_codings.codings_text`).
    Earlier rounds were surveys only; the last one interviewed the
    municipalities whose mode is ``interview``, and its statements and
    codings belong to those interviews.
    """
    names, modes = panel.names, panel.modes
    items = instrument.items["item"].tolist()
    is_context = (instrument.items["kind"] == "context").to_numpy()
    valid = instrument.valid_codes
    codes = _response_codes(rng, len(keys), panel.had_plan, is_context, (min(valid), max(valid)))
    ranks = _plan_ranks(rng, len(keys), panel.had_plan)
    interviews = [n for n, m in zip(names, modes) if m == "interview"]
    codings = codings_text(seed, interviews, instrument.parameters)
    quotes = _quotes_text(rng, interviews or names)
    files = {}
    for r, key in enumerate(keys):
        rows = ((name, item, int(codes[r, m, i])) for m, name in enumerate(names) for i, item in enumerate(items))
        last = r == len(keys) - 1
        folder = f"{config.ROUNDS_SUBDIR}/{key}"
        files[f"{folder}/responses.csv"] = csv_text(["municipality", "item", "score"], rows)
        files[f"{folder}/plan_status.csv"] = _plan_text(r, names, ranks)
        files[f"{folder}/participation.csv"] = csv_text(
            ["municipality", "mode"], zip(names, modes if last else ["survey"] * len(names)))
        files[f"{folder}/quotes.csv"] = quotes if last else csv_text(["theme", "role", "municipality", "text"], [])
        files[f"{folder}/codings.csv"] = codings if last else csv_text(list(ROUND_FILES["codings.csv"]), [])
        files[f"{folder}/narrative.md"] = _narrative_text(instrument.parameters)
    return files
