"""Checks of ex1 (see docs/contract.md)."""
