"""Stage apps: ipywidgets front-ends over the Workbook (wiring and display only).

Each module exposes ``build_app(...)`` returning a widget; the notebooks
call it and Voila serves it. Logic that a test must reach lives in the
engines and the workbook package, not here.
"""
