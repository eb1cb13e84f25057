"""The notebook runtime: the parameter contracts, sessions, the journey run, the server.

This layer runs the stage notebooks (papermill, Voila, kernels) and keeps
the trainees' workspace; the engines below it never import it.
"""
