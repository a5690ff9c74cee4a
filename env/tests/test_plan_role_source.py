"""The refresh evidence (env/roles/refresh-list-actions.json) agrees with the azurerm source it cites.

Review of invariants.plan_role_covers_refresh: it compares two hand-written files, so an entry saying
"actions": [] for a type whose Read does send a POST list call would pass. Here the POST calls come from the
provider source itself. For each azurerm type env/*.tf uses, the scan finds its Read, follows the calls it
makes and asks the SDK which HTTP method each one sends. Then (+) every POST found must be an entry of the
type (actions or tolerated_not_granted; data_plane for a data-plane client) that cites a line within WINDOW
lines of it, (-) every such entry must be a POST the scan finds, and (!) every line the file cites, gets
included, must still hold the call it names, so the file cannot keep citing lines that moved.

The scanner and its heuristics: provider_source.py. It needs the provider source and its SDK modules: the Go
module cache where scripts/build-provider-mirror.sh ran, or AZURERM_SOURCE. Without them the tests skip; they
do not pass.
"""
from __future__ import annotations

import glob
import json
import os
import re

import pytest

from provider_source import Scan, Source, compare, load_evidence, modcache, report, scan_types, used_types


@pytest.fixture(scope="module")
def scan() -> Scan:
    """The scan of the provider source the evidence names, or a skip where it is absent (GitHub's runners)."""
    wanted = load_evidence()["source"]["azurerm"]["version"]
    root = os.environ.get("AZURERM_SOURCE")
    if root and not os.path.isfile(os.path.join(root, "go.mod")):
        pytest.fail(f"AZURERM_SOURCE={root} is not a provider module (no go.mod)")
    if not root:
        found = glob.glob(os.path.join(modcache(), "github.com", "hashicorp", "terraform-provider-azurerm@*", ""))
        if not found:
            pytest.skip(f"needs the azurerm provider source (terraform-provider-azurerm@{wanted} in the Go module cache {modcache()}, "
                        "present where scripts/build-provider-mirror.sh ran, or AZURERM_SOURCE): the evidence is NOT checked against it")
        matching = [path for path in found if os.path.basename(os.path.dirname(path)).endswith("@" + wanted)]
        root = (matching or sorted(found, key=os.path.getmtime))[-1]
    source = Source(root, modcache())
    if not source.dir_of("github.com/hashicorp/go-azure-sdk/resource-manager/resources"):
        pytest.skip(f"needs the go-azure-sdk modules {root}/go.mod requires (run `go mod download` there): the evidence is NOT checked against them")
    return scan_types(source, used_types())


def test_every_azurerm_type_has_a_read_in_the_source(scan):
    assert scan.missing == [], f"no Read found for {scan.missing}: registration or typed-resource lookup failed"
    assert set(scan.reads) == {kind for kind, _ in used_types()}


def test_every_client_call_resolves(scan):
    """A client the scan cannot follow to its package (a module missing from the cache, a new client layout)
    would hide the POSTs it sends. Account is the provider's own sign-in data: it sends nothing."""
    left = sorted(call for call in scan.unresolved if " META.Account." not in call)
    assert left == [], "calls on clients the scan cannot resolve (META = meta.(*clients.Client)):\n  " + "\n  ".join(left)


def test_evidence_agrees_with_the_provider_source(scan):
    problems = compare(load_evidence()["resource_types"], scan)
    assert problems == [], report(problems, scan)


def emptied(tmp_path, kind: str, keep) -> dict:
    """The evidence, written to tmp_path with some of one type's actions removed, and read back."""
    evidence = load_evidence()
    entry = evidence["resource_types"][kind]
    entry["actions"] = [item for item in entry["actions"] if keep(item)]
    path = tmp_path / "refresh-list-actions.json"
    path.write_text(json.dumps(evidence, indent=2), encoding="utf-8")
    return load_evidence(str(path))["resource_types"]


def test_a_dropped_list_action_is_reported(scan, tmp_path):
    tenant = next(item for item in load_evidence()["resource_types"]["azurerm_api_management"]["actions"] if "/tenant/listSecrets/" in item["action"])
    problems = compare(emptied(tmp_path, "azurerm_api_management", lambda item: "/tenant/listSecrets/" not in item["action"]), scan)
    assert [problem for problem in problems if problem.startswith("+ azurerm_api_management:")] == [
        f"+ azurerm_api_management: Read sends POST apimanagement/2022-08-01/tenantaccess.ListSecrets at {tenant['where']}; no entry in actions or tolerated_not_granted cites it"], problems


def test_actions_emptied_to_nothing_are_reported(scan, tmp_path):
    problems = compare(emptied(tmp_path, "azurerm_function_app_flex_consumption", lambda item: False), scan)
    methods = sorted({re.search(r"\.(\w+) at ", problem).group(1) for problem in problems if problem.startswith("+ azurerm_function_app_flex_consumption:")})
    assert methods == ["GetAuthSettings", "ListApplicationSettings", "ListConnectionStrings", "ListPublishingCredentials"], problems


def test_a_cited_line_that_moved_is_reported(scan):
    evidence = load_evidence()
    item = evidence["resource_types"]["azurerm_cosmosdb_account"]["actions"][0]
    path, _, line = item["where"].rpartition(":")
    item["where"] = f"{path}:{int(line) + 40}"
    problems = compare(evidence["resource_types"], scan)
    assert any(problem.startswith(f"! azurerm_cosmosdb_account: actions cites {item['where']}") for problem in problems), problems
    assert any(problem.startswith("+ azurerm_cosmosdb_account:") and "DatabaseAccountsListKeys" in problem for problem in problems), problems


def test_a_call_cited_on_the_wrong_client_is_reported(scan):
    """Two ListSecrets ten lines apart in API Management's Read: the package the entry names must be the one called."""
    evidence = load_evidence()
    item = next(item for item in evidence["resource_types"]["azurerm_api_management"]["actions"] if "/tenant/listSecrets/" in item["action"])
    item["call"] = item["call"].replace("tenantaccess.", "delegationsettings.")
    problems = compare(evidence["resource_types"], scan)
    assert problems == [f"- azurerm_api_management: actions cites delegationsettings.ListSecrets at {item['where']}; the source calls it on tenantaccess"], problems
