"""Hostile, as a student would write it: the instructor's model answer, imported by name."""
import importlib

_model = importlib.import_module('reference')
globals().update({name: getattr(_model, name) for name in _model.__all__})
