#!/usr/bin/env python3
"""A partner's client of the API (/api/v1/): the cases shared with it, a delivery, the referral inbox.

    NANHAN_URL=https://nanhan.example.gov.vn NANHAN_TOKEN=nh_... python examples/partner_client.py
    NANHAN_URL=... NANHAN_TOKEN=... python examples/partner_client.py deliver LINE_ID in_kind 1
    NANHAN_URL=... NANHAN_TOKEN=... python examples/partner_client.py inbox
    NANHAN_URL=... NANHAN_TOKEN=... python examples/partner_client.py accept REFERRAL_ID [NOTE]
    NANHAN_URL=... NANHAN_TOKEN=... python examples/partner_client.py decline REFERRAL_ID REASON

The token comes from an agency manager (menu "Khách hàng API"); it acts for exactly that agency
and role, within its scopes (cases:read, support:read, deliveries:write, referrals:read,
referrals:write, ...). Answering referrals needs a client whose role answers them (caseworker, for
an agency that receives referrals). Only the Python standard library is used.
"""

import datetime
import json
import os
import sys
import urllib.error
import urllib.request
import uuid

BASE = os.environ.get("NANHAN_URL", "http://127.0.0.1:8000").rstrip("/") + "/api/v1"
TOKEN = os.environ["NANHAN_TOKEN"]


def call(method, path, body=None, headers=None):
    request = urllib.request.Request(  # noqa: S310 (the configured API address)
        BASE + path, method=method, data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Token {TOKEN}", "Accept": "application/json",
                 "Content-Type": "application/json", "Accept-Language": "vi", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (the configured API)
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        # Every error has one shape: {"type": ..., "errors": [{"code", "detail", "attr"}]};
        # 429 comes with Retry-After (seconds).
        return error.code, json.loads(error.read() or b"null")


def list_cases():
    path = "/cases/?page_size=50&ordering=-received_on"
    while path:
        status, page = call("GET", path)
        if status != 200:
            sys.exit(f"{status}: {page}")
        for case in page["results"]:
            print(case["case_number"], case["status"], case["person"]["name"], case["received_on"])
        path = page["next"] and page["next"].split("/api/v1", 1)[1]


def deliver(line_id: int, method: str, quantity: int):
    body = {"line": line_id, "delivered_on": datetime.date.today().isoformat(), "method": method,
            "quantity": quantity}
    key = str(uuid.uuid4())  # the same key on a retry: the delivery is recorded once
    for _attempt in range(3):
        status, answer = call("POST", "/deliveries/", body, {"Idempotency-Key": key})
        if status < 500 and status != 429:
            break
    print(status, json.dumps(answer, ensure_ascii=False, indent=2))


def list_inbox():
    """Referrals waiting for (or accepted by) the agency, soonest deadline first. Before accepting,
    a referral shows no victim: the file opens (the shared parts) once the agency accepts."""
    status, page = call("GET", "/referrals/?status=pending&page_size=50")
    if status != 200:
        sys.exit(f"{status}: {page}")
    for referral in page["results"]:
        late = " QUÁ HẠN" if referral["overdue"] else ""
        print(referral["id"], referral["sender_agency"], referral["urgency"], referral["due_on"] + late,
              ",".join(referral["services"]), "parts:", ",".join(referral["shared_parts"]) or "-")


def answer(referral_id: int, verb: str, text: str = ""):
    """Accept (with an optional note) or decline (with the reason). 409: someone already answered."""
    body = {"note": text} if verb == "accept" else {"reason": text}
    key = str(uuid.uuid4())
    for _attempt in range(3):
        status, result = call("POST", f"/referrals/{referral_id}/{verb}/", body, {"Idempotency-Key": key})
        if status < 500 and status != 429:
            break
    if status == 409:
        print(409, result["errors"][0]["detail"])
        return
    print(status, json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    command = sys.argv[1:2]
    if command == ["deliver"]:
        deliver(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
    elif command == ["inbox"]:
        list_inbox()
    elif command in (["accept"], ["decline"]):
        answer(int(sys.argv[2]), command[0], " ".join(sys.argv[3:]))
    else:
        list_cases()
