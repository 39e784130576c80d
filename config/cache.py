"""The embedded default's cache: files under ``VAR_DIR``, shared by every process of the centre.

Django's file cache reads and writes whole files, so its ``add`` and ``incr`` are a read and a
write with nothing between them: two processes counting at once lose a count, and ``incr``
writes the value back with the default timeout, so a counter's window restarts at every count.
The counters (the status page's wrong guesses, the search throttle) need both right. Here
``add`` and ``incr`` hold an exclusive lock on one lock file of the cache directory, and
``incr`` keeps the entry's expiry time.
"""

import os
import pickle
import tempfile
import zlib
from contextlib import contextmanager

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.files import locks
from django.core.files.move import file_move_safe

LOCK_NAME = "counters.lock"


class SharedFileCache(FileBasedCache):
    @contextmanager
    def _locked(self):
        self._createdir()
        # A file of its own per call: flock excludes other open files, in this process too.
        with open(os.path.join(self._dir, LOCK_NAME), "ab") as lock_file:
            locks.lock(lock_file, locks.LOCK_EX)
            try:
                yield
            finally:
                locks.unlock(lock_file)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with self._locked():
            return super().add(key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        with self._locked():
            fname = self._key_to_file(key, version)
            try:
                with open(fname, "rb") as f:
                    if self._is_expired(f):
                        raise ValueError(f"Key '{key}' not found")
                    f.seek(0)
                    expiry = pickle.load(f)
                    value = pickle.loads(zlib.decompress(f.read()))
            except FileNotFoundError:
                raise ValueError(f"Key '{key}' not found") from None
            new_value = value + delta
            self._replace(fname, expiry, new_value)
            return new_value

    def _replace(self, fname, expiry, value) -> None:
        """Write the entry whole beside the old one and rename it over it, keeping ``expiry``."""
        fd, tmp_path = tempfile.mkstemp(dir=self._dir)
        renamed = False
        try:
            with open(fd, "wb") as f:
                f.write(pickle.dumps(expiry, self.pickle_protocol))
                f.write(zlib.compress(pickle.dumps(value, self.pickle_protocol)))
            file_move_safe(tmp_path, fname, allow_overwrite=True)
            renamed = True
        finally:
            if not renamed:
                os.remove(tmp_path)
