"""cmtraining: training and strategy workbooks for community managers.

Importing the package is cheap on purpose (no pandas, Jupyter or widgets):
the CLI and the kernels of 25 trainees all pay for it. Import submodules
where their work is needed.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
