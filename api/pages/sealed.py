"""A search posted from a page, sealed into the address of its results.

A search form is posted, so that a sought child's name, parents and village are never
in an address, the browser's history or an access log; the browser is then sent to the
results at an address holding the form sealed: encrypted and authenticated (AES-GCM,
`cryptography`) with a key derived from the page session's secret, which only this
browser's session cookie holds (the server keeps its hash). Back, reload and a bookmark
show the results again within the session (searched again, and audited again, as any
search); after sign-out, in another browser, or for another page, the address reads as
nothing. The server stores no search.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import time
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from fastapi import Request
from fastapi.responses import Response

from api.pages.web import SESSION_COOKIE, check_csrf, page_actor, redirect
from i18n import N_
from service.sessions import LONGEST

SEALED_FIELD = "s"
"""The query parameter of a sealed search."""
NONCE_BYTES = 12
PADDED = 512
"""A sealed form's length is a multiple of this: the address's length tells little of
what was typed (a long name or a short one)."""
LAPSED = N_(
    "This search is no longer available (it belongs to a session that has ended): search again."
)
"""What a page says at the address of a search it cannot read."""
LONGEST_SECONDS = int(LONGEST.total_seconds())
"""A sealed search outlives no session: older than the longest one, it reads as nothing."""


def _key(request: Request) -> bytes | None:
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        return None
    return hmac.new(secret.encode(), b"nrm-pages-sealed-search", hashlib.sha256).digest()


def seal(request: Request, form: dict[str, str]) -> str | None:
    """The form sealed for this session and this page (None without a session)."""
    key = _key(request)
    if key is None:
        return None
    nonce = os.urandom(NONCE_BYTES)
    plain = json.dumps({"at": int(time.time()), "form": form}, ensure_ascii=False).encode()
    plain += b" " * (-len(plain) % PADDED)  # JSON reads past the spaces
    sealed = AESGCM(key).encrypt(nonce, plain, request.url.path.encode())
    return base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def unseal(request: Request, text: str) -> dict[str, str] | None:
    """The form a sealed search holds, if this session sealed it for this page within the
    longest session; None otherwise (forged, altered, another session's, expired)."""
    key = _key(request)
    if key is None or not text:
        return None
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        plain = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], request.url.path.encode())
        held = json.loads(plain)
    except (binascii.Error, ValueError, InvalidTag):
        return None
    if not isinstance(held, dict) or not isinstance(held.get("form"), dict):
        return None
    if not isinstance(held.get("at"), int) or held["at"] + LONGEST_SECONDS < time.time():
        return None
    return {str(k): str(v) for k, v in held["form"].items()}


def results_address(request: Request, form: dict[str, str]) -> str:
    """Where the browser is sent after posting `form`: this page with the form sealed."""
    sealed = seal(request, form)
    return f"{request.url.path}?{SEALED_FIELD}={sealed}" if sealed else request.url.path


async def posted_search(
    request: Request, roles: frozenset[Any], fields: tuple[str, ...], longest: int
) -> Response:
    """A search form posted by a user of one of `roles`: its `fields`, each cut to
    `longest` characters, sealed into the address the browser is sent to."""
    form = await check_csrf(request)
    page_actor(request).require(roles)
    given = {k: str(form.get(k, ""))[:longest] for k in fields}
    return redirect(results_address(request, given))


@dataclass(frozen=True, slots=True)
class SearchForm:
    fields: dict[str, str]
    sent: bool
    """A search to run (the address held one this session sealed)."""
    lapsed: bool
    """The address held a search this session cannot read (`LAPSED`)."""


def search_form(request: Request, sealed: str, fields: tuple[str, ...]) -> SearchForm:
    """The search form at a page's address: empty without `sealed`; else the fields of
    the search this session sealed there, or empty and `lapsed` when it cannot be read."""
    form = unseal(request, sealed) if sealed else None
    if form is None:
        return SearchForm(dict.fromkeys(fields, ""), sent=False, lapsed=bool(sealed))
    return SearchForm({k: form.get(k, "") for k in fields}, sent=True, lapsed=False)
