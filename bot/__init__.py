"""The recovery companion: shared logic, storage, web app and tools around the Rasa assistant."""
