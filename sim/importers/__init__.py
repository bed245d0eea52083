"""Scenarios written from other tools' formats (Genius XML domains)."""
