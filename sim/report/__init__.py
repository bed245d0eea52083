"""Rendering results: terminal tables and machine-readable output."""
