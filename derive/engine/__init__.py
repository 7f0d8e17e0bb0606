"""The derivation engine: verdicts, assumptions, time limits, sampling, checks, lemmas,
derivations, the expectation operator, the definitions (KL, entropy, cross-entropy) and the
Gaussian closed forms (`gaussian`, which the VAE's training code imports).

SymPy, NumPy and mpmath only: nothing here imports the notation, the identities, the CLI,
`numeric` or torch (tests/test_architecture.py keeps it so).
"""
