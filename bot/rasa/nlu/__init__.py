"""Our components in Rasa's NLU pipeline (config.yml), in the order a message meets them:
``featurizer.py`` (the sentence encoder's embedding, computed once per message; ``embeddings.py``
shares it), ``intent_classifier.py``, ``situation_rescue.py`` and ``crisis_net.py``, the last
step, which may overrule the intent with a crisis (bot/safety/ holds the net's logic)."""
