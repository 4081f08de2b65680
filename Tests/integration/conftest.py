import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from servers import start_memcached, start_rondo  # noqa: E402


@pytest.fixture
def rondo(tmp_path):
    server = start_rondo(log_path=tmp_path / "rondo.log")
    yield server
    server.stop()


@pytest.fixture
def memcached():
    server = start_memcached()
    yield server
    server.stop()
