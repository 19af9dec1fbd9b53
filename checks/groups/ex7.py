"""Checks of ex7 (see docs/contract.md)."""
