"""Writing the stage notebooks from their declarations (a developer tool).

`python -m cmtraining.nbtools` rewrites every notebook's parameters cell
from `cmtraining.parameters`, puts the contract's check cell right after it
(`CHECK_CELL`: under papermill the injected values land between the two),
and creates missing stage notebooks from `STAGE_CELLS`, with outputs
stripped. Notebooks stay thin: a hidden note, parameters, the check, then
calls into the package.
"""

from __future__ import annotations

import sys

import nbformat

from cmtraining.parameters import CHECK_CELL, CONTRACTS
from cmtraining.paths import notebooks_dir

STAGE_CELLS: dict[str, list[str]] = {
    "01-objectives": [
        'from cmtraining.session import open_session\n\n'
        'session = open_session(\n    "01-objectives", workbook=workbook, org=org, lang=lang, prefill=prefill\n)',
        "from cmtraining.apps.objectives import build_app\n\nbuild_app(session)",
    ],
    "02-audiences-networks": [
        'from cmtraining.session import open_session\n\n'
        'session = open_session(\n    "02-audiences-networks", workbook=workbook, org=org, lang=lang, prefill=prefill\n)',
        "from cmtraining.apps.audiences import build_app\n\nbuild_app(session)",
    ],
    "03-content-plan": [
        'from cmtraining.session import open_session\n\n'
        'session = open_session(\n    "03-content-plan", workbook=workbook, org=org, lang=lang,\n    prefill=prefill, weeks=weeks, seed=seed,\n)',
        "from cmtraining.apps.content import build_app\n\nbuild_app(session)",
    ],
    "00-listening": [
        'from cmtraining.session import open_session\n\n'
        'session = open_session(\n    "00-listening", workbook=workbook, org=org, lang=lang,\n'
        '    prefill=prefill, seed=seed, days=days, incident=incident,\n)',
        "from cmtraining.apps.listening import build_app\n\nbuild_app(session)",
    ],
    "04-response": [
        'from cmtraining.session import open_session\n\n'
        'session = open_session(\n    "04-response", workbook=workbook, org=org, lang=lang,\n'
        '    prefill=prefill, seed=seed, days=days, incident=incident,\n)',
        "from cmtraining.apps.response import build_app\n\nbuild_app(session)",
    ],
    "07-self-assessment": [
        'from cmtraining.session import open_session\n\n'
        'session = open_session("07-self-assessment", workbook=workbook, org=org, lang=lang)',
        "from cmtraining.apps.self_assessment import build_app\n\nbuild_app(session)",
    ],
    "05-crisis": [
        'from cmtraining.session import open_session\n\n'
        'session = open_session(\n    "05-crisis", workbook=workbook, org=org, lang=lang, prefill=prefill,\n'
        '    scenario=scenario, seed=seed, graph_size=graph_size, minutes_per_turn=minutes_per_turn,\n)',
        "from cmtraining.apps.crisis import build_app\n\nbuild_app(session)",
    ],
    "06-evaluation": [
        'from cmtraining.session import open_session\n\n'
        'session = open_session("06-evaluation", workbook=workbook, org=org, lang=lang)',
        "from cmtraining.apps.evaluation import build_app\n\nbuild_app(session)",
    ],
}


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
                           "cmtraining.parameters; the app is built by cmtraining.apps. -->")
            print(f"created {stem}")
    sync_parameters()


if __name__ == "__main__":
    main()
