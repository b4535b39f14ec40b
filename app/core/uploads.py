"""Files kept between an import's preview and its confirmation: on disk, under a random token, for their owner.

The preview checks the file and keeps it; the confirmation reads it back by token and checks it again
(the data may have changed in between). A file nobody confirmed is deleted after a day.
"""

import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
KEPT_SECONDS = 24 * 3600


@dataclass(frozen=True)
class PendingUpload:
    token: str
    filename: str
    data: bytes


class PendingUploads:
    """The pending uploads of one kind of import (``hours``, ``food``...), in the instance folder."""

    def __init__(self, kind: str, kept_seconds: int = KEPT_SECONDS):
        if not re.fullmatch(r"[a-z0-9_-]+", kind):
            raise ValueError(kind)
        self.kind = kind
        self.kept_seconds = kept_seconds

    @property
    def folder(self) -> Path:
        path = Path(current_app.instance_path) / "pending-uploads" / self.kind
        path.mkdir(parents=True, exist_ok=True)
        return path

    def put(self, owner_id: int | None, filename: str, data: bytes) -> str:
        """Keep ``data`` for ``owner_id``; return the token that names it."""
        self.forget_stale()
        token = secrets.token_urlsafe(24)
        meta = {"owner_id": owner_id, "filename": filename}
        _write_atomically(self.folder / f"{token}.bin", data)
        _write_atomically(self.folder / f"{token}.json", json.dumps(meta).encode())
        return token

    def get(self, token: str | None, owner_id: int | None) -> PendingUpload | None:
        """The upload named ``token`` if it exists, is fresh and belongs to ``owner_id``; None otherwise."""
        if not token or not TOKEN_PATTERN.match(token):
            return None
        meta_file, data_file = self.folder / f"{token}.json", self.folder / f"{token}.bin"
        try:
            if time.time() - meta_file.stat().st_mtime > self.kept_seconds:
                self.discard(token)
                return None
            meta = json.loads(meta_file.read_text())
            if meta.get("owner_id") != owner_id:
                return None
            return PendingUpload(token=token, filename=meta.get("filename", ""), data=data_file.read_bytes())
        except (OSError, ValueError):
            return None

    def discard(self, token: str) -> None:
        if TOKEN_PATTERN.match(token or ""):
            for suffix in (".json", ".bin"):
                (self.folder / f"{token}{suffix}").unlink(missing_ok=True)

    def forget_stale(self) -> None:
        """Delete the files kept longer than ``kept_seconds`` (previewed, never confirmed)."""
        limit = time.time() - self.kept_seconds
        for path in self.folder.iterdir():
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".part")
    temporary.write_bytes(data)
    os.replace(temporary, path)
