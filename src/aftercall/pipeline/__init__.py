"""The stages of a job over its engines, in the order `run.py` gives them (media is read by `aftercall.media`)."""
