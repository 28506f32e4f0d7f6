"""Stage 3, memo: everything a reader sees.

The numbered outline (:mod:`.outline`), Danish text (:mod:`.text`), HTML
blocks (:mod:`.report`), figures (:mod:`.figures`), formula-safe tables
(:mod:`.tables`), the context a notebook opens (:mod:`.context`), the
qualitative blocks made from the coded interviews (:mod:`.qualitative`), and the
export of executed notebooks to HTML (:mod:`.export`) and PDF
(:mod:`.browser`).  It may import the analysis and data stages and the
plumbing, never the run.
"""
