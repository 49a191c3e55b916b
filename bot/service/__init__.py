"""Running the service: ``supervisor.py`` starts and watches the Rasa server, the action server
and the web app (``python -m bot run``); ``process.py`` starts the whole service as a child
process (tests and benchmarks); ``action_server.py`` is the rasa-sdk action server."""
