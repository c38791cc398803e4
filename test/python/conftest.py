import shutil
import subprocess
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def host_runtime(tmp_path_factory) -> Path:
    """The C runtime built for the host with the project's CMakeLists.txt; returns the .so path."""
    if shutil.which("cmake") is None:
        pytest.skip("cmake is not installed (make test installs it)")
    build = tmp_path_factory.mktemp("host-build")
    subprocess.run(
        ["cmake", "-S", str(PROJECT_ROOT), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release"],
        check=True,
        capture_output=True,
    )
    subprocess.run(["cmake", "--build", str(build), "--target", "tt_runtime_shared"], check=True, capture_output=True)
    return build / "libtt_runtime.so"
