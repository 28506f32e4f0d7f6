"""Stage 4, run: turning a data folder into published documents.

Plan the jobs (:mod:`.plan`), fingerprint their inputs
(:mod:`.fingerprint`), execute the notebooks through papermill
(:mod:`.engine`, :mod:`.parallel`, with kernels from :mod:`.kernels`),
normalise the executed notebooks (:mod:`.nbnormalize`), report progress
(:mod:`.progress`) and publish (:mod:`.pipeline`).  It may import every
stage below it and the plumbing; nothing imports it but the command line.
"""
