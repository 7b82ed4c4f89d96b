"""Photos that cannot hurt a phone and keep homes private: a pixel cap, no metadata, a display copy."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cases import uploads

GPS = 0x8825  # the EXIF tag that holds the GPS position


def _photo(size=(64, 48), fmt="JPEG", exif=True, mode="RGB") -> SimpleUploadedFile:
    colour = {"RGB": (200, 50, 50), "RGBA": (200, 50, 50, 128), "1": 1}[mode]
    image = Image.new(mode, size, colour)
    out = io.BytesIO()
    options = {}
    if exif:
        data = Image.Exif()
        data[0x0110] = "Phone X"  # model
        data[GPS] = {1: "N", 2: (31.0, 15.0, 0.0), 3: "E", 4: (121.0, 31.0, 0.0)}
        options["exif"] = data
    image.save(out, fmt, **options)
    return SimpleUploadedFile(f"p.{fmt.lower()}", out.getvalue(), content_type=f"image/{fmt.lower()}")


def test_a_photo_of_too_many_pixels_is_refused_before_it_is_decoded():
    # 12,000 × 12,000 of one colour compresses to a few KB as PNG (1-bit here, to spare the test's memory).
    huge = _photo(size=(12_000, 12_000), fmt="PNG", exif=False, mode="1")
    assert huge.size < 1_000_000
    with pytest.raises(ValidationError) as error:
        uploads.sniff(huge)
    assert error.value.code == "too_many_pixels"
    assert uploads.sniff(_photo(size=(4000, 3000))) == "image/jpeg"  # a phone's 12 megapixels is fine


@pytest.mark.parametrize("fmt", ["JPEG", "WEBP"])
def test_the_kept_photo_has_no_gps_or_camera(fmt):
    photo = _photo(fmt=fmt)
    with Image.open(photo) as before:
        assert GPS in before.getexif()
    clean = uploads.without_metadata(photo, f"image/{fmt.lower()}")
    with Image.open(io.BytesIO(clean.read())) as after:
        assert after.format == fmt and after.size == (64, 48)
        assert not after.getexif()


def test_the_display_copy_is_a_phone_sized_jpeg():
    big = _photo(size=(4000, 3000), exif=False)
    copy = uploads.display_copy(big)
    with Image.open(io.BytesIO(copy.read())) as image:
        assert image.format == "JPEG" and max(image.size) == uploads.DISPLAY_SIDE
        assert not image.getexif()
    transparent = _photo(size=(100, 100), fmt="PNG", exif=False, mode="RGBA")
    with Image.open(io.BytesIO(uploads.display_copy(transparent).read())) as image:
        assert image.mode == "RGB"


def test_an_added_photo_is_kept_without_gps_and_shown_as_a_phone_sized_copy(org, as_user):
    from django.urls import reverse

    from cases import services
    from committee.access import acting_as
    from tests.factories import make_case

    case = make_case(org.worker_a, org.a)
    with acting_as(org.worker_a) as access:
        item = services.add_attachment(access=access, case=case, uploaded=_photo(size=(3000, 2000)))
    client = as_user(org.worker_a)
    original = client.get(reverse("cases:attachment", args=[item.pk]))
    with Image.open(io.BytesIO(b"".join(original.streaming_content))) as image:
        assert image.size == (3000, 2000) and not image.getexif()
    shown = client.get(reverse("cases:attachment", args=[item.pk]) + "?size=display")
    with Image.open(io.BytesIO(b"".join(shown.streaming_content))) as image:
        assert max(image.size) == uploads.DISPLAY_SIDE
    page = client.get(reverse("cases:detail", args=[case.pk])).text
    assert f"{reverse('cases:attachment', args=[item.pk])}?size=display" in page
