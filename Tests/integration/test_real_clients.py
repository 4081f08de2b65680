"""Real memcached clients against a running `rondo node`: libmemcached's compliance tests and
pymemcache's own integration tests (shipped in its wheel)."""
import os
import shutil
import subprocess
import sys

import pymemcache


def test_memccapable_ascii_passes_every_test(rondo):
    tool = shutil.which("memccapable")
    assert tool, "memccapable missing (Debian package libmemcached-tools)"
    result = subprocess.run(
        [tool, "-h", "127.0.0.1", "-p", str(rondo.port), "-a"],
        capture_output=True, text=True, timeout=120,
    )
    output = result.stdout + result.stderr
    lines = [l for l in output.splitlines() if l.startswith("ascii ")]
    passed = [l for l in lines if l.rstrip().endswith("[pass]")]
    assert len(lines) == 27, output
    assert len(passed) == 27, output
    assert result.returncode == 0, output


def test_pymemcache_integration_suite_passes(rondo):
    suite = os.path.join(os.path.dirname(pymemcache.__file__), "test", "test_integration.py")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", suite, "-m", "integration", "-q", "-p", "no:cacheprovider",
         "--server", "127.0.0.1", "--port", str(rondo.port)],
        capture_output=True, text=True, timeout=300,
    )
    tail = "\n".join(result.stdout.splitlines()[-30:])
    assert result.returncode == 0, tail
    assert " passed" in tail and " failed" not in tail, tail
