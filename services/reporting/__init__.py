"""Report jobs and files, and KL's annual run (filled in by issue 5)."""
