"""bench.crawl: every page a user reaches from the home page, each URL shape at most twice."""

from bench.crawl import crawl, shape
from tests.factories import make_case


def test_the_crawl_follows_the_links_of_a_worker_once_per_shape(org, as_user):
    for n in range(4):
        make_case(org.worker_a, org.a, title=f"事项{n}")
    visits = crawl(as_user(org.worker_a), pages=60)
    urls = [visit.url for visit in visits]
    assert urls[0] == "/" and "/cases/" in urls and "/dashboard/" in urls
    case_pages = [url for url in urls if shape(url) == "/cases/N/"]
    assert len(case_pages) == 2  # four cases listed, two of their pages visited
    assert all(visit.status in (200, 302, 403) and visit.queries for visit in visits)
    assert not any(url.startswith("/accounts/logout") or ".xlsx" in url for url in urls)


def test_a_shape_takes_the_numbers_and_query_values_out():
    assert shape("/cases/7/?page=2&q=积水") == "/cases/N/?page=&q="
    assert shape("/residents/") == "/residents/"
