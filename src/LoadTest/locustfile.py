"""Load tests of the PatientTests API through the gateway (API Management or the local stand-in).

Every operation of the API, valid and invalid variants as in the 2020 sample, each response checked
for its status and shape. One user class per area, and MixedUser that does everything.

Target and key (never in source):
  --host / LOCUST_HOST                      the gateway, e.g. http://127.0.0.1:7070 or https://<apim>.azure-api.net
  PATIENT_TESTS_SUBSCRIPTION_KEY            the APIM subscription key
  otherwise both are read from .local/stack.json, written by `npm start`.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import string
from collections import deque
from datetime import datetime, timezone
from pathlib import Path

from locust import FastHttpUser, between, events

STACK_FILE = Path(__file__).resolve().parents[2] / ".local" / "stack.json"
GUID = "0f8fad5b-d9cb-469f-a165-70867728950e"  # a well-formed id that no patient has
PATIENT_MEMBERS = {"id", "firstName", "gender", "dateOfBirth", "postCode", "lastUpdated"}
TEST_MEMBERS = {"id", "patientId", "performer", "orderReference", "observations", "lastUpdated"}


def _stack() -> dict:
    try:
        return json.loads(STACK_FILE.read_text())
    except (OSError, ValueError):
        return {}


def subscription_key() -> str:
    key = os.environ.get("PATIENT_TESTS_SUBSCRIPTION_KEY") or _stack().get("gateway", {}).get("subscriptionKey")
    if not key:
        raise SystemExit("Set PATIENT_TESTS_SUBSCRIPTION_KEY, or start the local stack (npm start) so .local/stack.json exists.")
    return key


@events.init_command_line_parser.add_listener
def _default_host(parser):
    parser.set_defaults(host=os.environ.get("LOCUST_HOST") or _stack().get("gateway", {}).get("url", ""))


class IdPool:
    """Ids created during the run, shared by all users of this process. Bounded, so long runs do not grow.

    Locust users are gevent greenlets in one thread and these methods never yield, so no lock is needed.
    """

    def __init__(self, size: int = 2000):
        self._ids: deque = deque(maxlen=size)

    def add(self, item) -> None:
        self._ids.append(item)

    def pick(self):
        return random.choice(self._ids) if self._ids else None


patients = IdPool()
tests = IdPool()


def random_patient() -> dict:
    first = "".join(random.choices(string.ascii_uppercase, k=6))
    last = "LT_" + "".join(random.choices(string.ascii_uppercase, k=6))
    return {
        "firstName": first,
        "lastName": last,
        "fullName": f"{first} {last}",
        "gender": random.choice(["male", "female", "other", "unknown"]),
        "dateOfBirth": f"{random.randint(1920, 2019)}-{random.randint(1, 12):02d}-{random.randint(1, 28):02d}",
        "postCode": str(random.randint(1000, 9998)),
        "insuranceNumber": str(random.randint(0, 9_999_999_999)),
        "preferredContactNumber": str(random.randint(0, 9_999_999_999)),
    }


def random_test(patient_id: str) -> dict:
    token = lambda: "".join(random.choices(string.ascii_uppercase + string.digits, k=8))  # noqa: E731
    return {
        "patientId": patient_id,
        "performer": token(),
        "orderReference": token(),
        "observations": [
            {
                "id": token(),
                "code": token(),
                "measurement": token(),
                "interpretation": token(),
                "status": token(),
                "issued": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        ],
    }


class ApiUser(FastHttpUser):
    """Sends the subscription key and a fresh W3C trace on every request, so a run can be followed in App Insights."""

    abstract = True
    wait_time = between(0.1, 0.5)

    def on_start(self) -> None:
        self.key = subscription_key()

    def send(self, method: str, path: str, name: str, expect: int, body=None, shape=None):
        headers = {
            "Ocp-Apim-Subscription-Key": self.key,
            "traceparent": f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01",
        }
        with self.client.request(method, path, name=name, json=body, headers=headers, catch_response=True) as response:
            if response.status_code != expect:
                response.failure(f"expected {expect}, got {response.status_code}")
                return None
            if expect >= 400:
                if response.headers.get("content-type", "").startswith("application/problem+json"):
                    response.success()
                else:
                    response.failure("an error without a problem document")
                return None
            try:
                payload = response.json()
            except ValueError:
                response.failure("the body is not JSON")
                return None
            if shape is not None and not shape(payload):
                response.failure("the body does not have the documented shape")
                return None
            response.success()
            return payload

    # --- helpers that keep the id pools filled, so every class also works on its own ---
    def a_patient(self):
        return patients.pick() or self.create_patient()

    def a_test(self):
        picked = tests.pick()
        if picked:
            return picked
        patient_id = self.a_patient()
        return self.create_test(patient_id) if patient_id else None

    def create_patient(self):
        created = self.send("POST", "/patient/", "POST /patient", 201, random_patient(), is_patient)
        if created:
            patients.add(created["id"])
            return created["id"]
        return None

    def create_test(self, patient_id: str):
        created = self.send("POST", f"/patient/{patient_id}/tests", "POST /patient/[id]/tests", 201, random_test(patient_id), is_test)
        if created:
            tests.add((patient_id, created["id"]))
            return (patient_id, created["id"])
        return None


def is_patient(body) -> bool:
    return isinstance(body, dict) and PATIENT_MEMBERS <= body.keys()


def is_test(body) -> bool:
    return isinstance(body, dict) and TEST_MEMBERS <= body.keys() and isinstance(body["observations"], list)


def is_list_of(check):
    return lambda body: isinstance(body, list) and all(check(item) for item in body)


# --- tasks, one function per operation and variant; weights as in the original (9 valid : 1 invalid) ---
def create_valid_patient(user: ApiUser):
    user.create_patient()


def create_invalid_patient(user: ApiUser):
    user.send("POST", "/patient/", "POST /patient (invalid)", 400, {"lastName": "LT"})


def load_valid_patient(user: ApiUser):
    patient_id = user.a_patient()
    if patient_id:
        user.send("GET", f"/patient/{patient_id}", "GET /patient/[id]", 200, shape=is_patient)


def load_unknown_patient(user: ApiUser):
    user.send("GET", "/patient/1", "GET /patient/[id] (unknown)", 404)


def update_patient(user: ApiUser):
    patient_id = user.a_patient()
    if not patient_id:
        return
    current = user.send("GET", f"/patient/{patient_id}", "GET /patient/[id]", 200, shape=is_patient)
    if current:
        user.send("PUT", f"/patient/{patient_id}", "PUT /patient/[id]", 200, current, is_patient)


def search_by_id(user: ApiUser):
    patient_id = user.a_patient()
    if patient_id:
        user.send("POST", "/patient/search", "POST /patient/search (id)", 200, {"id": patient_id}, is_list_of(is_patient))


def search_first_page(user: ApiUser):
    user.send("POST", "/patient/search", "POST /patient/search (all)", 200, {}, is_list_of(is_patient))


def create_valid_test(user: ApiUser):
    patient_id = user.a_patient()
    if patient_id:
        user.create_test(patient_id)


def create_invalid_test(user: ApiUser):
    user.send("POST", "/patient/1/tests", "POST /patient/[id]/tests (invalid)", 400, random_test(GUID))


def list_tests(user: ApiUser):
    patient_id = user.a_patient()
    if patient_id:
        user.send("GET", f"/patient/{patient_id}/tests/", "GET /patient/[id]/tests", 200, shape=is_list_of(is_test))


def list_tests_of_invalid_patient(user: ApiUser):
    user.send("GET", "/patient/1/tests/", "GET /patient/[id]/tests (invalid)", 404)


def load_test(user: ApiUser):
    picked = user.a_test()
    if picked:
        patient_id, test_id = picked
        user.send("GET", f"/patient/{patient_id}/tests/{test_id}", "GET /patient/[id]/tests/[testId]", 200, shape=is_test)


def load_invalid_test(user: ApiUser):
    patient_id = user.a_patient()
    if patient_id:
        user.send("GET", f"/patient/{patient_id}/tests/1", "GET /patient/[id]/tests/[testId] (invalid)", 404)


AREAS = {
    "create_patient": {create_valid_patient: 9, create_invalid_patient: 1},
    "load_patient": {load_valid_patient: 9, load_unknown_patient: 1},
    "update_patient": {update_patient: 1},
    "search_patients": {search_by_id: 1, search_first_page: 1},
    "create_test": {create_valid_test: 9, create_invalid_test: 1},
    "list_tests": {list_tests: 9, list_tests_of_invalid_patient: 1},
    "load_test": {load_test: 9, load_invalid_test: 1},
}


class CreatePatientUser(ApiUser):
    tasks = AREAS["create_patient"]


class LoadPatientUser(ApiUser):
    tasks = AREAS["load_patient"]


class UpdatePatientUser(ApiUser):
    tasks = AREAS["update_patient"]


class SearchPatientsUser(ApiUser):
    tasks = AREAS["search_patients"]


class CreateTestUser(ApiUser):
    tasks = AREAS["create_test"]


class ListTestsUser(ApiUser):
    tasks = AREAS["list_tests"]


class LoadTestUser(ApiUser):
    tasks = AREAS["load_test"]


class MixedUser(ApiUser):
    """Every operation of every area; each area weighs the same, its variants keep their weights."""

    tasks = {task_fn: weight for area in AREAS.values() for task_fn, weight in area.items()}
