"""Static files of the views, gzip-compressed for clients that accept it.

Clarity's stylesheet alone is about 1 MB; compressed it is a tenth of that, which matters to administrators
reaching vCenter over slow links. Compressed copies are made once per file version and kept in memory.
"""

from __future__ import annotations

import functools
import gzip
import mimetypes
from pathlib import Path

from flask import Response, abort, request, send_from_directory
from werkzeug.security import safe_join

COMPRESSIBLE = {".css", ".js", ".html", ".svg", ".json"}


@functools.lru_cache(maxsize=64)
def _compressed(path: str, mtime_ns: int) -> bytes:
    return gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)


def send_static(directory: Path, name: str, max_age: int, mimetype: str | None = None) -> Response:
    """``directory/name``, gzip-encoded when the client accepts it and the file is text."""
    joined = safe_join(str(directory), name)
    if joined is None:
        abort(404)
    path = Path(joined)
    if path.suffix not in COMPRESSIBLE or "gzip" not in request.headers.get("Accept-Encoding", ""):
        return send_from_directory(directory, name, max_age=max_age, mimetype=mimetype)
    if not path.is_file():
        abort(404)
    stat = path.stat()
    response = Response(_compressed(str(path), stat.st_mtime_ns),
                        mimetype=mimetype or mimetypes.guess_type(path.name)[0] or "application/octet-stream")
    response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"
    response.cache_control.max_age = max_age
    response.cache_control.public = True
    response.set_etag(f"{stat.st_mtime_ns}-{stat.st_size}-gz")
    return response.make_conditional(request)
