"""The shared core: errors, paths, numbers, files, the stage registry and the shared types.

Everything above (the engines, the report, the notebook runtime, the apps and
the CLI) may import from here; nothing here imports from above
(`tests/test_package.py` checks it). The catalogue (`cmtraining.i18n`)
belongs to this layer too, though it keeps its own folder.
"""
