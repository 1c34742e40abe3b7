"""The object store contract, on every backend: the local directory and S3 (moto's server, via boto3)."""

import boto3
import httpx
import pytest

from aftercall.errors import NotFound
from aftercall.storage.local import LocalStore
from aftercall.storage.s3 import S3Store
from aftercall.storage.signing import LinkSigner
from tests.services import S3_CREDENTIALS, new_bucket


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path, s3_endpoint):
    if request.param == "local":
        # The local store's links are served by aftercall; here a plain file server stands in for that route.
        return LocalStore(tmp_path / "objects", signer=LinkSigner(b"k", "http://unused"), bucket="b", region="r")
    return S3Store(bucket=new_bucket(s3_endpoint), prefix="tenant/calls", endpoint_url=s3_endpoint, **S3_CREDENTIALS)


def test_round_trip(store, tmp_path):
    store.put_bytes("local/j/transcript/a.txt", "Speaker 0: héllo\n".encode(), "text/plain; charset=utf-8")
    assert store.exists("local/j/transcript/a.txt")
    store.get_file("local/j/transcript/a.txt", tmp_path / "copy")
    assert (tmp_path / "copy").read_text() == "Speaker 0: héllo\n"
    source = tmp_path / "media.bin"
    source.write_bytes(b"\x00\x01" * 100_000)
    store.put_file("local/recordings/r.wav", source, "audio/wav")
    store.get_file("local/recordings/r.wav", tmp_path / "media-copy")
    assert (tmp_path / "media-copy").read_bytes() == source.read_bytes()


def test_delete_is_idempotent_and_missing_objects_are_not_found(store, tmp_path):
    store.put_bytes("x/y.json", b"{}", "application/json")
    store.delete("x/y.json")
    store.delete("x/y.json")
    assert not store.exists("x/y.json")
    with pytest.raises(NotFound):
        store.get_file("x/y.json", tmp_path / "nothing")


def test_location_names_the_object_as_clients_address_it(store):
    location = store.location("local/j/transcript/a.srt")
    assert set(location) == {"bucket", "key", "region"}
    if isinstance(store, S3Store):
        assert location["key"] == "tenant/calls/local/j/transcript/a.srt"


def test_s3_links_are_presigned_urls_that_work(s3_endpoint):
    store = S3Store(bucket=new_bucket(s3_endpoint), prefix="p", endpoint_url=s3_endpoint, **S3_CREDENTIALS)
    store.put_bytes("a/b.vtt", b"WEBVTT\n", "text/vtt")
    link = store.link("a/b.vtt", 600)
    assert "X-Amz-Signature=" in link
    response = httpx.get(link)
    assert response.status_code == 200
    assert response.content == b"WEBVTT\n"
    assert response.headers["content-type"] == "text/vtt"
    # (moto does not check presigned signatures, so tampering is S3's to refuse and is not tested here.)


def test_s3_links_name_the_endpoint_clients_reach_when_it_differs_from_the_servers(s3_endpoint):
    public = s3_endpoint.replace("127.0.0.1", "localhost")  # the same server, by the name a client would use
    assert public != s3_endpoint
    store = S3Store(
        bucket=new_bucket(s3_endpoint), endpoint_url=s3_endpoint, public_endpoint_url=public, **S3_CREDENTIALS
    )
    store.put_bytes("a.txt", b"hello", "text/plain")
    link = store.link("a.txt", 600)
    assert link.startswith(f"{public}/")
    assert httpx.get(link).content == b"hello"


def test_s3_keys_live_under_the_prefix(s3_endpoint):
    bucket = new_bucket(s3_endpoint)
    S3Store(bucket=bucket, prefix="/tenant/", endpoint_url=s3_endpoint, **S3_CREDENTIALS).put_bytes(
        "k.txt", b"x", "text/plain"
    )
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")  # fmt: skip
    assert [o["Key"] for o in client.list_objects_v2(Bucket=bucket)["Contents"]] == ["tenant/k.txt"]


def test_a_link_of_the_store_itself_opens_its_file_only_while_valid(store):
    from urllib.parse import parse_qs, urlsplit

    from aftercall.errors import AuthenticationError

    store.put_bytes("local/j/soap/a.json", b"{}", "application/json")
    query = parse_qs(urlsplit(store.link("local/j/soap/a.json", 600)).query)
    if isinstance(store, S3Store):  # its links are S3's presigned URLs, not served by aftercall
        with pytest.raises(NotFound, match="in S3"):
            store.linked_file("local/j/soap/a.json", 0, "")
        return
    expires, signature = int(query["expires"][0]), query["signature"][0]
    assert store.linked_file("local/j/soap/a.json", expires, signature).read_bytes() == b"{}"
    with pytest.raises(AuthenticationError, match="invalid or has expired"):
        store.linked_file("local/j/soap/a.json", expires, signature[:-1] + ("y" if signature.endswith("x") else "x"))
    with pytest.raises(AuthenticationError):
        store.linked_file("local/j/soap/a.json", 1, signature)  # expired long ago
    store.delete("local/j/soap/a.json")
    with pytest.raises(NotFound, match="no longer exists"):
        store.linked_file("local/j/soap/a.json", expires, signature)
