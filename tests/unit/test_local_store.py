import pytest

from aftercall.errors import NotFound
from aftercall.storage.local import LocalStore
from aftercall.storage.signing import LinkSigner


@pytest.fixture
def store(tmp_path):
    signer = LinkSigner(b"secret", "http://files.test/v1/files")
    return LocalStore(tmp_path / "objects", signer=signer, bucket="b", region="r")


def test_put_get_delete(store, tmp_path):
    store.put_bytes("local/j/transcript/a.txt", b"hello", "text/plain")
    assert store.exists("local/j/transcript/a.txt")
    store.get_file("local/j/transcript/a.txt", tmp_path / "copy")
    assert (tmp_path / "copy").read_bytes() == b"hello"
    store.delete("local/j/transcript/a.txt")
    assert not store.exists("local/j/transcript/a.txt")
    assert not (store.root / "local").exists(), "empty directories are tidied away"
    store.delete("local/j/transcript/a.txt")  # deleting twice is fine


@pytest.mark.parametrize("key", ["../outside", "a/../../outside", "/etc/passwd", ""])
def test_keys_cannot_leave_the_store(store, key):
    with pytest.raises(NotFound):
        store.path(key)


def test_links_are_signed_and_expire():
    signer = LinkSigner(b"secret", "http://files.test/v1/files")
    url = signer.url("a/b.txt", 60, now=1000)
    assert url.startswith("http://files.test/v1/files/a/b.txt?expires=1060&signature=")
    signature = url.rsplit("=", 1)[1]
    assert signer.valid("a/b.txt", 1060, signature, now=1059)
    assert not signer.valid("a/b.txt", 1060, signature, now=1061)
    assert not signer.valid("a/c.txt", 1060, signature, now=1000)
    assert not signer.valid("a/b.txt", 99999, signature, now=1000)
    assert not LinkSigner(b"other", "http://x").valid("a/b.txt", 1060, signature, now=1000)


@pytest.mark.parametrize(("key", "signature"), [("a/b.txt", "é"), ("a/b.txt", "\ud800"), ("a/\ud800", "00")])
def test_a_hostile_signature_or_key_is_refused_not_an_error(key, signature):
    assert not LinkSigner(b"secret", "http://x").valid(key, 2**40, signature, now=0)
