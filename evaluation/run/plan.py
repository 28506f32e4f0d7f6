"""Plan a run: which notebooks to execute, with which parameters, in which order.

The plan is built from the data folder with the standard library only, so
that deciding whether anything needs to run costs no heavy imports.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import config
from ..exceptions import ParameterError
from ..names import slug
from .fingerprint import DataFolder

__all__ = ["Job", "MEMO_PARTS", "RELATIVE_COST", "plan_jobs", "longest_first", "describe_job"]


@dataclass(frozen=True)
class Job:
    """One notebook execution.

    ``name`` is unique within a run and names the executed notebook
    (``notebooks/<name>.ipynb``); ``document`` is the exported document the
    notebook belongs to (``memo`` or ``profile:<municipality>``).
    """

    name: str
    notebook: str
    parameters: dict
    facets: tuple[str, ...]
    document: str = "memo"
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def source(self) -> Path:
        return config.NOTEBOOKS_DIR / self.notebook


PARTICIPATION = "rounds:participation.csv"
PLAN_STATUS = "rounds:plan_status.csv"
#: What Holm's family of parameters gives one parameter's row (see :mod:`evaluation.run.fingerprint`).
HOLM = "holm:{baseline}/{followup}/{item}"
#: The coded interviews: the codebook and every round's codings.
CODINGS = ("file:codebook.yml", "rounds:codings.csv")
#: The memo's parts in order: (notebook, what it runs over, data facets).
#: ``per`` is None (once), "parameter" or "context" (once per such item).
#: A notebook reads the sections of the follow-up's narrative it shows
#: (``narrative:<section>``); the counts their placeholders fill in come from
#: the participation, the codings and the files every key holds.
MEMO_PARTS = (
    ("01_introduktion.ipynb", None,
     ("responses:parameters", PLAN_STATUS, PARTICIPATION, "narrative:sec:intro", "narrative:sec:purpose",
      "narrative:sec:data", "file:municipalities.csv", *CODINGS)),
    ("02_konklusion.ipynb", None, ("responses:parameters", "narrative:sec:conclusion", PARTICIPATION, *CODINGS)),
    ("03_planstatus.ipynb", None, (PLAN_STATUS, "file:municipalities.csv", "quotes:ledelsesforankring",
                                   "narrative:sec:leadership", PARTICIPATION, *CODINGS)),
    # A parameter's section reads its own answers and, of the other parameters,
    # only what Holm's adjustment over them gives its row.
    ("04_parameter.ipynb", "parameter", ("responses:{item}", HOLM, PARTICIPATION, "quotes:{item}",
                                         "narrative:sec:item:{item}", *CODINGS)),
    ("05_kontekst.ipynb", "context", ("responses:{item}",)),
    ("06_centret.ipynb", None, ("quotes:centrets_arbejde", "narrative:sec:centre", PARTICIPATION, *CODINGS)),
    ("07_metode.ipynb", None, ("responses:parameters", PARTICIPATION, "file:municipalities.csv", *CODINGS)),
)
#: How long each notebook takes relative to the others (on the bundled data,
#: one profile is about 1), for the order in which a run starts them when it
#: has no timing of its own.  The method notebook runs every test and
#: Friedman's permutation test.
RELATIVE_COST = {"07_metode.ipynb": 3, "02_konklusion.ipynb": 2, "03_planstatus.ipynb": 2, "04_parameter.ipynb": 2}
PROFILE_NOTEBOOK = "08_profil.ipynb"
PROFILE_FACETS = ("responses:*", PLAN_STATUS, PARTICIPATION, "file:municipalities.csv", "private:names", *CODINGS)


def _expand(facets, data: DataFolder, item: str | None, baseline: str, followup: str):
    out = []
    for f in facets:
        if f == "responses:parameters":
            out += [f"responses:{p}" for p in data.items("parameter")]
        else:
            out.append(f.format(item=item, baseline=baseline, followup=followup))
    return tuple(out)


def plan_jobs(
    data: DataFolder,
    baseline: str,
    followup: str,
    output_dir: Path,
    *,
    profiles: bool = True,
    municipalities: list[str] | None = None,
    show_names: bool = False,
) -> list[Job]:
    """All notebook executions of a run, memo parts first, in memo order.

    ``output_dir`` is the published folder of the pair; it is what the
    notebooks' ``output_dir`` parameter shows.  Both folder parameters are
    relative to the project root (:func:`evaluation.config.project_relative`).  With ``show_names`` the
    profiles show the real names of the private name map (the memo never
    does).  ``municipalities`` chooses
    the profiles (``None``: every municipality); a name given twice gives
    one profile, and two names with the same :func:`slug` are refused.
    """
    common = {"data_dir": config.project_relative(data.path), "output_dir": config.project_relative(output_dir),
              "baseline": baseline, "followup": followup}
    jobs = []
    for notebook, per, facets in MEMO_PARTS:
        stem = notebook.removesuffix(".ipynb")
        items = [None] if per is None else data.items(per)
        for item in items:
            params = dict(common) if item is None else {**common, "item": item}
            name = stem if item is None else f"{stem}-{item}"
            jobs.append(Job(name, notebook, params, _expand(facets, data, item, baseline, followup)))
    if profiles:
        known = data.municipalities()
        chosen = list(dict.fromkeys(municipalities or known))  # a name given twice is one profile
        unknown = [m for m in chosen if m not in known]
        if unknown:
            raise ParameterError(f"unknown municipality {unknown[0]!r}; known: {', '.join(known)}")
        seen: dict[str, str] = {}
        for m in chosen:
            other = seen.setdefault(slug(m), m)
            if other != m:
                raise ParameterError(
                    f"municipalities {other!r} and {m!r} give the same file name {slug(m)!r}; rename one"
                )
        for m in chosen:
            jobs.append(
                Job(f"profil-{slug(m)}", PROFILE_NOTEBOOK, {**common, "municipality": m, "show_name": show_names},
                    PROFILE_FACETS, document=f"profile:{m}")
            )
    return jobs


def longest_first(jobs: list[Job], seconds: dict[str, float]) -> list[Job]:
    """``jobs`` in the order to start them: the longest first, so that no long
    notebook starts last while the other workers stand idle.

    A job's length is what it took the last time (``seconds``, by job name),
    else its notebook's :data:`RELATIVE_COST` in units of the shortest job
    timed (1 when nothing was timed).  Equal lengths keep the plan's order.

    >>> jobs = [Job(n, f"{n}.ipynb", {}, ()) for n in ("01_introduktion", "07_metode", "06_centret")]
    >>> [j.name for j in longest_first(jobs, {})]
    ['07_metode', '01_introduktion', '06_centret']
    >>> [j.name for j in longest_first(jobs, {"06_centret": 0.9, "07_metode": 0.6, "01_introduktion": 0.3})]
    ['06_centret', '07_metode', '01_introduktion']
    """
    unit = min(seconds.values(), default=0.0) or 1.0
    def length(job: Job) -> float:
        return seconds.get(job.name, unit * RELATIVE_COST.get(job.notebook, 1))
    return sorted(jobs, key=lambda j: -length(j))


def describe_job(job: Job, labels: dict[str, str]) -> str:
    """Say in Danish which notebook computed a part, for link texts: the
    notebook's number and what it is about.

    ``labels`` maps item keys to their Danish labels.

    >>> job = Job("04_parameter-beredskab", "04_parameter.ipynb", {"item": "beredskab"}, ())
    >>> describe_job(job, {"beredskab": "Beredskab"})
    'notebook 04: beredskab'
    >>> describe_job(Job("07_metode", "07_metode.ipynb", {}, ()), {})
    'notebook 07: metode'
    >>> describe_job(Job("profil-kommune-a", "08_profil.ipynb", {"municipality": "Kommune A"}, (),
    ...                  document="profile:Kommune A"), {})
    'notebook 08: profil for Kommune A'
    """
    number, _, topic = job.notebook.removesuffix(".ipynb").partition("_")
    if "municipality" in job.parameters:
        topic = f"{topic} for {job.parameters['municipality']}"
    elif "item" in job.parameters:
        label = labels.get(job.parameters["item"], job.parameters["item"])
        # "Internt samarbejde" -> "internt samarbejde"; an acronym ("KL") keeps its case.
        topic = label if label[1:2].isupper() else label[:1].lower() + label[1:]
    return f"notebook {number}: {topic.replace('_', ' ')}"
