"""Coping skills for enrolled clients between sessions: the library in data/coping/ and the exercise."""
