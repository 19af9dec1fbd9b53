"""Checks of ex2 (see docs/contract.md)."""
