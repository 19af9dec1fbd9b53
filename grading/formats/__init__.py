"""Output formats: each renders a Report for one audience (people, a script, a CI platform)."""
