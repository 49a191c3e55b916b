"""The in-process sentence encoder (all-MiniLM-L6-v2 in numpy) shared by the crisis net."""
