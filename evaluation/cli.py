"""The ``evaluation`` command line.

Use::

    evaluation validate [--data DIR]
    evaluation summary  [--data DIR]
    evaluation round add KEY --label LABEL --date YYYY-MM-DD [--definite FORM] [--data DIR]
    evaluation status [--round KEY] [--strict] [--data DIR]
    evaluation import FILE --round KEY [--data DIR] [--replace] [--dry-run] [--mapping FILE] [--save-mapping FILE]
                                       [--municipality-column NAME]
    evaluation run [--data DIR] [--baseline KEY] [--followup KEY] [--out DIR] [--draft] ...
    evaluation watch [--data DIR] [--out DIR] [--no-profiles] ...   (rebuild on every saved change)
    evaluation synth --municipalities 98 --rounds 5 --seed 1 --out DIR
    evaluation verify [DIR]
    evaluation rerun NOTEBOOK [-p NAME VALUE]... [--out DIR]

Exit codes (``--help`` lists them): 0 success, 1 a notebook failed, 2 bad
input or arguments, 3 another run holds the lock on the output folder, 124 a
cell exceeded ``--timeout``, 130 Ctrl-C, 143 SIGTERM.  Heavy libraries are
imported only by the subcommand that needs them.
"""
from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path

from . import config
from .exceptions import EvaluationError
from .run.command import add_run_arguments, exit_code_epilog, run_command, usage_error_result
from .run.watch import add_watch_arguments

__all__ = ["main", "build_parser"]


def _cmd_validate(args) -> int:
    from .data import load_dataset

    ds = load_dataset(args.data)
    n = ds.responses.groupby("round")["municipality"].nunique()
    print(f"{ds.path}: valid. {len(ds.municipalities)} municipalities, {len(ds.rounds)} rounds "
          f"({', '.join(f'{k}: {n.get(k, 0)}' for k in ds.round_keys)}), {len(ds.instrument.items)} items.")
    return 0


def _cmd_round_add(args) -> int:
    from .data.round_add import add_round

    folder = add_round(args.key, label=args.label, date=args.date, definite=args.definite or "",
                       description=args.description or "", data=args.data)
    print(f"added round {args.key!r} to rounds.yml and created {folder} with templates; next: "
          f"'evaluation import EXPORT --round {args.key}', fill in plan_status.csv, participation.csv, "
          f"quotes.csv, codings.csv and narrative.md, then 'evaluation status --round {args.key}'")
    return 0


def _cmd_status(args) -> int:
    from .data import load_dataset
    from .data.material import missing_for_round, round_overview
    from .exceptions import ParameterError

    ds = load_dataset(args.data)
    keys = ds.round_keys
    if args.round and args.round not in keys:
        raise ParameterError(f"unknown round {args.round!r}; rounds.yml lists {', '.join(keys)}")
    lacking = 0
    for key in [args.round] if args.round else keys:
        o = round_overview(ds, key)
        # The first round can only be a baseline: it needs answers and plan status.
        missing = missing_for_round(ds, key, as_followup=keys.index(key) > 0)
        lacking += len(missing)
        print(f"{key} ({ds.round_label(key)}): answers from {o['answers']} municipalities, plan status for "
              f"{o['plan_status']}, participation of {o['participation']}, {o['statements']} statement(s), "
              f"{o['codings']} coding(s), "
              f"narrative sections: {', '.join(o['narrative_sections']) or 'none'}")
        if missing:
            print(f"  a final memo with {key} as {'follow-up' if keys.index(key) > 0 else 'baseline'} still lacks:")
            print("\n".join(f"  - {m.describe()}" for m in missing))
        else:
            print("  complete: nothing missing for a final memo")
    return 2 if args.strict and lacking else 0


def _cmd_summary(args) -> int:
    from .data import load_dataset
    from .data.summary import data_summary

    ds = load_dataset(args.data)
    print(data_summary(ds).to_string(index=False))
    return 0


def _cmd_import(args) -> int:
    from .data.importing import commit_import, prepare_import, save_mapping

    prepared = prepare_import(args.file, args.round, data=args.data, replace=args.replace, mapping=args.mapping,
                              municipality_column=args.municipality_column or "")
    print(prepared.report())
    if args.save_mapping:
        print(f"wrote the mapping to {save_mapping(prepared.plan.mapping, args.save_mapping)}")
    if args.dry_run:
        print("dry run: nothing written to the data folder")
        return 0
    commit_import(prepared, args.data)
    print("wrote " + ", ".join(map(str, prepared.files())))
    return 0


def _cmd_run(args) -> int:
    return run_command(args)


def _cmd_watch(args) -> int:
    from .run.watch import watch_command

    return watch_command(args)


def _cmd_verify(args) -> int:
    from .run.verify import check_publication

    if args.folder:
        folder = Path(args.folder)
    else:  # the publication 'evaluation run' builds by default
        from .names import pair_name, resolve_pair
        from .run.fingerprint import DataFolder

        folder = config.OUTPUTS_DIR / pair_name(*resolve_pair(DataFolder(config.data_dir(args.data)).round_keys))
    check = check_publication(folder)
    print("\n".join(check.lines(args.folder or config.project_relative(folder))))
    return 0 if check.intact else 1


def _cmd_rerun(args) -> int:
    from .run.rerun import rerun

    result = rerun(args.notebook, [tuple(p) for p in args.parameter or ()], args.out, timeout=args.timeout)
    print("\n".join(result.lines()))
    return 0 if result.identical else 1


def _cmd_synth(args) -> int:
    from .data.synth import write_synthetic

    out = write_synthetic(args.out, municipalities=args.municipalities, rounds=args.rounds, seed=args.seed)
    print(f"wrote a synthetic data folder to {out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="evaluation", description="Turn survey rounds into an evaluation memo.",
                                     epilog=exit_code_epilog(), formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check the whole data folder against the data contract")
    p.add_argument("--data", help="data folder (default: the bundled data/)")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("summary", help="print a short summary of the data folder")
    p.add_argument("--data", help="data folder (default: the bundled data/)")
    p.set_defaults(func=_cmd_summary)

    p = sub.add_parser("round", help="manage rounds (add)")
    round_sub = p.add_subparsers(dest="round_command", required=True)
    q = round_sub.add_parser("add", help="append a round to rounds.yml and create its folder from templates")
    q.add_argument("key", help="round key: letters, digits, '-' and '_' (e.g. opfoelgning-2020)")
    q.add_argument("--label", required=True, help="Danish label shown in the memo (e.g. Opfølgning)")
    q.add_argument("--date", required=True, help="date of the round, YYYY-MM-DD, not before the last round")
    q.add_argument("--definite", help="definite form for running text, different from every other round's "
                   "(default: the label in lower case)")
    q.add_argument("--description", help="optional description")
    q.add_argument("--data", help="data folder (default: the bundled data/)")
    q.set_defaults(func=_cmd_round_add)

    p = sub.add_parser("status", help="what each round has and what a final memo still lacks")
    p.add_argument("--round", help="only this round")
    p.add_argument("--strict", action="store_true", help="exit 2 when anything is missing (for automation)")
    p.add_argument("--data", help="data folder (default: the bundled data/)")
    p.set_defaults(func=_cmd_status)

    p = sub.add_parser("import", help="import a survey export (.xlsx, .csv, .tsv, .txt) as one round")
    p.add_argument("file", help="the survey tool's export")
    p.add_argument("--round", required=True, help="round key, as listed in rounds.yml")
    p.add_argument("--data", help="data folder (default: the bundled data/)")
    p.add_argument("--replace", action="store_true", help="overwrite an existing round file")
    p.add_argument("--dry-run", action="store_true",
                   help="print what would be imported (layout, columns, values, every row kept or dropped) and write nothing")
    p.add_argument("--mapping", help="a mapping file (YAML) saying which column is which, and what codes mean")
    p.add_argument("--save-mapping", metavar="FILE", help="write the mapping used to FILE, to reuse with --mapping")
    p.add_argument("--municipality-column", metavar="NAME", help="the column naming the municipality (e.g. 'Custom Data 1')")
    p.set_defaults(func=_cmd_import)

    p = sub.add_parser("run", help="execute the notebooks and build the memo", epilog=exit_code_epilog(),
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    add_run_arguments(p)
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("watch", help="build the memo, then rebuild it whenever the data or a notebook is saved",
                       description="Build like 'evaluation run', then watch the data folder and the notebooks and "
                       "rebuild (publishing as 'evaluation run' does) within a second or so of each saved change, "
                       "keeping one interpreter and one fork server warm between rebuilds. One line per rebuild "
                       "(with --json, one JSON object per line, as 'evaluation run --json' gives). Invalid data "
                       "publishes nothing and prints the error; watching goes on. A change of the package's source "
                       "or of the installed packages starts the command again. Ctrl-C stops it (exit 0); a "
                       "signal during a rebuild stops that rebuild as it stops 'evaluation run' (its exit code).",
                       epilog=exit_code_epilog(), formatter_class=argparse.RawDescriptionHelpFormatter)
    add_watch_arguments(p)
    p.set_defaults(func=_cmd_watch)

    p = sub.add_parser("verify", help="check a publication against its manifest: what was added, changed or removed",
                       description="Compare every file of a publication with the hashes its manifest.json records. "
                       "Exit 0 when intact, 1 when a file was added, changed or removed, 2 when DIR is not a "
                       "publication (no folder, no manifest, or a manifest without file hashes).")
    p.add_argument("folder", nargs="?", metavar="DIR",
                   help="the publication (default: outputs/<pair> of the last two rounds, as 'evaluation run' builds)")
    p.add_argument("--data", help="data folder naming the default pair (default: the bundled data/)")
    p.set_defaults(func=_cmd_verify)

    p = sub.add_parser("rerun", help="rerun an executed notebook with its recorded parameters and compare its outputs",
                       description="Execute an executed notebook again through papermill with the parameters it "
                       "recorded (each -p replaces one; papermill would otherwise drop every parameter not given), "
                       "into a scratch folder, never into a publication, and report every cell output and written "
                       "file as identical or different. Exit 0 when every output is identical, 1 when one differs, "
                       "2 on bad input (an unknown parameter is refused with the list of valid ones).")
    p.add_argument("notebook", metavar="NOTEBOOK", help="an executed notebook, e.g. outputs/<pair>/notebooks/02_konklusion.ipynb")
    p.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"),
                   help="replace one recorded parameter (repeatable; values read as papermill's -p reads them)")
    p.add_argument("--out", metavar="DIR", help="scratch folder (default: outputs/rerun/<notebook name>/; "
                   "an earlier rerun's folder is replaced)")
    p.add_argument("--timeout", type=float, default=300, help="seconds a cell may run (default: 300)")
    p.set_defaults(func=_cmd_rerun)

    p = sub.add_parser("synth", help="write a synthetic data folder for tests and benchmarks")
    p.add_argument("--municipalities", type=int, default=98)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", required=True, help="folder to create")
    p.set_defaults(func=_cmd_synth)
    return parser


#: Modules the command never needs that would cost it time to import:
#: jsonschema (which nbformat imports) builds an Earley parser for RFC 3987
#: at import when ``rfc3987-syntax`` is installed (JupyterLab's dependencies
#: bring it), a second or more of every run, for the ``iri`` format check
#: that neither nbformat nor this package uses.
UNUSED_IMPORTS = ("rfc3987_syntax",)


def main(argv: list[str] | None = None) -> int:
    for name in UNUSED_IMPORTS:
        sys.modules.setdefault(name, None)  # an import of it raises ImportError, which jsonschema expects
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        # argparse has printed the usage error; a --json run still gets its one object.
        if exc.code == 2 and argv[:1] in (["run"], ["watch"]) and "--json" in argv:
            print(usage_error_result(), flush=True)
        raise
    try:
        return args.func(args)
    except EvaluationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def console() -> None:
    """The ``evaluation`` command: :func:`main`, then exit at once.

    Everything is written and flushed when :func:`main` returns.  What is left
    is the interpreter's last garbage collection over the objects of every
    module a run imported (pandas, nbconvert, ...), a third of a second that
    frees nothing anyone needs; frozen objects are out of its reach.  Exit
    handlers still run.
    """
    try:
        code = main()
    finally:
        gc.freeze()
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    console()
