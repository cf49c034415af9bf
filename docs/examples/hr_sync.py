#!/usr/bin/env python3
"""Synchronise medewerkers and their competences from an HR export into
ommen_rollen, through its API only (standard library, no packages).

The export is a CSV file (comma or semicolon) with the columns

    personeelsnummer, naam, uren, rompfunctie, cluster, competenties

where ``uren`` is hours per week of a 36-hour week (or use a column ``fte``),
``cluster`` may be empty and ``competenties`` lists ``naam:niveau`` pairs
separated by ``|``, e.g. ``Regievoering:2|Financiën:1``.

For every row the script reads the medewerker by personeelsnummer; a new one is
created, a changed one is written back with the ETag it read (If-Match), so a
change someone made in between is never overwritten: the script reads again and
retries once. Competences that do not exist yet are created first.

    OMMEN_API_TOKEN=omr_... python hr_sync.py --url https://rollen.example.nl export.csv

Exit status 0 when every row was synchronised, 1 otherwise.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any


class ApiError(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(
            f"{status}: {body.get('message', '')} {body.get('errors', '')}"
        )
        self.status = status
        self.body = body


@dataclass
class Client:
    base: str
    token: str
    timeout: float = 30.0

    def call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[dict[str, Any], dict[str, str]]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base.rstrip("/") + "/api/v1" + path,
            data=data,
            method=method,
            headers={
                "Authorization": f"Bearer {self.token}",
                "Accept": "application/json",
                **({"Content-Type": "application/json"} if data else {}),
                **(headers or {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return json.load(response), dict(response.headers)
        except urllib.error.HTTPError as error:
            try:
                payload = json.load(error)
            except ValueError:
                payload = {"message": error.reason}
            raise ApiError(error.code, payload) from None

    def all(self, path: str) -> list[dict[str, Any]]:
        """Every item of a paginated list."""
        items: list[dict[str, Any]] = []
        while True:
            page, _ = self.call("GET", f"{path}?limit=200&offset={len(items)}")
            items += page["items"]
            if not page["items"] or len(items) >= page["total"]:
                return items


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list[str] = field(default_factory=list)


def read_export(path: str) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        sample = handle.read(2048)
        handle.seek(0)
        dialect = csv.Sniffer().sniff(sample, delimiters=",;")
        rows = list(csv.DictReader(handle, dialect=dialect))
    wanted = []
    for row in rows:
        levels = {}
        for pair in filter(None, (row.get("competenties") or "").split("|")):
            name, _, level = pair.rpartition(":")
            levels[name.strip()] = int(level)
        record: dict[str, Any] = {
            "username": row["personeelsnummer"].strip().lower(),
            "name": row["naam"].strip(),
            "base_function": row["rompfunctie"].strip(),
            "home_cluster": (row.get("cluster") or "").strip() or None,
            "competences": levels,
        }
        if (row.get("fte") or "").strip():
            record["contract_fte"] = row["fte"].strip()
        else:
            record["contract_hours"] = row["uren"].strip()
        wanted.append(record)
    return wanted


def ensure_competences(client: Client, wanted: list[dict[str, Any]]) -> None:
    have = {c["name"].lower() for c in client.all("/competences")}
    for name in sorted({n for record in wanted for n in record["competences"]}):
        if name.lower() not in have:
            client.call("POST", "/competences", {"name": name})
            have.add(name.lower())


def differs(current: dict[str, Any], record: dict[str, Any]) -> bool:
    if "contract_hours" in record:
        contract_same = float(current["contract_hours"]) == float(
            record["contract_hours"]
        )
    else:
        contract_same = float(current["contract_fte"]) == float(record["contract_fte"])
    lower = {k.lower(): v for k, v in current["competences"].items()}
    return not (
        contract_same
        and current["name"] == record["name"]
        and current["base_function"] == record["base_function"]
        and (current["home_cluster"] or "").lower()
        == (record["home_cluster"] or "").lower()
        and lower == {k.lower(): v for k, v in record["competences"].items()}
        and current["active"]
    )


def sync_one(client: Client, record: dict[str, Any], outcome: Outcome) -> None:
    path = "/employees/" + urllib.parse.quote(record["username"])
    for _attempt in range(2):
        try:
            current, headers = client.call("GET", path)
        except ApiError as error:
            if error.status != 404:
                raise
            client.call("POST", "/employees", record)
            outcome.created += 1
            return
        if not differs(current, record):
            outcome.unchanged += 1
            return
        try:
            client.call("PUT", path, record, {"If-Match": headers["ETag"]})
        except ApiError as error:
            if error.status == 409:
                continue  # changed in between: read again, decide again
            raise
        outcome.updated += 1
        return
    raise ApiError(409, {"message": "twee keer tegelijk gewijzigd; later opnieuw"})


def sync(client: Client, wanted: list[dict[str, Any]]) -> Outcome:
    outcome = Outcome()
    ensure_competences(client, wanted)
    for record in wanted:
        try:
            sync_one(client, record, outcome)
        except ApiError as error:
            outcome.failed.append(f"{record['username']}: {error}")
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("export", help="CSV-bestand uit het HR-systeem")
    parser.add_argument("--url", required=True, help="adres van ommen_rollen")
    args = parser.parse_args(argv)
    token = os.environ.get("OMMEN_API_TOKEN", "")
    if not token:
        print(
            "Zet OMMEN_API_TOKEN op een API-sleutel met write-organisation.",
            file=sys.stderr,
        )
        return 2
    outcome = sync(Client(args.url, token), read_export(args.export))
    print(
        f"nieuw: {outcome.created}, bijgewerkt: {outcome.updated}, "
        f"ongewijzigd: {outcome.unchanged}, mislukt: {len(outcome.failed)}"
    )
    for line in outcome.failed:
        print("  " + line, file=sys.stderr)
    return 1 if outcome.failed else 0


if __name__ == "__main__":
    sys.exit(main())
