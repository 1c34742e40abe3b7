"""An uploaded recording keeps its file's name (an extension), cleaned, so people can tell recordings apart."""

import pytest

from aftercall.domain.recordings import clean_filename


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("visit.mp3", "visit.mp3"),
        ("C:\\Users\\dr\\Visit 12.wav", "Visit 12.wav"),
        ("../../etc/passwd", "passwd"),
        ("call\x00\n\x1b[31m.ogg", "call[31m.ogg"),
        ("   ", None),
        ("", None),
        (None, None),
        ("a" * 300 + ".wav", "a" * 255),
    ],
)
def test_an_uploads_name_is_its_last_path_part_without_control_characters(given, kept):
    assert clean_filename(given) == kept
