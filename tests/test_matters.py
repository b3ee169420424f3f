"""Matters through a real server: a client's file is seen by its members only, by no read path of
anyone else, and leaves no byte under the data directory once erased."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet

from ingest.metadata import Overrides
from kb.accounts import Accounts, User
from kb.matters import MatterNotFound, MatterRefused, Matters
from kb.text import terms

# A word no text but the client's holds, and its forms an index could keep.
TOKEN = "zqxjvkwplm"
STATEMENT = (
    "Statement of the client.\n\n"
    f"My name is {TOKEN.capitalize()} Okoro and my phone number is 07700 900777. "
    "I was recruited in my home town with the promise of a job in a restaurant. On arrival the employer "
    "took my passport and said I owed him the cost of the journey. I worked sixteen hours a day and was "
    f"never paid. Reference {TOKEN}.\n"
)


def _client(served, who: str | None) -> httpx.Client:
    url, keys, _ = served
    headers = {"X-API-Key": keys[who]} if who else {}
    return httpx.Client(base_url=url, headers=headers, timeout=300)


def _matter_with_statement(served) -> tuple[str, str]:
    with _client(served, "alice") as alice:
        created = alice.post("/api/matters", json={"name": f"Client {TOKEN}"})
        assert created.status_code == 201, created.text
        matter = created.json()["id"]
        uploaded = alice.post(
            f"/api/matters/{matter}/documents", files={"file": (f"statement-{TOKEN}.txt", STATEMENT.encode())}
        )
        assert uploaded.status_code == 201, uploaded.text
        return matter, uploaded.json()["indexed"][0]["document_id"]


def test_matters_need_a_key_and_a_lawyer_to_open_one(served):
    with _client(served, None) as anonymous, _client(served, "rita") as rita:
        assert anonymous.get("/api/matters").status_code == 401
        assert anonymous.post("/api/matters", json={"name": "x"}).status_code == 401
        assert anonymous.get("/api/search", params={"q": "passport", "matter": "x"}).status_code == 401
        refused = rita.post("/api/matters", json={"name": "x"})
        assert refused.status_code == 403 and "lawyer" in refused.json()["detail"]


def test_a_matter_is_found_with_the_law_by_its_members_only(served):
    matter, _ = _matter_with_statement(served)
    with _client(served, "alice") as alice, _client(served, "bob") as bob:
        found = alice.get("/api/search", params={"q": "employer took my passport", "matter": matter}).json()
        marked = {hit["matter"] for hit in found["results"]}
        assert marked == {matter, None}  # the client's statement and the law, each marked
        assert any(TOKEN in hit["text"] for hit in found["results"] if hit["matter"] == matter)
        assert [m["id"] for m in alice.get("/api/matters").json()] == [matter]
        assert bob.get("/api/matters").json() == []
        assert bob.get(f"/api/matters/{matter}").status_code == 404  # not 403: its existence is private
        assert bob.get("/api/search", params={"q": "passport", "matter": matter}).status_code == 404
        assert bob.get(f"/api/matters/{matter}/audit").status_code == 404
        assert alice.post(f"/api/matters/{matter}/members", json={"user": "bob"}).status_code == 200
        shared = bob.get("/api/search", params={"q": "employer took my passport", "matter": matter}).json()
        assert any(hit["matter"] == matter for hit in shared["results"])
        assert bob.get(f"/api/matters/{matter}/audit").status_code == 403  # the owner's only
        assert bob.delete(f"/api/matters/{matter}").status_code == 403
        made = alice.post(f"/api/matters/{matter}/collections", json={"name": "Residence"})
        assert made.status_code == 201 and made.json()["name"] == "Residence"
        assert [c["name"] for c in bob.get(f"/api/matters/{matter}/collections").json()] == ["Residence"]
        assert "Residence" not in [c["name"] for c in alice.get("/api/collections").json()]  # the matter's, not hers
        assert alice.delete(f"/api/matters/{matter}/members/bob").status_code == 200
        assert bob.get(f"/api/matters/{matter}").status_code == 404
        assert bob.get(f"/api/matters/{matter}/collections").status_code == 404
        log = alice.get(f"/api/matters/{matter}/audit").json()
        assert [e["action"] for e in log][:2] == ["created matter", "added document"]
        assert bob.post(f"/api/matters/{matter}/notes", json={"text": "x"}).status_code == 404
        assert alice.post(f"/api/matters/{matter}/notes", json={"text": "Interpreter: Tigrinya"}).status_code == 201
        assert [n["text"] for n in alice.get(f"/api/matters/{matter}/notes").json()] == ["Interpreter: Tigrinya"]
        assert {"added member bob", "removed member bob", "searched"} <= {e["action"] for e in log}
        assert "passport" not in str(log)  # who did what, never the text
        assert alice.delete(f"/api/matters/{matter}").status_code == 204


def test_no_read_path_of_a_non_member_returns_a_matters_text(served):
    matter, document_id = _matter_with_statement(served)
    words = "statement of the client: recruited for a restaurant, the employer took my passport, reference"
    reads = [  # the queries do not hold the token: a response holding it would hold the matter's text
        ("GET", "/api/search", {"params": {"q": words, "facets": True}}),
        ("POST", "/api/search", {"json": {"q": words, "limit": 50, "context": True}}),
        ("POST", "/api/ask", {"json": {"question": "The employer took my passport, can I stay?"}}),
        ("POST", "/api/compare", {"json": {"jurisdictions": ["US"], "topics": ["temporary_residence"]}}),
        ("GET", "/api/documents", {}),
        ("GET", "/api/collections", {}),
        ("GET", "/api/export", {"params": {"topic": "identification", "format": "markdown"}}),
    ]
    for who in ("bob", "rita", None):
        with _client(served, who) as client:
            for method, path, extra in reads:
                response = client.request(method, path, **extra)
                assert response.status_code < 500, (who, path, response.text)
                assert TOKEN not in response.text.lower(), (who, path)
            assert client.get("/api/search", params={"q": TOKEN, "matter": matter}).status_code in (401, 404)
            assert client.get(f"/api/documents/{document_id}").status_code == 404  # the law's documents only
    with _client(served, "alice") as alice:
        hits = alice.get("/api/search", params={"q": TOKEN, "matter": matter}).json()["results"]
        passage_id = next(hit["id"] for hit in hits if hit["matter"] == matter)
        assert alice.get(f"/api/passages/{passage_id}").status_code == 404  # the public passage routes read the law
        assert alice.delete(f"/api/matters/{matter}").status_code == 204


def _files_holding(folder: Path, needles: list[bytes]) -> list[str]:
    return [
        str(path)
        for path in folder.rglob("*")
        if path.is_file() and any(needle in path.read_bytes().lower() for needle in needles)
    ]


def test_an_erased_matter_leaves_no_byte_of_its_text(served):
    _, _, data = served
    matter, _ = _matter_with_statement(served)
    with _client(served, "alice") as alice:
        assert alice.post(f"/api/matters/{matter}/notes", json={"text": f"Call {TOKEN} back"}).status_code == 201
        saved = alice.post(
            f"/api/matters/{matter}/collections/Law for {TOKEN}/items",
            json={"citation": "Model Convention, art 2", "note": f"Ask {TOKEN} about the recruiter"},
        )
        assert saved.status_code == 201, saved.text
    forms = {TOKEN, *terms(TOKEN)}  # as written, and as the BM25 leg stems it
    needles = [form.encode(encoding) for form in forms for encoding in ("utf-8", "utf-16-le", "utf-16-be")]
    held = _files_holding(data, needles)
    assert held  # the index holds it in clear (vectors and passages are not encrypted)...
    originals = list((data / "matters" / matter / "files").iterdir())
    assert originals and not _files_holding(data / "matters" / matter / "files", needles)  # ...the originals are
    with _client(served, "alice") as alice:
        assert alice.delete(f"/api/matters/{matter}").status_code == 204
        assert alice.get(f"/api/matters/{matter}").status_code == 404
        assert alice.get("/api/search", params={"q": TOKEN, "matter": matter}).status_code == 404
    assert _files_holding(data, needles) == []
    assert not any(matter in path.name for path in data.rglob("*"))


def test_originals_are_encrypted_with_the_servers_key_and_refused_without_one(tmp_path: Path):
    owner = User("alice", "lawyer")
    key = Fernet.generate_key().decode()
    with_key = Matters(tmp_path / "a", lambda name: None, key)
    matter = with_key.create("Client A", owner)
    kept = with_key.keep_original(matter.id, owner, "statement.txt", STATEMENT.encode())
    assert TOKEN.encode() not in kept.read_bytes()
    assert with_key.original(kept) == ("statement.txt", STATEMENT.encode())
    with pytest.raises(MatterNotFound):
        with_key.keep_original(matter.id, User("bob", "lawyer"), "x.txt", b"x")
    with_key.close()
    without = Matters(tmp_path / "b", lambda name: None, None)
    other = without.create("Client B", owner)
    with pytest.raises(MatterRefused, match="KB_SECRET_KEY"):
        without.keep_original(other.id, owner, "statement.txt", b"text")
    without.close()


def test_keys_are_shown_once_kept_as_hashes_and_stop_working_when_reset_or_removed(tmp_path: Path):
    accounts = Accounts(tmp_path / "accounts.sqlite3")
    key = accounts.add("Alice", "lawyer")
    assert accounts.by_key(key) == User("alice", "lawyer")
    assert key.encode() not in (tmp_path / "accounts.sqlite3").read_bytes()
    assert accounts.by_key(key[:-1] + ("A" if key[-1] != "A" else "B")) is None
    new = accounts.reset_key("alice")
    assert accounts.by_key(key) is None and accounts.by_key(new) == User("alice", "lawyer")
    accounts.set_password("alice", "correct horse battery")
    assert accounts.by_password("alice", "correct horse battery") == User("alice", "lawyer")
    assert accounts.by_password("alice", "wrong horse battery") is None
    accounts.remove("alice")
    assert accounts.by_key(new) is None and accounts.users() == []
    accounts.close()


def test_a_statement_is_analysed_into_issues_with_their_sentences_and_provisions(served):
    matter, document_id = _matter_with_statement(served)
    with _client(served, "alice") as alice, _client(served, "bob") as bob:
        analysed = alice.post(
            f"/api/matters/{matter}/analyse", json={"jurisdictions": ["US"], "document_id": document_id}
        )
        assert analysed.status_code == 200, analysed.text
        found = analysed.json()["jurisdictions"]["US"]
        issues = {issue["id"]: issue for issue in found["issues"]}
        assert {"recruitment_by_deception", "withheld_documents", "debt_bondage", "forced_labour"} <= set(issues)
        assert "took my passport" in issues["withheld_documents"]["sentences"][0]["text"]
        assert all(p["jurisdiction"] in {"US", "UN"} for p in found["provisions"])  # the law asked for only
        assert found["provisions"] and all(p["citation"] for p in found["provisions"])
        missing = alice.post(f"/api/matters/{matter}/analyse", json={"jurisdictions": ["US"]})
        assert missing.status_code == 400 and "statement" in missing.json()["detail"]
        unknown = alice.post(f"/api/matters/{matter}/analyse", json={"jurisdictions": ["ZZ"], "text": "x y z"})
        assert unknown.status_code == 400
        assert (
            bob.post(f"/api/matters/{matter}/analyse", json={"jurisdictions": ["US"], "text": "x"}).status_code == 404
        )
        assert alice.delete(f"/api/matters/{matter}").status_code == 204


def test_a_document_leaves_its_matter_redacted_unless_the_owner_asks(served):
    matter, document_id = _matter_with_statement(served)
    with _client(served, "alice") as alice, _client(served, "bob") as bob:
        listed = alice.get(f"/api/matters/{matter}/documents").json()
        assert [d["id"] for d in listed] == [document_id]
        exported = alice.get(f"/api/matters/{matter}/documents/{document_id}/export")
        assert exported.status_code == 200 and "[PERSON]" in exported.text
        assert TOKEN.capitalize() not in exported.text and "took my passport" in exported.text
        assert "07700 900777" not in exported.text and "[PHONE_NUMBER]" in exported.text
        whole = alice.get(f"/api/matters/{matter}/documents/{document_id}/export", params={"redact": False})
        assert TOKEN.capitalize() in whole.text
        assert alice.post(f"/api/matters/{matter}/members", json={"user": "bob"}).status_code == 200
        assert (
            bob.get(f"/api/matters/{matter}/documents/{document_id}/export", params={"redact": False}).status_code
            == 403
        )
        log = alice.get(f"/api/matters/{matter}/audit").json()
        added = next(e for e in log if e["action"] == "added document")
        assert "personal data: PERSON" in added["detail"] and TOKEN.capitalize() not in str(log)
        assert alice.delete(f"/api/matters/{matter}").status_code == 204


def test_generated_requests_to_a_matters_routes_get_no_server_error_and_nothing_for_a_non_member(served):
    """Schemathesis over every /api/matters route, with a real matter of alice's in the path, sent by
    bob (a non-member), by rita (a reader) and with no key: no 5xx, and no 2xx on the matter's routes."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings

    url, keys, _ = served
    matter, _ = _matter_with_statement(served)
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    problems: list[str] = []
    sent = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith("/api/matters"):
            continue

        @settings(max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case: schemathesis.Case) -> None:
            nonlocal sent
            if "matter_id" in (case.path_parameters or {}):
                case.path_parameters["matter_id"] = matter
            for who in ("bob", "rita", None):
                headers = {"X-API-Key": keys[who]} if who else {}
                response = case.call(base_url=url, headers=headers, timeout=60)
                sent += 1
                own = "matter_id" in (case.path_parameters or {})
                if response.status_code >= 500 or (own and response.status_code < 300):
                    problems.append(f"{who} {case.method} {case.formatted_path} -> {response.status_code}")

        run()
    with _client(served, "alice") as alice:
        assert alice.get(f"/api/matters/{matter}").status_code == 200  # still there: no one else changed it
        assert alice.delete(f"/api/matters/{matter}").status_code == 204
    assert not problems, "\n".join(problems[:10])
    assert sent >= 100


def test_collections_are_their_owners_through_the_api(served):
    name = f"Module {uuid.uuid4().hex[:6]}"
    with _client(served, "alice") as alice, _client(served, "bob") as bob, _client(served, None) as anonymous:
        assert alice.post("/api/collections", json={"name": name}).status_code == 201
        assert name not in [c["name"] for c in bob.get("/api/collections").json()]
        assert name not in [c["name"] for c in anonymous.get("/api/collections").json()]
        assert bob.get(f"/api/collections/{name}").status_code == 404
        assert bob.get(f"/api/collections/{name}/export").status_code == 404
        assert anonymous.post(f"/api/collections/{name}/share", json={"user": "bob"}).status_code == 401
        shared = alice.post(f"/api/collections/{name}/share", json={"user": "bob"})
        assert shared.status_code == 200, shared.text
        assert {"name": name, "owner": "alice"}.items() <= next(
            c for c in bob.get("/api/collections").json() if c["name"] == name
        ).items()
        assert bob.delete(f"/api/collections/{name}").status_code == 400
        assert alice.delete(f"/api/collections/{name}").status_code == 204


def test_the_public_corpus_takes_no_client_document(matters_library):
    from kb.retrieve import SearchError

    library, _, _ = matters_library
    with pytest.raises(SearchError, match="goes into its matter"):
        library.add_file("statement.txt", STATEMENT.encode(), Overrides(instrument_type="matter_document"))
