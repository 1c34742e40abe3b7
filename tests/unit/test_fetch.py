import pytest

from aftercall.errors import DownloadError, MediaError
from aftercall.net import guarded_client
from aftercall.pipeline.fetch import download
from tests.media_server import media_server


@pytest.fixture
def served():
    with media_server() as base, guarded_client(allow_private=True, follow_redirects=True, timeout=5) as client:
        yield base, client


def test_downloads_media_with_progress(served, tmp_path, data):
    base, client = served
    seen = []
    download(
        client,
        f"{base}/media/speech.mp3",
        tmp_path / "m",
        max_bytes=10**7,
        time_limit=30,
        on_bytes=lambda done, total: seen.append((done, total)),
    )
    assert (tmp_path / "m").read_bytes() == (data / "speech.mp3").read_bytes()
    assert seen[-1] == (len((data / "speech.mp3").read_bytes()),) * 2


@pytest.mark.parametrize(
    ("path", "error", "message"),
    [
        ("/status/404", DownloadError, "Failed to download: 404 Not Found"),
        ("/status/403", DownloadError, "Failed to download: 403 Forbidden"),
        ("/status/500", DownloadError, "Failed to download: 500 Internal Server Error"),
        ("/media/page.html", MediaError, "Input is not audio or video (text/html)"),
    ],
)
def test_http_failures_say_what_happened(served, tmp_path, path, error, message):
    base, client = served
    with pytest.raises(error) as info:
        download(client, base + path, tmp_path / "m", max_bytes=10**7, time_limit=30)
    assert str(info.value) == message


def test_the_size_cap_stops_a_download(served, tmp_path):
    base, client = served
    with pytest.raises(DownloadError, match="larger than the limit of 1000 bytes"):
        download(client, f"{base}/media/speech.wav", tmp_path / "m", max_bytes=1000, time_limit=30)


def test_an_unreachable_host_is_a_download_error(tmp_path):
    client = guarded_client(allow_private=True, follow_redirects=True, timeout=5)
    with client, pytest.raises(DownloadError, match="Failed to download"):
        download(client, "http://127.0.0.1:9/a.wav", tmp_path / "m", max_bytes=10**7, time_limit=30)
