"""The 2020 sample's load-test client, as a third party that never changed it would call us.

Our own code, written to send exactly what mspnp/vnet-integrated-serverless-microservices
`src/LoadTest/tests/locustscripts/locustfile.py` (with `variables.py`) sends on the wire, so that the suite
proves the 2020 client still works (`src/LoadTest/test/client-2020.test.ts`):

- paths relative to the host, without a leading slash, with the trailing slashes it used (`patient/`,
  `patient/{id}/tests/`): the host must end with "/" (we add it when it is missing);
- bodies as `json.dumps` text passed as raw data (`client.post(path, json.dumps(data))`), never `json=`:
  FastHttpUser's geventhttpclient then declares them `text/plain; charset=utf-8`, as it did in 2020;
- the subscription key header and nothing else of ours (no traceparent, no If-Match, no Idempotency-Key);
- GET a patient, then PUT the loaded body back unchanged (it carries `id` and `lastUpdated`);
- its invalid requests (`patient/1`, `patient/1/tests` with `patientId` "1", `patient/1/tests/`,
  `patient/{id}/tests/1`) and its 9:1 valid/invalid weights; waits of 1 to 5 s between tasks;
- its generators: names of 6 random capitals, `LT_` last names, birth dates with months 01-11 and days
  01-27 (its `randrange` upper bounds are exclusive), post codes 1000-9998, numbers below 9 999 999 999,
  and test observations issued "now" as local time with a literal Z.

Left out: the Echo task (`GET echo/resource?param1=sample`), which calls API Management's built-in demo
API, not this system. Statistics names are the original's ("patient/{ramdom_id}" [sic] included) so reports
compare with its published sample results.

Differences that change nothing on the wire: the original nested one TaskSet per area in `AllLocust`, and
since no TaskSet ever called `interrupt()`, each simulated user stayed in the first area it picked; here
every user draws from all areas (each area weighs the same, as in `AllTaskSet`), so a short run exercises
them all. The id lists it shared through class attributes are bounded here.
"""

from __future__ import annotations

import json
import os
import random
import string
from collections import deque
from datetime import datetime

from locust import FastHttpUser, between, task


def _capitals(count: int = 6) -> str:
    return "".join(random.choice(string.ascii_uppercase) for _ in range(count))


def new_patient() -> dict:
    first = _capitals()
    last = f"LT_{_capitals()}"
    return {
        "firstName": first,
        "lastName": last,
        "fullName": f"{first} {last}",
        "gender": random.choice(["male", "female", "other", "unknown"]),
        "dateOfBirth": f"{random.randrange(1920, 2020)}-{random.randrange(1, 12):02d}-{random.randrange(1, 28):02d}",
        "postCode": str(random.randrange(1000, 9999)),
        "insuranceNumber": str(random.randrange(9_999_999_999)),
        "preferredContactNumber": str(random.randrange(9_999_999_999)),
    }


def new_test(patient_id: str) -> dict:
    return {
        "patientId": patient_id,
        "performer": _capitals(),
        "orderReference": _capitals(),
        "observations": [
            {
                "id": _capitals(),
                "code": _capitals(),
                "measurement": _capitals(),
                "interpretation": _capitals(),
                "issued": datetime.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
                "status": _capitals(),
            }
        ],
    }


class _Pool:
    """Ids the simulated users of this process created. Greenlets in one thread: no lock needed."""

    def __init__(self, size: int = 5000) -> None:
        self._items: deque = deque(maxlen=size)

    def add(self, item) -> None:
        self._items.append(item)

    def any(self):
        return random.choice(self._items) if self._items else None


patient_ids = _Pool()
tests_by_patient = _Pool()


class Client2020User(FastHttpUser):
    """Every task of the 2020 client but Echo, one request shape each, checked as it checked them."""

    wait_time = between(1, 5)

    def on_start(self) -> None:
        self.key = os.environ.get("PATIENT_TESTS_SUBSCRIPTION_KEY", "")
        if not self.key:
            raise SystemExit("Set PATIENT_TESTS_SUBSCRIPTION_KEY (npm run loadtest does it).")
        # Its paths are relative ("patient/"): they only work against a host that ends with a slash.
        if not self.client.base_url.endswith("/"):
            self.client.base_url += "/"

    def _call(self, method: str, path: str, name: str, body: dict | None = None):
        data = None if body is None else json.dumps(body)
        headers = {"Ocp-Apim-Subscription-Key": self.key}
        return self.client.request(method, path, name=name, data=data, headers=headers, catch_response=True)

    def _expect(self, response, status: int, task_name: str) -> bool:
        if response.status_code == status:
            response.success()
            return True
        response.failure(f"{task_name}: expected {status}, got {response.status_code}: {(response.text or '')[:300]}")
        return False

    def _expect_object(self, response, status: int, task_name: str, *members: str) -> dict | None:
        """The status the original expected, and a JSON object with the members it went on to read."""
        if not self._expect(response, status, task_name):
            return None
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or any(member not in body for member in members):
            response.failure(f"{task_name}: the answer is not a JSON object with {', '.join(members)}")
            return None
        return body

    # --- create patient (9 valid : 1 invalid) ---
    @task(9)
    def create_valid_patient(self) -> None:
        with self._call("POST", "patient/", "patient/", new_patient()) as response:
            created = self._expect_object(response, 201, "CreateValidPatient", "id")
            if created:
                patient_ids.add(created["id"])

    @task(1)
    def create_invalid_patient(self) -> None:
        with self._call("POST", "patient/", "patient/", {"lastName": "LT"}) as response:
            self._expect(response, 400, "CreateInvalidPatient")

    # --- load patient (9 : 1) ---
    @task(9)
    def load_valid_patient(self) -> None:
        patient_id = patient_ids.any()
        if patient_id:
            with self._call("GET", f"patient/{patient_id}", "patient/{random_id}") as response:
                self._expect(response, 200, "LoadValidPatient")

    @task(1)
    def load_invalid_patient(self) -> None:
        with self._call("GET", "patient/1", "patient/{random_id}") as response:
            self._expect(response, 404, "LoadInvalidPatient")

    # --- update patient: load it, put the loaded body back unchanged (weight 10: one area) ---
    @task(10)
    def update_patient(self) -> None:
        patient_id = patient_ids.any()
        if not patient_id:
            return
        with self._call("GET", f"patient/{patient_id}", "patient/{random_id}") as loaded:
            patient = self._expect_object(loaded, 200, "UpdatePatientTask", "id")
        if not patient:
            return
        with self._call("PUT", f"patient/{patient['id']}", "patient/{ramdom_id}", patient) as response:
            self._expect(response, 200, "UpdatePatientTask")

    # --- search patients (1 : 1) ---
    @task(5)
    def search_patient_with_id(self) -> None:
        patient_id = patient_ids.any()
        if patient_id:
            with self._call("POST", "patient/search", "patient/search", {"id": patient_id}) as response:
                self._expect(response, 200, "SearchPatientWithId")

    @task(5)
    def search_all_patients(self) -> None:
        if patient_ids.any():
            with self._call("POST", "patient/search", "patient/search", {}) as response:
                self._expect(response, 200, "SearchAllPatients")

    # --- create test (9 : 1) ---
    @task(9)
    def create_valid_test(self) -> None:
        patient_id = patient_ids.any()
        if patient_id:
            with self._call("POST", f"patient/{patient_id}/tests", "patient/{random_id}/tests", new_test(patient_id)) as response:
                created = self._expect_object(response, 201, "CreateValidTest", "patientId", "id")
                if created:
                    tests_by_patient.add((created["patientId"], created["id"]))

    @task(1)
    def create_invalid_test(self) -> None:
        with self._call("POST", "patient/1/tests", "patient/{random_id}/tests", new_test("1")) as response:
            self._expect(response, 400, "CreateInvalidTest")

    # --- list a patient's tests (9 : 1) ---
    @task(9)
    def load_tests_with_valid_patient(self) -> None:
        picked = tests_by_patient.any()
        if picked:
            with self._call("GET", f"patient/{picked[0]}/tests/", "patient/{random_id}/tests/") as response:
                self._expect(response, 200, "LoadTestsWithValidPatient")

    @task(1)
    def load_tests_with_invalid_patient(self) -> None:
        with self._call("GET", "patient/1/tests/", "patient/{random_id}/tests/") as response:
            self._expect(response, 404, "LoadTestsWithInvalidPatient")

    # --- load one test (9 : 1) ---
    @task(9)
    def load_test_with_valid_test(self) -> None:
        picked = tests_by_patient.any()
        if picked:
            with self._call("GET", f"patient/{picked[0]}/tests/{picked[1]}", "patient/{random_pid}/tests/{random_tid}") as response:
                self._expect(response, 200, "LoadTestWithValidTest")

    @task(1)
    def load_test_with_invalid_test(self) -> None:
        picked = tests_by_patient.any()
        if picked:
            with self._call("GET", f"patient/{picked[0]}/tests/1", "patient/{random_pid}/tests/{random_tid}") as response:
                self._expect(response, 404, "LoadTestWithInvalidTest")
