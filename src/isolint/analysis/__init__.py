"""What a rule may ask about a file: names, the file context and its facets, and the rules.

Imports only the layers below it (``model``, ``config``, ``discovery``); the engine above
walks a file and dispatches to the rules here.
"""
