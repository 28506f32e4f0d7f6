"""Stage 2, analysis: numbers only.

Paired comparisons of two rounds (:mod:`.compare`), the exact tests behind
them (:mod:`.stats`), answer distributions (:mod:`.distribution`), ceiling
effects (:mod:`.ceiling`) and trends over all rounds (:mod:`.trend`).  Tidy DataFrames in, tidy DataFrames out: no Danish,
no HTML, no plotting.  It may import the data stage and the plumbing, never
the memo or the run.
"""
