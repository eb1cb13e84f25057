"""Reading the YAML files the project ships, with the package's errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from cmtraining.errors import DatasetError

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_Loader)
    except FileNotFoundError:
        raise DatasetError("error.dataset_missing", source=str(path)) from None
    except (yaml.YAMLError, UnicodeDecodeError):
        raise DatasetError("error.dataset_yaml", source=str(path)) from None
