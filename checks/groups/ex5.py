"""Checks of ex5 (see docs/contract.md)."""
