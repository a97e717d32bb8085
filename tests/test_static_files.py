"""The views' files: served from our server, gzip-compressed when the client accepts it, never outside plugin_ui."""

import gzip

import pytest

from plugin_server.app import create_app


@pytest.fixture(scope="module")
def client():
    return create_app({"TESTING": True}).test_client()


def test_clarity_css_is_served_compressed(client):
    plain = client.get("/ui/vendor/clr-ui.min.css")
    packed = client.get("/ui/vendor/clr-ui.min.css", headers={"Accept-Encoding": "gzip, deflate"})
    assert plain.status_code == packed.status_code == 200
    assert packed.headers["Content-Encoding"] == "gzip" and packed.mimetype == "text/css"
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data) / 4


def test_unchanged_file_answers_304(client):
    first = client.get("/ui/index.html", headers={"Accept-Encoding": "gzip"})
    again = client.get("/ui/index.html", headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_no_path_outside_the_views(client):
    assert client.get("/ui/../pyproject.toml", headers={"Accept-Encoding": "gzip"}).status_code == 404
    assert client.get("/ui/%2e%2e/pyproject.toml", headers={"Accept-Encoding": "gzip"}).status_code == 404
