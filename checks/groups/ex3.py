"""Checks of ex3 (see docs/contract.md)."""
