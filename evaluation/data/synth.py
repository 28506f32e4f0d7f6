"""Write a synthetic data folder in the data contract, for tests and benchmarks.

Use::

    evaluation synth --municipalities 98 --rounds 5 --seed 1 --out DIR

The folder holds every file of ``data/README.md``: the bundled instrument
(items and scale copied unchanged), ``rounds`` rounds six months apart from
2017-09-01 (``runde-1`` ...), ``municipalities`` pseudonymised municipalities
(``Kommune 001`` ...), and one folder per round (``rounds/<key>/``) with
answers in which every municipality answers every item, the plan status of
every municipality and phase, the participation (earlier rounds were surveys;
the last round interviewed half of the municipalities), a few illustrative
statements per quote theme in the last round (from interviewed
municipalities only), and a narrative whose required sections say the text
is synthetic, so a final memo can be built of any pair.  Nothing in it is a real
answer: the YAML files start with a comment saying so, ``rounds.yml`` carries
``synthetic: true`` and the seed, and ``SYNTHETIC.txt`` records the
parameters (CSV files cannot hold comments in the contract).

How the values are drawn (one :class:`numpy.random.Generator` seeded with
``seed``, so the same arguments give byte-identical files):

- scores of the parameter items drift from a mean of about 2.1 in the first
  round to about 3.1 in the last; each municipality has its own level and its
  own extra slope, each item its own offset, and every answer gets noise;
  the result is rounded and clipped to the valid codes 1-4.  Context items
  do not drift.  About 3 % of the answers are "ved ikke" (code 0);
- plan status follows four event times per municipality (drafting starts,
  drafting done = approval starts, approval done = roll-out starts, roll-out
  done), so a phase never falls back from one round to the next and a later
  phase is never further than an earlier one;
- quotes are filled in from templates written for this module;
- the codebook is the bundled ``data/codebook.yml``; in the last round each
  interviewed municipality is coded with each municipality code with
  probability 0.4, and the centre with each centre code with probability
  0.7 (drawn from a second generator seeded with ``[seed, 1]``, so the
  answers are the same as without codings).  Earlier rounds have none.

>>> import pathlib, tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     folder = write_synthetic(pathlib.Path(tmp) / "synth", municipalities=3, rounds=2)
...     sorted(p.name for p in (folder / "rounds" / "runde-2").iterdir())
['codings.csv', 'narrative.md', 'participation.csv', 'plan_status.csv', 'quotes.csv', 'responses.csv']
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import secrets
import shutil
from pathlib import Path

import numpy as np
import yaml

from .. import config
from ..checks import check_number, fail
from .contract import NARRATIVE_SECTIONS, PHASES, QUOTE_THEMES, ROUND_FILES
from .instrument import load_instrument
from .round_add import narrative_skeleton
from .synth_codings import codings_text, codebook_text

__all__ = [
    "MARKER_FILE",
    "MUNICIPALITIES_RANGE",
    "ROUNDS_RANGE",
    "write_synthetic",
]

#: Name of the marker file that says the folder is synthetic.
MARKER_FILE = "SYNTHETIC.txt"
#: Allowed numbers of municipalities and rounds (inclusive).
MUNICIPALITIES_RANGE = (1, 9999)
ROUNDS_RANGE = (2, 50)
_SEED_MAX = 2**63 - 1

_FIRST_DATE = dt.date(2017, 9, 1)
_MONTHS_BETWEEN_ROUNDS = 6
_MONTHS_DA = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)

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
# Municipality attributes.
_HAD_PLAN_SHARE = 0.2
_ADVICE_SHARE = 0.4
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


# --------------------------------------------------------------------- text helpers
def _banner(seed: int) -> str:
    return f"# SYNTHETIC DATA generated by evaluation synth (seed {seed}) - not real answers\n"


def _csv_text(header: list[str], rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _round_date(index: int) -> dt.date:
    months = _FIRST_DATE.month - 1 + _MONTHS_BETWEEN_ROUNDS * index
    return dt.date(_FIRST_DATE.year + months // 12, months % 12 + 1, _FIRST_DATE.day)


# --------------------------------------------------------------------- file contents
def _instrument_text(seed: int) -> str:
    path = config.DATA_DIR / "instrument.yml"
    with open(path, encoding="utf-8-sig") as fh:
        body = fh.read()
    note = "# Items and scale copied unchanged from the bundled data/instrument.yml.\n"
    return _banner(seed) + note + body


def _rounds_text(keys: list[str], seed: int) -> str:
    entries = []
    for i, key in enumerate(keys):
        date = _round_date(i)
        entries.append(
            {
                "key": key,
                "label": f"Runde {i + 1}",
                "definite": f"runde {i + 1}",
                "date": date,
                "description": f"Syntetisk runde, {_MONTHS_DA[date.month - 1]} {date.year}",
            }
        )
    content = {"synthetic": True, "seed": seed, "rounds": entries}
    return _banner(seed) + yaml.safe_dump(content, sort_keys=False, allow_unicode=True, default_flow_style=False)


def _municipalities(rng: np.random.Generator, n: int) -> tuple[list[str], np.ndarray, np.ndarray, str]:
    width = max(3, len(str(n)))
    names = [f"Kommune {i:0{width}d}" for i in range(1, n + 1)]
    modes = np.array(["interview", "survey"])[np.arange(n) % 2]
    modes = rng.permutation(modes)
    had_plan = rng.random(n) < _HAD_PLAN_SHARE
    advice = rng.random(n) < _ADVICE_SHARE
    rows = zip(names, np.where(had_plan, "true", "false"), np.where(advice, "true", "false"))
    text = _csv_text(["municipality", "had_plan_before", "used_centre_advice"], rows)
    return names, modes, had_plan, text


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
    return _csv_text(["municipality", "phase", "status"], rows)


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
    return _csv_text(["theme", "role", "municipality", "text"], rows)


def _marker_text(municipalities: int, rounds: int, seed: int) -> str:
    return (
        "SYNTHETIC DATA generated by evaluation synth - not real answers.\n"
        "Every file in this folder is made up; none holds a municipality's real answers.\n"
        f"seed: {seed}\n"
        f"municipalities: {municipalities}\n"
        f"rounds: {rounds}\n"
        "instrument: items and scale copied from the bundled data/instrument.yml\n"
        f"command: evaluation synth --municipalities {municipalities} --rounds {rounds} --seed {seed} --out DIR\n"
    )


def _build(municipalities: int, rounds: int, seed: int) -> dict[str, str]:
    """Return the folder's files as relative path -> text."""
    instrument = load_instrument(config.DATA_DIR)
    items = instrument.items["item"].tolist()
    is_context = (instrument.items["kind"] == "context").to_numpy()
    valid = instrument.valid_codes
    rng = np.random.default_rng(seed)
    keys = [f"runde-{i}" for i in range(1, rounds + 1)]
    names, modes, had_plan, munis_text = _municipalities(rng, municipalities)
    codes = _response_codes(rng, rounds, had_plan, is_context, (min(valid), max(valid)))
    ranks = _plan_ranks(rng, rounds, had_plan)
    interviewed = [n for n, m in zip(names, modes) if m == "interview"] or names
    files = {
        "instrument.yml": _instrument_text(seed),
        "rounds.yml": _rounds_text(keys, seed),
        "municipalities.csv": munis_text,
        MARKER_FILE: _marker_text(municipalities, rounds, seed),
        config.CODEBOOK_FILE: _banner(seed) + codebook_text(),
    }
    interviews = [n for n, m in zip(names, modes) if m == "interview"]
    codings = codings_text(seed, interviews, instrument.parameters)
    # Earlier rounds were surveys only; the last one interviewed half of the
    # municipalities.  Statements belong to the last round's interviews.
    quotes = _quotes_text(rng, interviewed)
    for r, key in enumerate(keys):
        rows = ((name, item, int(codes[r, m, i])) for m, name in enumerate(names) for i, item in enumerate(items))
        last = r == len(keys) - 1
        folder = f"{config.ROUNDS_SUBDIR}/{key}"
        files[f"{folder}/responses.csv"] = _csv_text(["municipality", "item", "score"], rows)
        files[f"{folder}/plan_status.csv"] = _plan_text(r, names, ranks)
        files[f"{folder}/participation.csv"] = _csv_text(
            ["municipality", "mode"], zip(names, modes if last else ["survey"] * len(names)))
        files[f"{folder}/quotes.csv"] = quotes if last else _csv_text(["theme", "role", "municipality", "text"], [])
        files[f"{folder}/codings.csv"] = codings if last else _csv_text(list(ROUND_FILES["codings.csv"]), [])
        files[f"{folder}/narrative.md"] = _narrative_text(instrument.parameters)
    return files


# --------------------------------------------------------------------- public
def _check_out(out: object) -> Path:
    if not isinstance(out, (str, os.PathLike)) or not os.fspath(out):
        fail("out", out, "a folder path (str or path)")
    target = Path(out).resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        fail("out", os.fspath(out), "a folder that does not exist yet or is empty")
    return target


def _sibling_folder(target: Path) -> Path:
    """Create and return a new hidden folder next to ``target`` (mode from the umask)."""
    while True:
        tmp = target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp"
        try:
            tmp.mkdir()
        except FileExistsError:
            continue
        return tmp


def write_synthetic(out: str | os.PathLike, *, municipalities: int = 98, rounds: int = 5, seed: int = 1) -> Path:
    """Write a complete synthetic data folder to ``out``.

    Parameters
    ----------
    out : str or path
        The folder to create.  It must not exist or be empty; its parent
        folders are created when missing.
    municipalities : int
        Number of municipalities, 1-9999, named ``Kommune 001`` ... (zero-
        padded to at least three digits so that the names sort).
    rounds : int
        Number of rounds, 2-50: keys ``runde-1`` ..., dates six months apart
        from 2017-09-01.
    seed : int
        Seed of the random generator (0 or more); the same arguments give
        byte-identical files.

    Returns
    -------
    Path
        The absolute path of the written folder, which passes
        :func:`evaluation.data.load_dataset`.

    Raises
    ------
    ParameterError
        A bad argument, or ``out`` is a file or a non-empty folder (nothing is
        changed then).

    Notes
    -----
    The files are written to a temporary folder next to ``out`` that is
    renamed to ``out`` at the end, so a failure leaves no half-written folder.
    """
    check_number("municipalities", municipalities, *MUNICIPALITIES_RANGE, integer=True)
    check_number("rounds", rounds, *ROUNDS_RANGE, integer=True)
    check_number("seed", seed, 0, _SEED_MAX, integer=True)
    municipalities, rounds, seed = int(municipalities), int(rounds), int(seed)
    target = _check_out(out)
    files = _build(municipalities, rounds, seed)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _sibling_folder(target)
    try:
        for name, text in files.items():
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            with open(tmp / name, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        try:
            # Replaces an empty folder on POSIX; fails if ``out`` filled up meanwhile.
            os.replace(tmp, target)
        except OSError:
            fail("out", os.fspath(out), "a folder that does not exist yet or is empty (it was filled while writing)")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target
