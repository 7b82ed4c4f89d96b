"""In English the case page's labels are capitalised alike: statuses, sources, priorities and photo
stages read "walk-in", "normal", "before", "resolved" beside the category's "Drainage". Inside a
timeline sentence they read as words ("now in progress"); the Chinese stays as it was."""

from django.urls import reverse

from cases import services
from committee.access import Access
from tests.cases.page_text import text_of
from tests.factories import jpeg_upload, make_case

EN = {"accept-language": "en"}


def test_the_case_pages_labels_are_capitalised_in_english_and_unchanged_in_chinese(org, as_user):
    case = make_case(org.worker_a, org.a, source="walk_in", priority="urgent")
    services.take(access=Access(org.worker_a), case=case)  # "Took the case; now in progress."
    services.add_attachment(access=Access(org.worker_a), case=case, uploaded=jpeg_upload("门口.jpg"))
    client = as_user(org.worker_a)
    url = reverse("cases:detail", args=[case.pk])
    english = text_of(client.get(url, headers=EN).text)
    for said in ("In progress", "Source Walk-in", "Priority Urgent", "Before"):
        assert said in english, said
    for lower in ("in progress Urgent", "walk-in", "urgent"):
        assert f" {lower} " not in f" {english.split('Timeline')[0]} ", lower
    assert "now in progress" in english.split("Timeline")[1]  # a word inside the sentence
    chinese = text_of(client.get(url).text)
    for said in ("办理中", "来源 来访", "紧急程度 紧急", "处理前"):
        assert said in chinese, said
