"""Checks of ex4 (see docs/contract.md)."""
