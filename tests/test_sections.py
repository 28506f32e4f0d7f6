"""Tests of evaluation.sections: cutting a narrative into sections without pandas.

The run's planner keys each section with :func:`split_sections`, and the loader
(:func:`evaluation.data.narrative.parse_narrative`) cuts with it too; on any
text the planner's own reading of which sections have text and whether a code
is counted must agree with the loaded narrative's.
"""
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation.data.narrative import parse_narrative
from evaluation.sections import asks_for_code_counts, filled_sections, split_sections

PARAMETERS = ["beredskab", "kompetencer"]
SECTIONS = ["sec:purpose", "sec:data", "sec:centre", "sec:item:beredskab"]
LINES = [
    *(f"[[{s}]]" for s in SECTIONS),
    "  [[ sec:conclusion ]]  ",
    "<!--", "-->", "<!-- en note -->", "tekst <!-- skjult --> mere", "<!-- begynder", "slutter -->",
    "Almindelig tekst.", "", "   ", "{{ codes.a }} kommuner", "{{ codes.b.sources }}", "{{ n_rounds }}",
    "[[sec:data]] og mere",
]


def test_a_hand_written_narrative():
    text = ("Før første markør\n[[sec:purpose]]\nFormål.\n<!--\n[[sec:data]]\nskjult\n-->\nEfter.\n"
            "[[sec:data]]\n<!-- kun en note -->\n\n[[sec:centre]]\n{{ codes.x }}\n")
    sections = split_sections(text)
    assert sections == {"sec:purpose": (3, "Formål.\n<!--\n[[sec:data]]\nskjult\n-->\nEfter."),
                        "sec:data": (10, "<!-- kun en note -->\n"), "sec:centre": (13, "{{ codes.x }}")}
    assert filled_sections(text) == ["sec:purpose", "sec:centre"]
    assert asks_for_code_counts(text)
    assert not asks_for_code_counts(text.replace("{{ codes.x }}", "<!-- {{ codes.x }} -->"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(LINES), max_size=25), st.booleans())
def test_the_planner_cuts_as_the_loader_does(lines, final_newline):
    text = "\n".join(lines) + ("\n" if final_newline else "")
    narrative = parse_narrative(text, "narrative.md", PARAMETERS, [], codes=None)
    cut = split_sections(text)
    for key, (line, body) in narrative.sections.items():
        assert cut[key] == (line, body), key
    assert set(cut) == set(narrative.sections)  # every marker in LINES is an allowed section
    assert [s for s in filled_sections(text)] == [s for s in narrative.sections if narrative.text(s) is not None]
    assert asks_for_code_counts(text) == narrative.uses_code_counts()
