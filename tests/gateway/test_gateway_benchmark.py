"""Benchmark, development and KL pages and API through the gateway, with the fake services.

Tenancy: the municipality is the session's, whatever the URL says; another tenant's unit is a
404; KL reaches group figures only and no municipal route; municipal users reach no KL route.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from tests.benchmark.fakes import FakeBenchmark, HistoryScoring, _scores
from tests.gateway.conftest import FakeRpc, make_questionnaire

OWN, OTHER = 101, 751
KL = {"email": "analytiker@kl.dk", "municipality": "kl"}


@pytest.fixture
def fake_rpc() -> FakeRpc:
    """Benchmark and scoring that know history and figures; survey knows a closed 2024 round."""
    rpc = FakeRpc()
    rpc.survey.questionnaires[2024] = make_questionnaire(2024)
    rpc.benchmark = FakeBenchmark()
    rpc.services["benchmark"] = rpc.benchmark
    rpc.services["scoring"] = HistoryScoring(rpc.scoring)
    return rpc


def svgs(html: str) -> list[ET.Element]:
    found = re.findall(r'<svg[^>]*class="chart".*?</svg>', html, flags=re.S)
    return [ET.fromstring(m) for m in found]  # noqa: S314 - our own output, parsed to check it


def test_benchmark_page_draws_charts_with_tables(client, login):
    login()
    page = client.get("/runder/2025/sammenligning")
    assert page.status_code == 200
    charts = svgs(page.text)
    assert len(charts) == 2  # areas against the group, a unit against the rest
    ns = "{http://www.w3.org/2000/svg}"
    for chart in charts:
        assert chart.get("role") == "img"
        title, desc = chart.find(f"{ns}title"), chart.find(f"{ns}desc")
        assert title.text and desc.text
        assert chart.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "Modenhed pr. indsatsområde 2025 sammenlignet med Hele landet" in page.text
    assert page.text.count("<table") >= 3
    own = _scores(OWN, 2025)["overall"]
    assert f"{own:.1f}".replace(".", ",") in page.text
    assert re.search(r"(Laveste|Næstlaveste|Næsthøjeste|Højeste) fjerdedel", page.text)
    assert "Aarhus" not in page.text


def test_only_the_viewers_own_fixed_groups_can_be_chosen(client, login):
    login()
    region = client.get("/runder/2025/sammenligning?gruppe=region")
    assert "sammenlignet med Region Hovedstaden" in region.text
    size = client.get("/runder/2025/sammenligning?gruppe=size")
    assert "sammenlignet med Kommuner over 100.000 indbyggere" in size.text
    for forged in ("region:Midtjylland", "Midtjylland", "size:small"):
        page = client.get(f"/runder/2025/sammenligning?gruppe={forged}")
        assert page.status_code == 200
        assert "sammenlignet med Hele landet" in page.text
        assert "Region Midtjylland" not in page.text


def test_api_benchmark_is_the_sessions_municipality(client, login, fake_rpc):
    login()
    response = client.get("/api/v1/rounds/2025/benchmark?municipality_id=751")
    assert response.status_code == 200
    body = response.get_json()
    assert fake_rpc.calls_to("get_benchmark")[-1][3] == {"municipality_id": OWN, "year": 2025}
    assert body["overall"]["own"] == pytest.approx(_scores(OWN, 2025)["overall"])
    assert body["overall"]["own"] != pytest.approx(_scores(OTHER, 2025)["overall"])
    assert [g["key"] for g in body["groups"]] == ["all", "region:Hovedstaden", "size:largest"]
    assert set(body["overall"]["bands"].values()) <= {
        "lowest",
        "lower_middle",
        "upper_middle",
        "highest",
    }
    assert "municipality_id" not in json.dumps(body)


def test_other_tenant_logs_in_and_sees_only_its_own(client, login, fake_rpc):
    login(email="koordinator@aarhus.dk", municipality=OTHER)
    body = client.get("/api/v1/rounds/2025/benchmark").get_json()
    assert body["overall"]["own"] == pytest.approx(_scores(OTHER, 2025)["overall"])
    assert [g["key"] for g in body["groups"]][1] == "region:Midtjylland"
    assert fake_rpc.calls_to("get_benchmark")[-1][3] == {"municipality_id": OTHER, "year": 2025}


def test_draft_round_has_no_benchmark(client, login):
    login()
    assert client.get("/api/v1/rounds/2027/benchmark").status_code == 404
    assert client.get("/runder/2027/sammenligning").status_code == 404


def test_unit_comparison_own_unit_only(client, login):
    login()
    own = client.get("/api/v1/rounds/2025/units/1/comparison")
    assert own.status_code == 200
    body = own.get_json()
    assert body["unit_id"] == 1
    # FakeScoring: unit 1 governance 3.5, no other unit has scores.
    assert body["areas"][0] == {
        "key": "governance",
        "unit": 3.5,
        "rest": None,
        "rest_units": 0,
        "difference": None,
        "below_acceptable": False,
    }
    foreign = client.get("/api/v1/rounds/2025/units/9/comparison")
    assert foreign.status_code == 404
    assert foreign.mimetype == "application/problem+json"
    assert client.get("/runder/2025/sammenligning?enhed=9").status_code == 404


def test_preliminary_figures_are_marked(client, login):
    login()
    page = client.get("/runder/2026/sammenligning")
    assert page.status_code == 200
    assert "Foreløbige tal" in page.text
    assert "≥ " in page.text
    body = client.get("/api/v1/rounds/2026/benchmark").get_json()
    assert body["state"] == "preliminary"
    assert body["overall"]["cells"]["all"]["approximate"] is True
    assert body["overall"]["cells"]["all"]["n"] % 5 == 0


def test_withheld_figures_say_so(client, login, fake_rpc, monkeypatch):
    real = fake_rpc.benchmark.get_benchmark

    def withheld(municipality_id: int, year: int) -> dict:
        view = real(municipality_id, year)
        for entry in [view["overall"], *view["areas"]]:
            entry["cells"]["all"] = None
            entry["bands"]["all"] = None
        return view

    monkeypatch.setattr(fake_rpc.benchmark, "get_benchmark", withheld)
    login()
    page = client.get("/runder/2025/sammenligning")
    assert page.status_code == 200
    assert "Ikke vist" in page.text
    assert "ikke vist" in page.text  # in the chart as well


def test_benchmark_down_is_a_503_but_history_still_works(client, login, fake_rpc):
    login()
    fake_rpc.down.add("benchmark")
    assert client.get("/runder/2025/sammenligning").status_code == 503
    page = client.get("/udvikling")
    assert page.status_code == 200
    assert "Landstallene kan ikke hentes" in page.text
    api = client.get("/api/v1/history")
    assert api.status_code == 200
    assert api.get_json()["national"] is None


def test_history_page_and_api(client, login):
    login()
    page = client.get("/udvikling")
    assert page.status_code == 200
    charts = svgs(page.text)
    assert len(charts) == 3  # overall and the two areas
    assert "Aarhus Forvaltning" not in page.text
    assert "Borgerservice" in page.text
    body = client.get("/api/v1/history").get_json()
    assert body["years"] == [2025, 2026]
    assert body["states"] == {"2025": "closed", "2026": "open"}
    assert [u["id"] for u in body["units"]] == [1, 2]
    assert body["overall"][0]["score"] == pytest.approx(_scores(OWN, 2025)["overall"])
    assert body["comparisons"][0]["from_year"] == 2025
    assert body["comparisons"][0]["share"] == 1.0
    assert body["national"]["metrics"]["overall"]["2025"]["n"] == 98


def test_kl_reaches_no_municipal_route(client, login):
    login(**KL)
    for path in (
        "/api/v1/history",
        "/api/v1/rounds/2025/benchmark",
        "/api/v1/rounds/2025/units/1/comparison",
    ):
        response = client.get(path)
        assert response.status_code == 403, path
        assert response.mimetype == "application/problem+json"
    for path in ("/udvikling", "/sammenligning", "/runder/2025/sammenligning"):
        assert client.get(path).status_code == 403, path


def test_kl_sees_group_figures_only(client, login, fake_rpc):
    login(**KL)
    response = client.get("/api/v1/kl/rounds/2025/benchmark?municipality_id=101&unit_id=1")
    assert response.status_code == 200
    assert fake_rpc.calls_to("get_national")[-1][3] == {"year": 2025}
    body = response.get_json()
    assert set(body) == {
        "year",
        "state",
        "acceptable_level",
        "groups",
        "participation",
        "metrics",
        "priorities",
        "computed_at",
    }
    group_keys = {g["key"] for g in body["groups"]}
    assert len(group_keys) == 10
    for cells in body["metrics"].values():
        assert set(cells) == group_keys
    text = json.dumps(body)
    assert '"own"' not in text and "municipality" not in text and "København" not in text
    assert body["participation"]["all"] == {"members": 98, "participants": 98, "complete": 80}
    shares = [row["share_below"] for row in body["priorities"]["areas"]]
    assert shares == sorted(shares, reverse=True)


def test_kl_pages(client, login):
    login(**KL)
    page = client.get("/kl")
    assert page.status_code == 200
    assert "Landsbilledet" in page.text
    assert "Hvor der er mest brug for en fælles indsats" in page.text
    assert len(svgs(page.text)) == 1
    assert "Region Nordjylland" in page.text
    older = client.get("/kl?aar=2024")
    assert "KL og administration 2024" in older.text
    development = client.get("/kl/udvikling")
    assert development.status_code == 200
    assert "2024–2025" in development.text
    assert len(svgs(development.text)) == 3
    api = client.get("/api/v1/kl/development").get_json()
    panel = api["steps"][0]["panel"]["overall"]
    # Every seventh kommunekode skipped 2024: the panel is those that answered both years.
    assert panel["n"] == len([m for m in _members() if m % 7 != 0])
    assert api["years"][0]["participation"]["participants"] == panel["n"]


def _members() -> set[int]:
    from services.benchmark.service import membership

    return set(membership())


def test_municipal_users_reach_no_kl_route(client, login):
    login(email="besvarer@kk.dk")
    for path in ("/api/v1/kl/rounds", "/api/v1/kl/rounds/2025/benchmark", "/api/v1/kl/development"):
        response = client.get(path)
        assert response.status_code == 403, path
    assert client.get("/kl/udvikling").status_code == 403
    assert client.get("/kl").status_code == 302


def test_anonymous_gets_401_and_login_redirects(client):
    assert client.get("/api/v1/kl/development").status_code == 401
    assert client.get("/api/v1/history").status_code == 401
    assert client.get("/udvikling").status_code == 302
    assert client.get("/kl/udvikling").status_code == 302


def test_english_pages(client, login):
    login()
    client.get("/sprog/en?next=/")
    page = client.get("/runder/2025/sammenligning?gruppe=size")
    assert "compared with Municipalities over 100,000 inhabitants" in page.text
    assert "Your overall maturity index" in page.text


def test_openapi_documents_the_new_routes(client):
    document = client.get("/api/v1/openapi.json").get_json()
    paths = document["paths"]
    for path in (
        "/api/v1/history",
        "/api/v1/rounds/{year}/benchmark",
        "/api/v1/rounds/{year}/units/{unit_id}/comparison",
        "/api/v1/kl/rounds",
        "/api/v1/kl/rounds/{year}/benchmark",
        "/api/v1/kl/development",
    ):
        assert "403" in paths[path]["get"]["responses"], path
    cell = document["components"]["schemas"]["Cell"]
    assert set(cell["required"]) >= {"n", "median", "q1", "q3", "mean", "share_acceptable"}
    panel = document["components"]["schemas"]["Panel"]
    assert {"from", "to"} <= set(panel["properties"])


def test_service_unavailable_on_kl_api(client, login, fake_rpc):
    login(**KL)
    fake_rpc.down.add("benchmark")
    response = client.get("/api/v1/kl/development")
    assert response.status_code == 503
    assert response.headers["Retry-After"]
