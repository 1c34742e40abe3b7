"""The steps of a job: fetch → decode → transcribe → render → upload."""
