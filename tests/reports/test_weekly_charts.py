"""The weekly report's charts: the dashboard's figures drawn as PNG images, shown inline by cid."""

import re
from datetime import date

import pytest
from django.utils import timezone, translation

from casework.accounts import roles
from casework.outbox.models import OutboundInlineImage
from casework.people.models import Person
from casework.reports import services
from casework.reports.dashboard.charts import by_month, render_png, ticks
from casework.reports.dashboard.counts import default_period
from casework.reports.dashboard.summary import summary_refresh, user_dashboard
from tests import factories
from tests.outbox.test_email_delivery import smtp  # noqa: F401 (fixture)
from tests.reports.test_weekly_report import NAMES, D, figures  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

CHARTS = ["caseload", "waiting", "delays", "decisions", "departures", "coming_of_age"]


def _dashboard(user):
    return user_dashboard(
        user=user, persons=Person.objects.visible_to(user), slice_key="", period=default_period(D), today=D
    )


def _waiting_on_france(org, persons):
    request = factories.GovernmentRequestFactory(
        organisation=org, authority=factories.GovernmentAuthorityFactory(country="FR"), submitted=True
    )
    for person in persons:
        factories.RequestedPersonFactory(request=request, person=person)


def test_the_report_arrives_on_a_real_smtp_server_with_its_charts_inline(
    org_a,
    supervisor_a,
    figures,  # noqa: F811 (the fixture imported above)
    smtp,  # noqa: F811
    django_capture_on_commit_callbacks,
    send_in_process,
):
    with django_capture_on_commit_callbacks(execute=True):
        [message] = services.weekly_report_build(organisation_id=org_a.pk, today=D)

    [received] = smtp.received
    assert received.get_content_type() == "multipart/mixed"  # the XLSX beside the body
    [related] = [p for p in received.walk() if p.get_content_type() == "multipart/related"]
    html_part, *images = related.get_payload()
    assert html_part.get_content_type() == "text/html"
    html = html_part.get_payload(decode=True).decode()
    assert [p.get_content_type() for p in images] == ["image/png"] * len(CHARTS)
    referenced = re.findall(r'src="cid:([^"]+)"', html)
    assert [f"<{cid}>" for cid in referenced] == [p["Content-ID"] for p in images]
    assert [cid.split(".")[0] for cid in referenced] == [f"chart-{key}" for key in CHARTS]
    for part in images:
        assert part.get_payload(decode=True).startswith(b"\x89PNG\r\n\x1a\n")
        assert part.get_content_disposition() == "inline"
    # The text part is the multipart/alternative's first choice; it tells the reader of the charts.
    [text] = [p for p in received.walk() if p.get_content_type() == "text/plain"]
    assert "shows 6 charts of the dashboard" in text.get_payload(decode=True).decode()
    assert OutboundInlineImage.objects.filter(message=message).count() == len(CHARTS)
    for secret in (*NAMES, *(p.case_number for p in figures)):
        assert secret not in received["Subject"] and secret not in html


@pytest.mark.parametrize("source", ["live", "summary"])
def test_the_images_draw_the_dashboards_data_with_small_counts_left_out(
    org_a,
    supervisor_a,
    figures,  # noqa: F811 (the fixture imported above)
    source,
    django_capture_on_commit_callbacks,
    send_in_process,
):
    _waiting_on_france(org_a, figures[:2])
    if source == "summary":
        summary_refresh(as_of=D)
    board = _dashboard(supervisor_a)
    with django_capture_on_commit_callbacks(execute=True):
        [message] = services.weekly_report_build(organisation_id=org_a.pk, today=D)

    images = {i.content_id.split(".")[0]: bytes(i.content) for i in message.inline_images.all()}
    assert list(images) == [f"chart-{key}" for key in CHARTS]
    for key in CHARTS:
        data = board.figure(key).chart_data()
        # The same drawing of the same data as the supervisor's dashboard (the renderer is deterministic).
        assert images[f"chart-{key}"] == render_png(data), key
    # Two persons waiting on France, overdue: below the threshold, not drawn; the key table says "<5".
    assert board.figure("waiting").rows == (("France", (2, 2, 100)),)
    assert [d["data"] for d in board.figure("waiting").chart_data()["datasets"]] == [[None], [None]]
    key = message.body_html.split('data-key="waiting"')[1].split("</table>")[0]
    assert '<td style="padding: 2px 8px;">&lt;5</td>' in key
    assert '<td style="padding: 2px 8px;">100</td>' in key
    # Decisions in May (two accepted, one refused), none in June: none drawn, zeros are.
    assert board.figure("decisions").rows[-2:] == (("2025-05", (2, 0, 1)), ("2025-06", (0, 0, 0)))
    assert [d["data"][-2:] for d in board.figure("decisions").chart_data()["datasets"]] == [
        [None, 0],
        [0, 0],
        [None, 0],
    ]


def test_the_images_hold_numbers_and_months_only_and_the_words_are_in_the_readers_language(
    org_a,
    supervisor_a,
    figures,  # noqa: F811 (the fixture imported above)
    django_capture_on_commit_callbacks,
    send_in_process,
):
    _waiting_on_france(org_a, figures[:2])
    arabic = factories.UserFactory(organisation=org_a, username="mushrif", language="ar", role=roles.SUPERVISOR)
    with django_capture_on_commit_callbacks(execute=True):
        english, in_arabic = services.weekly_report_build(organisation_id=org_a.pk, today=D)

    board = _dashboard(supervisor_a)
    for figure in board.charts:
        data = figure.chart_data()
        written = ticks(data)
        assert all(re.fullmatch(r"\d{4}-\d{2}|\d+", label) for label in written), figure.key
        assert by_month(data) == (figure.key in ("caseload", "decisions", "departures"))
    # One image for every language: the same content ids and bytes in both e-mails.
    assert [(i.content_id, bytes(i.content)) for i in english.inline_images.all()] == [
        (i.content_id, bytes(i.content)) for i in in_arabic.inline_images.all()
    ]
    assert in_arabic.recipient == arabic and '<html lang="ar" dir="rtl">' in in_arabic.body_html
    with translation.override("ar"):
        france = str(_dashboard(supervisor_a).figure("waiting").rows[0][0])
    assert france != "France" and f'<td style="padding: 2px 8px;">{france}</td>' in in_arabic.body_html


def test_a_report_without_a_summary_counts_the_charts_live_and_says_nothing_of_a_refresh(
    org_a,
    supervisor_a,
    figures,  # noqa: F811 (the fixture imported above)
    django_capture_on_commit_callbacks,
    send_in_process,
):
    with django_capture_on_commit_callbacks(execute=True):
        [live] = services.weekly_report_build(organisation_id=org_a.pk, today=D)
    assert "nightly summary" not in live.body_html

    summary_refresh(as_of=D)
    with django_capture_on_commit_callbacks(execute=True):
        [served] = services.weekly_report_build(organisation_id=org_a.pk, today=date(2025, 6, 9))
    assert "Figures of the nightly summary refreshed on" in served.body_html
    assert timezone.localdate() >= D
