"""Webhook delivery signed per the Standard Webhooks spec (standardwebhooks.com).

The receiver verifies `webhook-signature` = `v1,` + base64(HMAC-SHA256(secret,
"{webhook-id}.{webhook-timestamp}.{body}")) and rejects stale timestamps. The id is the
delivery job's id, stable across retries. Delivery is at least once (a sender that dies
after the receiver got the request but before it recorded the answer sends it again), so
a receiver must drop a repeat by `webhook-id`. 410 Gone is the receiver's "never again":
the delivery is given up, not retried.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

import httpx

from holdwatch.app.ports import Outcome

GONE = 410  # Standard Webhooks: the endpoint is gone for good; stop sending


def sign(secret: bytes, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


class WebhookSender:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def send(
        self, url: str, secret: bytes, message_id: str, timestamp: int, body: bytes
    ) -> Outcome:
        headers = {
            "content-type": "application/json",
            "webhook-id": message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(secret, message_id, timestamp, body),
        }
        try:
            response = await self.client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return Outcome(ok=False, error=type(exc).__name__)
        status = response.status_code
        if 200 <= status < 300:
            return Outcome(ok=True, status=status)
        return Outcome(ok=False, status=status, error=f"http {status}", permanent=status == GONE)
