"""Where the project finds the shared, read-only material (models, photos, FACTS)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent


class SharedDirMissing(FileNotFoundError):
    """The ../shared folder (or $TT_SHARED_DIR) is not there."""


def shared_dir() -> Path:
    """`$TT_SHARED_DIR` if set, else `../shared` next to the project root."""
    configured = os.environ.get("TT_SHARED_DIR")
    path = Path(configured) if configured else PROJECT_ROOT.parent / "shared"
    if not path.is_dir():
        raise SharedDirMissing(
            f"shared material not found at {path} (set TT_SHARED_DIR to the folder holding models/ and data/)"
        )
    return path
