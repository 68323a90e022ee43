"""`make run` helper: demo users of every role, their tokens in `.demo-token` (the admin)
and `.demo-tokens.json` (every role).

Demo only: the token files let a newcomer call the API at once, as each role
(two reviewers, so a merge involving a child can be confirmed twice). Real
deployments create users with `nrm user add` and never write tokens to disk.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

from i18n import environment_language, gettext_for
from models.store import Store
from models.users import UserRole

TOKEN_FILE = Path(".demo-token")
TOKENS_FILE = Path(".demo-tokens.json")
DEMO_USERS: tuple[tuple[str, UserRole, str | None], ...] = (
    ("admin", UserRole.ADMIN, None),
    ("reviewer-1", UserRole.REVIEWER, None),
    ("reviewer-2", UserRole.REVIEWER, None),
    ("tracing-officer", UserRole.TRACING_OFFICER, "CROIX-ROUGE"),
    ("caseworker-oim", UserRole.CASEWORKER, "OIM"),
)


def _private(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(0o600)


def ensure_demo_users(
    store: Store, token_file: Path = TOKEN_FILE, tokens_file: Path = TOKENS_FILE
) -> dict[str, str]:
    """Tokens of the demo users by name, reusing those still valid in `tokens_file`."""
    known: dict[str, str] = {}
    if tokens_file.exists():
        known = json.loads(tokens_file.read_text())
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    tokens: dict[str, str] = {}
    for name, role, organisation in DEMO_USERS:
        token = known.get(name)
        user = store.user_by_token(token) if token else None
        if user is None or (user.role, user.organisation) != (role, organisation) or user.expired():
            _, token = store.add_user(f"demo-{name}-{stamp}", role, organisation)
        tokens[name] = token
    _private(tokens_file, json.dumps(tokens, indent=2) + "\n")
    _private(token_file, tokens["admin"] + "\n")
    return tokens


def main() -> None:
    store = Store.open(os.environ.get("NRM_DATABASE_URL"))
    tokens = ensure_demo_users(store)
    _ = gettext_for(environment_language())
    print(
        _("demo admin token (also in {file}): {token}").format(
            file=TOKEN_FILE, token=tokens["admin"]
        )
    )
    print(
        _("tokens of every demo role (reviewers, tracing officer, caseworker): {file}").format(
            file=TOKENS_FILE
        )
    )


if __name__ == "__main__":
    main()
