"""`make bench`: every benchmark, each printing ratios measured side by side."""

from __future__ import annotations

import import_time
import voila_first_widget

if __name__ == "__main__":
    print("== import time ==")
    import_time.main()
    print("\n== Voila time to first interactive widget ==")
    voila_first_widget.main()
