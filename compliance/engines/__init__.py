"""Engines: how many documents are run, and where. The per-document work is always ``Checker.check_path``."""
