# Applies the mutant named by BEWO_MUTANT in every Python process started with this folder on
# PYTHONPATH (tools/mutation_check.py sets both); does nothing otherwise.
import os

if os.environ.get("BEWO_MUTANT"):
    import bewo_mutants

    bewo_mutants.install(os.environ["BEWO_MUTANT"])
