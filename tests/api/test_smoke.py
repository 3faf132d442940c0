from starlette.testclient import TestClient


def test_report_is_stored_and_listed(client: TestClient, news_site: str, admin_token: str) -> None:
    body = {
        "site": news_site,
        "url": "https://news.example/a",
        "quote": {"exact": "intergration", "prefix": "to ", "suffix": " into"},
    }
    answer = client.post("/api/v1/reports", json=body, headers={"origin": "https://news.example"})
    assert answer.status_code == 202, answer.text
    groups = client.get("/api/v1/groups", headers={"authorization": f"Bearer {admin_token}"})
    assert [g["quote"]["exact"] for g in groups.json()["items"]] == ["intergration"]
