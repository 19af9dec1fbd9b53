"""Checks of ex6 (see docs/contract.md)."""
