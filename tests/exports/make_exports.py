"""Build survey exports laid out as each survey tool writes them, for the import tests.

Every export carries the same round of answers (by default the bundled
follow-up, ``data/rounds/opfoelgning-2019/responses.csv``) together with what
a real download brings along: the tool's metadata columns, previews and
unfinished attempts, an invited contact who never answered, a second,
corrected submission, a free-text question, municipalities named by their
real names (through a private name map), and a question left blank.

Layouts (from the tools' documented exports):

- SurveyXact: a workbook with the sheets ``Labels`` (value labels per
  variable), ``Dataset`` (variables ``s_1``..., codes in display order, "Ved
  ikke" coded 5, status dummies ``statoverall_*``) and ``Structure``
  (variable labels); its text form: UTF-16 with byte-order mark,
  tab-separated.
- Qualtrics: CSV in UTF-8 with byte-order mark; three header rows (export
  tags, question texts, ``{"ImportId": ...}``), 17 metadata columns, a matrix
  question ("stem - row"); as choice texts (also as a workbook) or as numeric
  values.
- Microsoft Forms: a workbook (sheet ``Sheet1``), ``ID``, ``Start time``,
  ``Completion time``, ``Email``, ``Name``, ``Last modified time``, then the
  question texts.
- Google Forms: CSV in UTF-8, ``Timestamp`` ("2019/02/12 9:31:05 AM GMT+1"),
  a grid question ("stem [row]"); the same file saved again by a Danish Excel
  (Windows-1252, semicolons).
- SurveyMonkey: CSV with two header rows (question stems; ``Response`` or a
  matrix row's label, the stem written once over its columns), metadata
  through ``Custom Data 1``, ``End Date`` as "02/12/2019 09:31:05 AM".

Run as a script to write them into a folder::

    python tests/exports/make_exports.py OUT
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "data" / "rounds" / "opfoelgning-2019" / "responses.csv"
ITEMS = ["beredskab", "indsatser", "internt_samarbejde", "eksternt_samarbejde", "kompetencer", "radikalisering_udfordring"]
PARAMETERS = ITEMS[:5]
ITEM_LABELS = {"beredskab": "Beredskab", "indsatser": "Indsatser", "internt_samarbejde": "Internt samarbejde",
               "eksternt_samarbejde": "Eksternt samarbejde", "kompetencer": "Kompetencer"}
#: The scale as respondents see it, in display order (top first), "Ved ikke" last.
DISPLAY = [(4, "I høj grad"), (3, "I nogen grad"), (2, "I mindre grad"), (1, "Slet ikke"), (0, "Ved ikke")]
LABEL = dict(DISPLAY)
#: Number a tool gives each answer: its position in display order (1 = I høj grad ... 5 = Ved ikke).
POSITION = {code: i for i, (code, _) in enumerate(DISPLAY, start=1)}
#: Made-up real names of the ten municipalities (the private name map of the tests).
REAL_NAMES = {f"Kommune {c}": name for c, name in zip(
    "ABCDEFGHIJ", ["Agerbæk", "Birkelund", "Damsholt", "Egeskov", "Fjordby", "Grønhøj", "Havnsø", "Ilskov",
                   "Juelstrup", "Kærsvig"])}
MATRIX_STEM = "Hvor langt er kommunen med arbejdet? Vurdér hvert område"
WHICH = "Hvilken kommune repræsenterer du?"
COMMENT = "Har du kommentarer til undersøgelsen?"
START = dt.datetime(2019, 2, 12, 9, 0, 0)
HOSTILE_COMMENT = 'Vi mangler "ressourcer"; det er et problem,\nogså\r\nnæste år.\t=HYPERLINK("x")'


Answers = dict[str, dict[str, "int | None"]]


@dataclass
class Export:
    """One export file and the round's answers it must import as."""

    path: Path
    tool: str
    expected: Answers
    options: tuple[str, ...] = ()  # extra command-line options an import needs

    def expected_csv(self) -> str:
        """The contract file the import must write, byte for byte."""
        lines = ["municipality,item,score"]
        for muni in sorted(self.expected):
            for item in ITEMS:
                code = self.expected[muni][item]
                lines.append(f"{muni},{item},{'' if code is None else code}")
        return "\n".join(lines) + "\n"


def bundled_answers() -> Answers:
    out: Answers = {}
    with open(SOURCE, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["municipality"], {})[row["item"]] = int(row["score"])
    return out


def questions() -> dict[str, str]:
    import yaml

    with open(ROOT / "data" / "instrument.yml", encoding="utf-8") as fh:
        items = yaml.safe_load(fh)["items"]
    return {i["key"]: " ".join(i["question"].split()) for i in items}


def names_csv() -> str:
    """The private name map ``private/names.csv`` the exports' real names need."""
    return "municipality,name\n" + "".join(f"{m},{n}\n" for m, n in REAL_NAMES.items())


def _time(minutes: float) -> dt.datetime:
    return START + dt.timedelta(minutes=minutes)


def _text(rows, *, delimiter=",", encoding="utf-8", bom=b"") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return bom + buffer.getvalue().encode(encoding)


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)


def _role(answers: Answers, letter: str) -> str:
    """The municipality that plays the part of ``Kommune <letter>`` in a panel of any size."""
    munis = sorted(answers)
    wanted = f"Kommune {letter}"
    return wanted if wanted in answers else munis[("ABCDEFGHIJ".index(letter)) % len(munis)]


def _named(muni: str, suffix: str = "") -> str:
    """How a respondent names the municipality: its real name (with ``suffix``) when the test name map has one."""
    return REAL_NAMES[muni] + suffix if muni in REAL_NAMES else muni


def _with_blank(answers: Answers, muni: str, item: str) -> Answers:
    out = {m: dict(a) for m, a in answers.items()}
    out[muni][item] = None
    return out


# ------------------------------------------------------------------ SurveyXact
def surveyxact(folder: Path, answers: Answers, q: dict[str, str]) -> list[Export]:
    variables = {item: f"s_{i}" for i, item in enumerate(ITEMS, start=1)}
    head = ["respondentid", "email", "kommune", "created", "closetime", "statoverall_1", "statoverall_2",
            "statoverall_3", "statoverall_4"] + list(variables.values()) + ["s_7"]
    data, labels_rows = [head], [head[:2] + ["kommune"] + head[3:]]
    expected = _with_blank(answers, _role(answers, "A"), "indsatser")
    for n, muni in enumerate(sorted(answers), start=1):
        codes = [POSITION[expected[muni][i]] if expected[muni][i] is not None else None for i in ITEMS]
        data.append([1000 + n, f"kontakt{n}@example.org", muni, _time(-600), _time(n * 7), 0, 0, 0, 1] + codes + [""])
        labels_rows.append([1000 + n, f"kontakt{n}@example.org", muni, _time(-600), _time(n * 7), 0, 0, 0, 1]
                           + [LABEL[expected[muni][i]] if expected[muni][i] is not None else None for i in ITEMS] + [""])
    # A second contact invited for Kommune B who never answered: no close time, no answers.
    data.insert(3, [1099, "suppleant@example.org", _role(answers, "B"), _time(-600), None, 1, 0, 0, 0] + [None] * 7)
    value_labels = [["Variable", "Value", "Label"]]
    for name in variables.values():
        value_labels += [[name, POSITION[code], label] for code, label in DISPLAY]
    value_labels += [[f"statoverall_{k}", 1, text] for k, text in
                     enumerate(["Ikke besvaret", "Delvist besvaret", "Frafaldet", "Gennemført"], start=1)]
    structure = [["Variable", "Label", "Type"], ["kommune", "Kommune", "Baggrundsvariabel"]]
    structure += [[variables[i], q[i], "Skala"] for i in ITEMS]
    structure += [["s_7", COMMENT, "Åbent svar"]]
    xlsx = folder / "surveyxact.xlsx"
    _workbook(xlsx, {"Labels": value_labels, "Dataset": data, "Structure": structure})
    # The text form: UTF-16, tab-separated, answers as labels, variable labels as headers.
    text_head = [c if c not in variables.values() else dict(zip(variables.values(), [q[i] for i in ITEMS]))[c] for c in head]
    text_rows = [text_head] + [[_sx_time(c) for c in r] for r in labels_rows[1:]]
    tsv = folder / "surveyxact.csv"
    tsv.write_bytes(_text(text_rows, delimiter="\t", encoding="utf-16"))
    # The text form with codes and variable names only: it needs a mapping.
    codes = folder / "surveyxact_codes.csv"
    codes.write_bytes(_text([head] + [[_sx_time(c) for c in r] for r in data[1:]], delimiter="\t", encoding="utf-16"))
    return [Export(xlsx, "surveyxact", expected), Export(tsv, "surveyxact", expected),
            Export(codes, "surveyxact", expected)]


def _sx_time(cell):
    return cell.strftime("%d-%m-%Y %H:%M:%S") if isinstance(cell, dt.datetime) else cell


# ------------------------------------------------------------------- Qualtrics
_QUALTRICS_META = [
    ("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"Europe/Copenhagen"}'),
    ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"Europe/Copenhagen"}'),
    ("Status", "Response Type", '{"ImportId":"status"}'),
    ("IPAddress", "IP Address", '{"ImportId":"ipAddress"}'),
    ("Progress", "Progress", '{"ImportId":"progress"}'),
    ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
    ("Finished", "Finished", '{"ImportId":"finished"}'),
    ("RecordedDate", "Recorded Date", '{"ImportId":"recordedDate","timeZone":"Europe/Copenhagen"}'),
    ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
    ("RecipientLastName", "Recipient Last Name", '{"ImportId":"recipientLastName"}'),
    ("RecipientFirstName", "Recipient First Name", '{"ImportId":"recipientFirstName"}'),
    ("RecipientEmail", "Recipient Email", '{"ImportId":"recipientEmail"}'),
    ("ExternalReference", "External Data Reference", '{"ImportId":"externalDataReference"}'),
    ("LocationLatitude", "Location Latitude", '{"ImportId":"locationLatitude"}'),
    ("LocationLongitude", "Location Longitude", '{"ImportId":"locationLongitude"}'),
    ("DistributionChannel", "Distribution Channel", '{"ImportId":"distributionChannel"}'),
    ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
]


def qualtrics(folder: Path, answers: Answers, q: dict[str, str]) -> list[Export]:
    tags = ["Q1"] + [f"Q2_{k}" for k in range(1, 6)] + ["Q3", "Q4"]
    texts = [f"{WHICH} (skriv kommunens navn)"] + [f"{MATRIX_STEM} - {ITEM_LABELS[i]}" for i in PARAMETERS] \
        + [q["radikalisering_udfordring"], COMMENT]
    ids = ['{"ImportId":"QID1_TEXT"}'] + [f'{{"ImportId":"QID2_{k}"}}' for k in range(1, 6)] \
        + ['{"ImportId":"QID3"}', '{"ImportId":"QID4_TEXT"}']
    header = [[m[0] for m in _QUALTRICS_META] + tags, [m[1] for m in _QUALTRICS_META] + texts,
              [m[2] for m in _QUALTRICS_META] + ids]
    expected = _with_blank(answers, _role(answers, "H"), "radikalisering_udfordring")
    out = []
    for numeric in (False, True):
        def answer(code):
            return "" if code is None else (POSITION[code] if numeric else LABEL[code])

        def meta(minutes, status, progress, finished, n):
            start, end = _time(minutes), _time(minutes + 6)
            return [f"{start:%Y-%m-%d %H:%M:%S}", f"{end:%Y-%m-%d %H:%M:%S}", status, f"192.0.2.{n}", progress,
                    360, finished, f"{end:%Y-%m-%d %H:%M:%S}", f"R_{n:04d}xYz", "", "", "", "", "55.67", "12.56",
                    "anonymous", "DA"]
        ip, preview = (0, 1) if numeric else ("IP Address", "Survey Preview")
        yes, no = (1, 0) if numeric else ("True", "False")
        rows = [meta(-300, preview, 100, yes, 1) + [_role(answers, "A")] + [answer(4)] * 5 + [answer(1), "test af skemaet"]]
        for n, muni in enumerate(sorted(answers), start=2):
            a = expected[muni]
            rows.append(meta(n * 9, ip, 100, yes, n) + [_named(muni, " Kommune")] + [answer(a[i]) for i in ITEMS] + [""])
            if muni == _role(answers, "C"):  # an unfinished attempt, recorded after the real answer
                rows.append(meta(n * 9 + 60, ip, 40, no, 90) + [_named(muni, " Kommune"), answer(1), answer(1), "", "", "", "", ""])
        path = folder / ("qualtrics_numeric.csv" if numeric else "qualtrics.csv")
        path.write_bytes(_text(header + rows, bom=b"\xef\xbb\xbf"))
        out.append(Export(path, "qualtrics", expected))
        if not numeric:  # the same download as an Excel workbook
            _workbook(folder / "qualtrics.xlsx", {"Sheet0": header + rows})
            out.append(Export(folder / "qualtrics.xlsx", "qualtrics", expected))
    return out


# ------------------------------------------------------------- Microsoft Forms
def msforms(folder: Path, answers: Answers, q: dict[str, str]) -> list[Export]:
    head = ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time", WHICH] + [q[i] for i in ITEMS] + [COMMENT]
    rows, n = [head], 0
    expected = {m: dict(a) for m, a in answers.items()}
    for muni in sorted(answers):
        if muni == _role(answers, "E"):  # a first submission with other answers, replaced by a later one
            n += 1
            rows.append([n, _time(n * 5 - 4), _time(n * 5), "anonymous", None, None, _named(muni)]
                        + [LABEL[1]] * 6 + ["første udkast"])
        n += 1
        rows.append([n, _time(100 + n * 5 - 4), _time(100 + n * 5), "anonymous", None, None, _named(muni)]
                    + [LABEL[answers[muni][i]] for i in ITEMS] + [None])
    path = folder / "msforms.xlsx"
    _workbook(path, {"Sheet1": rows})
    return [Export(path, "msforms", expected)]


# ---------------------------------------------------------------- Google Forms
def _google_time(stamp: dt.datetime) -> str:
    return f"{stamp:%Y/%m/%d} {stamp.hour % 12 or 12}:{stamp:%M:%S} {'AM' if stamp.hour < 12 else 'PM'} GMT+1"


def googleforms(folder: Path, answers: Answers, q: dict[str, str]) -> list[Export]:
    head = ["Timestamp", "Kommune"] + [f"{MATRIX_STEM} [{ITEM_LABELS[i]}]" for i in PARAMETERS] + [q["radikalisering_udfordring"], COMMENT]
    expected = _with_blank(answers, _role(answers, "J"), "indsatser")
    rows = [head]
    for n, muni in enumerate(sorted(answers), start=1):
        a = expected[muni]
        if muni == _role(answers, "B"):  # first submission, corrected by a second one after lunch
            rows.append([_google_time(_time(n * 11)), muni] + [LABEL[2]] * 6 + ["rettes senere"])
            rows.append([_google_time(_time(n * 11 + 240)), muni] + [LABEL[a[i]] if a[i] is not None else "" for i in ITEMS] + ["rettet"])
            continue
        rows.append([_google_time(_time(n * 11)), muni] + [LABEL[a[i]] if a[i] is not None else "" for i in ITEMS] + [""])
    path = folder / "googleforms.csv"
    path.write_bytes(_text(rows))
    # Opened in a Danish Excel and saved again as "CSV (semikolonsepareret)": Windows-1252, semicolons.
    resaved = folder / "googleforms_excel_da.csv"
    resaved.write_bytes(_text(rows, delimiter=";", encoding="cp1252"))
    return [Export(path, "googleforms", expected), Export(resaved, "googleforms", expected)]


# ----------------------------------------------------------------- SurveyMonkey
def surveymonkey(folder: Path, answers: Answers, q: dict[str, str]) -> list[Export]:
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address", "First Name",
            "Last Name", "Custom Data 1"]
    out = []
    for custom in (False, True):
        top = meta + ([] if custom else [WHICH]) + [MATRIX_STEM] + [""] * 4 + [q["radikalisering_udfordring"], COMMENT]
        sub = [""] * len(meta) + ([] if custom else ["Response"]) + [ITEM_LABELS[i] for i in PARAMETERS] \
            + ["Response", "Open-Ended Response"]
        rows = [top, sub]
        for n, muni in enumerate(sorted(answers), start=1):
            start, end = _time(n * 13), _time(n * 13 + 8)
            a = answers[muni]
            # Free text as respondents write it: quotes, separators, line breaks, markup, a formula.
            comment = HOSTILE_COMMENT if muni == _role(answers, "C") else ""
            last = "<script>alert(1)</script>" if muni == _role(answers, "D") else ""
            rows.append([11_000_000_000 + n, 400_000_001, f"{start:%m/%d/%Y %I:%M:%S %p}", f"{end:%m/%d/%Y %I:%M:%S %p}",
                         f"198.51.100.{n}", "", "", last, muni if custom else ""]
                        + ([] if custom else [_named(muni, " Kommune")]) + [LABEL[a[i]] for i in ITEMS] + [comment])
        path = folder / ("surveymonkey_custom_data.csv" if custom else "surveymonkey.csv")
        path.write_bytes(_text(rows))
        out.append(Export(path, "surveymonkey", answers, ("--municipality-column", "Custom Data 1") if custom else ()))
    return out


# ------------------------------------------- a readiness survey (Google Forms)
PLAN_STEM = "Hvor langt er kommunens handlingsplan?"
PHASE_WORDS = {"udarbejdet": "Udarbejdet", "godkendt": "Godkendt", "udrullet": "Fuldt udrullet"}
STATUS_WORDS = {"gennemfoert": "Gennemført", "i_proces": "I proces", "ikke_paabegyndt": "Ikke påbegyndt"}
MODE_QUESTION = "Hvordan har kommunen bidraget til denne måling?"
MODE_WORDS = {"interview": "Interview", "survey": "Spørgeskema", "both": "Begge"}
READINESS_MAPPING = (
    "plan_status:\n"
    + "".join(f"  {phase}: {PLAN_STEM} [{word}]\n" for phase, word in PHASE_WORDS.items())
    + f"participation: {MODE_QUESTION}\n"
)


def bundled_table(name: str) -> list[dict[str, str]]:
    with open(SOURCE.with_name(name), encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def readiness(folder: Path, answers: Answers, q: dict[str, str]) -> list[Export]:
    """A Google Forms export that also asks for the plan's status per phase and how the municipality took part.

    The answers to those questions are the bundled follow-up's ``plan_status.csv``
    and ``participation.csv``; a mapping (:data:`READINESS_MAPPING`) names their columns.
    """
    status = {(r["municipality"], r["phase"]): r["status"] for r in bundled_table("plan_status.csv")}
    mode = {r["municipality"]: r["mode"] for r in bundled_table("participation.csv")}
    head = (["Tidsstempel", "Kommune"] + [q[i] for i in ITEMS]
            + [f"{PLAN_STEM} [{word}]" for word in PHASE_WORDS.values()] + [MODE_QUESTION])
    rows = [head]
    for n, muni in enumerate(sorted(answers), start=1):
        rows.append([_google_time(_time(n * 17)), muni] + [LABEL[answers[muni][i]] for i in ITEMS]
                    + [STATUS_WORDS[status[muni, p]] if (muni, p) in status else "" for p in PHASE_WORDS]
                    + [MODE_WORDS.get(mode.get(muni, ""), "")])
    path = folder / "readiness_googleforms.csv"
    path.write_bytes(_text(rows))
    return [Export(path, "googleforms", answers)]


def make_exports(folder: Path, answers: Answers | None = None) -> dict[str, Export]:
    """Write every export into ``folder``; return them by file name."""
    folder.mkdir(parents=True, exist_ok=True)
    answers = answers or bundled_answers()
    q = questions()
    exports = []
    for make in (surveyxact, qualtrics, msforms, googleforms, surveymonkey, readiness):
        exports += make(folder, answers, q)
    return {e.path.name: e for e in exports}


if __name__ == "__main__":  # pragma: no cover - a convenience for looking at the files
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "exports")
    made = make_exports(target)
    (target / "names.csv").write_text(names_csv(), encoding="utf-8")
    print(json.dumps({name: e.tool for name, e in made.items()}, indent=1))
