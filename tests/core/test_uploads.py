"""The pending-upload store: an import's file kept between preview and confirmation, for its owner only."""

import os
import time

from app.core.uploads import PendingUploads


def test_an_upload_is_read_back_by_its_owner_only(app):
    store = PendingUploads("test-kind")
    token = store.put(7, "heures.csv", b"a;b\n1;2\n")
    upload = store.get(token, 7)
    assert (upload.filename, upload.data) == ("heures.csv", b"a;b\n1;2\n")
    assert store.get(token, 8) is None
    store.discard(token)
    assert store.get(token, 7) is None


def test_hostile_or_unknown_tokens_find_nothing(app):
    store = PendingUploads("test-kind")
    for token in ("../../secret_key", "", None, "x" * 30, "a/b" * 10):
        assert store.get(token, 7) is None


def test_an_upload_kept_too_long_is_gone(app):
    store = PendingUploads("test-kind", kept_seconds=60)
    old = store.put(7, "old.csv", b"old")
    stale = time.time() - 120
    for path in store.folder.glob(f"{old}.*"):
        os.utime(path, (stale, stale))
    assert store.get(old, 7) is None
    fresh = store.put(7, "new.csv", b"new")
    assert store.get(fresh, 7).data == b"new"
    assert not list(store.folder.glob(f"{old}.*"))
