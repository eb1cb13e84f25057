"""Writing the stage notebooks from their declarations (a developer tool).

`python -m cmtraining.runtime.nbtools` rewrites every notebook's parameters cell
from `cmtraining.runtime.parameters`, puts the contract's check cell right after it
(`CHECK_CELL`: under papermill the injected values land between the two),
and creates missing stage notebooks from the stage registry
(`cmtraining.core.stages`, through `STAGE_CELLS`), with outputs
stripped. Notebooks stay thin: a hidden note, parameters, the check, then
calls into the package.
"""

from __future__ import annotations

import sys

import nbformat

from cmtraining.core.paths import notebooks_dir
from cmtraining.core.stages import BASE_PARAMS, STAGES, Stage
from cmtraining.runtime.parameters import CHECK_CELL, CONTRACTS


def stage_cells(entry: Stage) -> list[str]:
    """A stage notebook's own cells: open the session with every parameter, build the app."""
    extra = [name for name in entry.params if name not in BASE_PARAMS]
    args = ", ".join(f"{name}={name}" for name in (*BASE_PARAMS, *extra))
    return [f"from cmtraining.runtime.session import open_session\n\n"
            f'session = open_session("{entry.notebook}", {args})',
            f"from {entry.app} import build_app\n\nbuild_app(session)"]


#: the cells after the parameters and check cells, per stage notebook (from the registry)
STAGE_CELLS: dict[str, list[str]] = {entry.notebook: stage_cells(entry) for entry in STAGES}


def check_cell_source(stem: str) -> str:
    return CHECK_CELL.format(stem=stem)


def sync_cells(nb, stem: str) -> bool:
    """Make `nb`'s parameters cell and the check cell after it match the contract."""
    contract = CONTRACTS[stem]
    changed = False
    index = next(i for i, cell in enumerate(nb.cells)
                 if "parameters" in cell.metadata.get("tags", []))
    if nb.cells[index].source != contract.cell_source():
        nb.cells[index].source = contract.cell_source()
        changed = True
    following = nb.cells[index + 1] if index + 1 < len(nb.cells) else None
    if following is None or following.source != check_cell_source(stem):
        if following is not None and "check_notebook(" in following.source:
            following.source = check_cell_source(stem)
        else:
            nb.cells.insert(index + 1, nbformat.v4.new_code_cell(check_cell_source(stem)))
        changed = True
    return changed


def sync_parameters() -> None:
    """Rewrite the parameters and check cells of every existing notebook from its contract."""
    for stem in CONTRACTS:
        path = notebooks_dir() / f"{stem}.ipynb"
        if not path.exists():
            continue
        nb = nbformat.read(path, as_version=4)
        if sync_cells(nb, stem):
            nbformat.write(nb, path)
            print(f"parameters of {stem} updated")


def write_notebook(stem: str, cells: list[str], note: str) -> None:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(CONTRACTS[stem].cell_source())
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(note), params,
                nbformat.v4.new_code_cell(check_cell_source(stem)),
                *(nbformat.v4.new_code_cell(c) for c in cells)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, notebooks_dir() / f"{stem}.ipynb")


def main() -> None:
    for stem, cells in STAGE_CELLS.items():
        if not (notebooks_dir() / f"{stem}.ipynb").exists() or "--rewrite" in sys.argv:
            write_notebook(stem, cells, f"<!-- cmtraining stage {stem}: parameters are checked by "
                           "cmtraining.runtime.parameters; the app is built by cmtraining.apps. -->")
            print(f"created {stem}")
    sync_parameters()


if __name__ == "__main__":
    main()
