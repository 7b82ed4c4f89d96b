"""Personal numbers are masked on the server, and never reach a log or an error report."""

import logging

import pytest
from django.test import RequestFactory

from common.logging import MaskPersonalData, PersonalDataReporterFilter, mask_for_log
from common.masking import (
    holds_numbers,
    keep_hidden_digits,
    mask_id_number,
    mask_numbers_in_text,
    mask_phone,
    numbers_in,
    shorten,
)


def test_id_numbers_keep_region_and_last_four():
    assert mask_id_number("310110195503121234") == "3101**********1234"
    assert mask_id_number("31011019550312123X") == "3101**********123X"


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("021-65431234", "*******1234"),
        ("", ""),
    ],
)
def test_phones_keep_their_last_four(phone, masked):
    assert mask_phone(phone) == masked


def test_free_text_is_masked_wherever_a_number_appears():
    text = "居民 310110195503121234 电话13812345678，座机 021-65431234"
    masked = mask_numbers_in_text(text)
    assert "310110195503121234" not in masked
    assert "13812345678" not in masked
    assert "65431234" not in masked
    assert "3101**********1234" in masked and "138****5678" in masked


@pytest.mark.parametrize(
    ("typed", "full", "masked"),
    [
        ("138 1234 5678", "12345678", "138****5678"),
        ("138-1234-5678", "12345678", "138****5678"),
        ("+86 13812345678", "13812345678", "+86 138****5678"),
        ("+8613812345678", "13812345678", "+86138****5678"),
        ("(021)6543 1234", "6543", "(021)****1234"),
        ("021 6543-1234", "6543", "021 ****1234"),
        ("旧证310109500305001", "310109500305001", "3101*******5001"),
        ("31010919500305002x", "31010919500305002x", "3101**********002x"),
    ],
)
def test_numbers_are_masked_as_staff_type_them(typed, full, masked):
    """Spaces, hyphens, a country code, an area code in brackets, an old 15-digit ID, a small x."""
    assert full not in mask_numbers_in_text(typed).replace("*", "")
    assert masked in mask_numbers_in_text(typed)


def test_case_numbers_dates_and_work_orders_are_not_numbers_to_mask():
    text = "事项 2026-0042 登记于2026-11-02，工单20260112345678，2026-0042 1234"
    assert mask_numbers_in_text(text) == text


def test_log_records_are_masked_before_any_handler_sees_them():
    record = logging.LogRecord(
        "x", logging.ERROR, __file__, 1, "lookup %s failed", ("310110195503121234",), None
    )
    MaskPersonalData().filter(record)
    assert "310110195503121234" not in record.getMessage()


def test_task_ids_in_logs_are_kept_whole_and_numbers_beside_them_masked():
    """django.tasks logs each task's id; one whose first group is all digits read as a landline
    ("Task id=****8052-69ed-…", seen in `make run`'s log) and matched no task result in the admin."""
    task_id = "79798052-69ed-405b-8158-acf642a463e0"
    record = logging.LogRecord(
        "django.tasks",
        logging.INFO,
        __file__,
        1,
        "Task id=%s path=%s state=%s (%s, 021-65431234)",
        (task_id, "notifications.tasks.notify_for_event_task", "RUNNING", "13812345678"),
        None,
    )
    MaskPersonalData().filter(record)
    message = record.getMessage()
    assert f"Task id={task_id} path=" in message
    assert "13812345678" not in message and "65431234" not in message
    assert "138****5678" in message and "021-****1234" in message
    # Only a whole UUID is kept: eight digits run into letters or more digits are masked as before.
    for text in ("65431234-69ed-405b-8158", "tel 65431234-69ed-405b-8158-acf642a463e0x"):
        assert "65431234" not in mask_for_log(text)


def test_tracebacks_in_logs_are_masked():
    try:
        raise ValueError("duplicate key id_number=310110195503121234")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom", (), sys.exc_info())
    MaskPersonalData().filter(record)
    assert "310110195503121234" not in record.exc_text


def test_error_reports_mask_posted_numbers():
    request = RequestFactory().post("/", {"id_number": "310110195503121234", "phone": "13812345678"})
    params = PersonalDataReporterFilter().get_post_parameters(request)
    assert params["id_number"] == "3101**********1234"
    assert params["phone"] == "138****5678"


def test_the_error_mail_to_admins_masks_every_number(settings, mailoutbox):
    """The query string, the exception's message and a non-string local variable all carry numbers."""
    settings.ADMINS = ["admin@example.org"]
    request = RequestFactory().get("/residents/", {"q": "13812345678"})
    row = {"身份证号": "310110195503121234"}
    try:
        raise ValueError(f"duplicate key {row['身份证号']}")
    except ValueError:
        logging.getLogger("django.request").error(
            "Internal Server Error: %s",
            request.path,
            exc_info=True,
            extra={"status_code": 500, "request": request},
        )
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    text = mail.subject + mail.body + "".join(str(a[0]) for a in mail.alternatives)
    assert "310110195503121234" not in text and "13812345678" not in text
    assert "3101**********1234" in text and "138****5678" in text


@pytest.mark.parametrize(
    ("typed", "masked"),
    [
        ("6222021234567890123", "6222***********0123"),
        ("6222 0212 3456 7890 123", "6222 **** **** ***0 123"),
        ("6222-0212-3456-7890", "6222-****-****-7890"),
        ("卡号6222021234567890", "卡号6222********7890"),
        ("622202123456789012", "6222**********9012"),
    ],
)
def test_bank_card_numbers_keep_their_first_and_last_four(typed, masked):
    """A bank card (16 to 19 digits, whole or in groups) typed into free text: masked like an ID."""
    assert mask_numbers_in_text(typed) == masked
    assert holds_numbers(typed)


def test_a_bank_card_beside_other_numbers_is_masked_whole():
    text = "工行卡 6222 0212 3456 7890，手机13812345678"
    masked = mask_numbers_in_text(text)
    assert masked == "工行卡 6222 **** **** 7890，手机138****5678"


def test_shorten_never_cuts_a_number_in_two():
    text = "一二三四五六七八九十" * 3 + "来电人电话13812345678请回电"  # the number spans character 40
    short = shorten(text, 40)
    assert short == "一二三四五六七八九十" * 3 + "来电人电话13812345678"
    assert mask_numbers_in_text(short).endswith("138****5678")
    assert shorten("楼道积水", 40) == "楼道积水"
    spaced = "一二三四五六七八九十" * 3 + "电话 138 1234 5678 家"
    assert shorten(spaced, 40).endswith("138 1234 5678")
    card = "一二三四五六七八九十" * 3 + "卡号6222 0212 3456 7890 123"
    assert shorten(card, 40).endswith("6222 0212 3456 7890 123")
    assert shorten("一" * 38 + "1234567", 40) == "一" * 38 + "1234567"  # any run of digits whole
    assert shorten("一" * 38 + "9" * 100, 40, most=100) == "一" * 38  # too long to keep: left out


@pytest.mark.parametrize(
    ("typed", "masked"),
    [
        ("身份证 310101 19500307 0017", "身份证 3101** ******** 0017"),
        ("身份证310101-19500307-001X", "身份证3101**-********-001X"),
        ("旧证 310109 500305 001", "旧证 3101** *****5 001"),
    ],
)
def test_an_id_number_typed_in_groups_shows_no_more_than_a_whole_one(typed, masked):
    """Read as a landline, 310101 19500307 0017 showed its region, birth year and last four."""
    assert mask_numbers_in_text(typed) == masked


@pytest.mark.parametrize(
    "line",
    [
        '"GET /residents/?q=189+8658+3827 HTTP/1.1" 200',
        '"GET /residents/?q=189%208658%203827 HTTP/1.1" 200',
        '"GET /residents/?q=%2B86+189-8658-3827 HTTP/1.1" 200',
        '"GET /residents/?q=189%2D8658%2D3827&page=2 HTTP/1.1" 200',
        '"GET /cases/?status=&q=310101+19500307+0017 HTTP/1.1" 200',
    ],
)
def test_a_number_in_a_logged_url_is_masked_however_its_spaces_were_encoded(line):
    """A search box sends 189 8658 3827 as q=189+8658+3827: the request's log line held it whole."""
    masked = mask_for_log(line)
    for hidden in ("8658", "19500307"):
        assert hidden not in masked, masked
    assert "3827" in masked or "0017" in masked


@pytest.mark.parametrize(
    ("typed", "masked"),
    [
        # The walkthrough's: full-width brackets round the area code, a full-width hyphen in a mobile.
        (
            "联系电话（021）6543 2100，女儿手机 138－1660－5678",
            "联系电话（021）****2100，女儿手机 138****5678",
        ),
        ("6543 2100", "****2100"),  # a Shanghai landline in two groups, no area code
        ("电话6543\u30002100", "电话****2100"),
        ("6543 2100-8021", "****2100-8021"),  # an extension
        ("１３８１６６０５６７８", "１３８****５６７８"),  # full-width digits: shown as typed, masked
        ("１３８ １６６０ ５６７８", "１３８****５６７８"),
        ("138\u30001660\u30005678", "138****5678"),  # an ideographic space
        ("138\u20131660\u20135678", "138****5678"),  # en dash
        ("138\u20141660\u20145678", "138****5678"),  # em dash
        ("138 - 1660 - 5678", "138****5678"),
        ("1381 660 5678", "138****5678"),  # uneven groups
        ("13816 605678", "138****5678"),
        ("+86 1381-660-5678", "+86 138****5678"),
        ("（０２１）６５４３　２１００", "（０２１）****２１００"),
        ("021－6543－2100", "021－****2100"),
        ("３１０１０９１９５００３０５００１７", "３１０１**********００１７"),
        ("31010919500305002Ｘ", "3101**********002Ｘ"),
        ("３１０１０９\u3000１９５００３０５\u3000００１７", "３１０１**\u3000********\u3000００１７"),
        ("６２２２ ０２１２ ３４５６ ７８９０", "６２２２ **** **** ７８９０"),
        ("6222\u20130212\u20133456\u20137890", "6222\u2013****\u2013****\u20137890"),
    ],
)
def test_numbers_typed_with_full_width_forms_spaces_and_dashes_are_masked(typed, masked):
    """Chinese input methods type full-width digits, brackets, hyphens and spaces; people split a number
    as they read it out. The text is shown as typed, its hidden digits masked."""
    assert mask_numbers_in_text(typed) == masked
    assert holds_numbers(typed)


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-07 14:30上门",
        "２０２６－１２－０７　１４：３０",
        "补助1,200元，另有3000-5000元待批",
        "12号301室，１２号３０１室",
        "事项2026-0453，事项２０２６－０４５３",
        "事项 2026-0453 2100元",
        "事项2026-3453 6543",  # a case number beside four digits: not a landline in two groups
        "6543 2026-0453",
        "2025 2026两年",
        "共3户5人，2026年12月7日",
        "登记于2026-11-02，工单20260112345678",
        "12 楼 3 户",
    ],
)
def test_what_staff_ordinarily_write_is_not_masked(text):
    assert mask_numbers_in_text(text) == text
    assert not holds_numbers(text)
    assert numbers_in(text) == set()


def test_a_number_is_one_number_however_it_was_typed():
    """The hint after an edit compares the numbers of the text before and after: the same number
    retyped in full-width digits or in other groups is not a new one."""
    assert numbers_in("１３８１６６０５６７８") == {"13816605678"}
    assert numbers_in("138－1660－5678", "1381 660 5678") == {"13816605678"}
    assert numbers_in("（021）6543 2100") == numbers_in("021-65432100") == {"02165432100"}
    assert numbers_in("31010919500305002ｘ") == {"31010919500305002X"}


def test_shorten_keeps_a_full_width_number_whole():
    text = "一二三四五六七八九十" * 3 + "来电人电话１３８－１６６０－５６７８请回电"
    assert shorten(text, 40).endswith("１３８－１６６０－５６７８")


@pytest.mark.parametrize(
    ("typed", "hidden"),
    [
        ("１３８１６６０５６７８", "１６６０"),
        ("138－1660－5678", "1660"),
        ("138\u30001660\u30005678", "1660"),
        ("（021）6543 2100", "6543"),
        ("３１０１０１１９５００３０７００１７", "１９５００３０７"),
    ],
)
def test_a_number_typed_in_full_width_forms_is_masked_in_a_logged_url(typed, hidden):
    """The box sends full-width digits, hyphens and spaces percent-encoded (%EF%BC%91…): the request's
    log line held the number whole, the encoding splitting it where the masking looked."""
    from urllib.parse import quote_plus, unquote_plus

    line = f'"GET /cases/?status=&q={quote_plus(typed)}&page=2 HTTP/1.1" 200'
    masked = mask_for_log(line)
    assert hidden not in unquote_plus(masked), masked
    assert quote_plus(hidden) not in masked
    assert masked.startswith('"GET /cases/?status=&q=') and masked.endswith('&page=2 HTTP/1.1" 200')


def test_encoded_text_without_a_number_is_logged_as_it_came():
    line = '"GET /cases/?q=%E6%BC%8F%E6%B0%B4+2026-0453&created_from=2026-12-07 HTTP/1.1" 200'
    assert mask_for_log(line) == line


@pytest.mark.parametrize(
    ("typed", "masked"),
    [
        ("6543-2100", "****2100"),  # a Shanghai landline's eight digits split by a hyphen
        ("电话6543-2100，请回电", "电话****2100，请回电"),
        ("６５４３－２１００", "****２１００"),  # full-width, as a Chinese input method types it
        ("6543 - 2100", "****2100"),
        ("6543——2100", "****2100"),
        ("6543-2100-8021", "****2100-8021"),  # an extension
        ("6543-2100转8021", "****2100转8021"),
        ("2026-12-07 6543-2100", "2026-12-07 ****2100"),  # a date before it
        ("021-6543-2100", "021-****2100"),  # with the area code: as before
        ("(021) 6543-2100", "(021) ****2100"),
        ("6543 2100", "****2100"),
        ("5678-1234", "****1234"),  # falling halves are no range
    ],
)
def test_a_landline_split_by_a_hyphen_is_masked_as_other_landlines(typed, masked):
    assert mask_numbers_in_text(typed) == masked
    assert holds_numbers(typed)


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-07",
        "2026-0042",  # a case number
        "事项2026-0042已办结",
        "２０２６－００４２",
        "2025-2026",  # a span of years
        "1998-2005年",
        "449弄12号302",
        "1200-3000元",  # an amount
        "1200-3000 元",
        "补助3000-5000",  # a range of round figures
        "¥3000-5000",
        "￥4500-6800",
        "1200-1300号",  # numbers of a lane
        "面积2500-3500平",
        "2130-2230",  # times of day
        "HG-6543-2100",  # a reference
        "沪房〔2026〕6543-2100号",
    ],
)
def test_eight_digits_split_by_a_hyphen_that_are_no_landline_are_kept(text):
    assert mask_numbers_in_text(text) == text
    assert not holds_numbers(text)


WRITTEN = "已联系138 1234 5678，座机021-6543-2100，另6543 2100，身份证310109195003050017"


def test_numbers_left_as_their_masks_show_them_are_put_back_whole():
    shown = mask_numbers_in_text(WRITTEN)
    assert shown == "已联系138****5678，座机021-****2100，另****2100，身份证3101**********0017"
    assert keep_hidden_digits(shown, WRITTEN) == WRITTEN
    assert keep_hidden_digits(f"{shown}，明日上门", WRITTEN) == f"{WRITTEN}，明日上门"
    assert keep_hidden_digits("请回电138****5678", "x", WRITTEN) == "请回电138 1234 5678"  # any of the texts
    full_width = "座机６５４３－２１００"
    assert keep_hidden_digits(mask_numbers_in_text(full_width), full_width) == full_width


@pytest.mark.parametrize(
    "typed",
    [
        "138****5679",  # a mask changed
        "1138****5678",  # part of a longer run of digits
        "138****56789",
        "*138****5678",
        "138***5678",
        "没有号码",
    ],
)
def test_what_no_mask_of_the_written_text_shows_is_kept_as_typed(typed):
    assert keep_hidden_digits(typed, WRITTEN) == typed


def test_a_mask_two_different_numbers_show_is_kept_as_typed():
    assert keep_hidden_digits("138****5678", "13812345678或13899995678") == "138****5678"
    # One number written twice is one number: put back as first written.
    assert keep_hidden_digits("138****5678", "138 1234 5678或13812345678") == "138 1234 5678"
