"""``search serve``: a web page and a JSON API over one index.

``app`` builds the Starlette application around a long-lived
``searcher.Index``; ``server`` binds the socket and runs it with uvicorn.
Nothing outside ``search serve`` imports this package, so a cold
``search query`` never pays for Starlette's imports.
"""
