"""Planning engines (stages 1-3): objectives, audiences and networks, content.

Pure and deterministic; they take and return plain data and never import
widgets, Voila or papermill (invariant 1).
"""
