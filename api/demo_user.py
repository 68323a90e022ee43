"""`make run` helper: make sure a demo admin exists and its token is in `.demo-token`.

Demo only: the token file lets a newcomer call the API at once. Real
deployments create users with `nrm user add` and never write tokens to disk.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from models.store import Store
from models.users import UserRole

TOKEN_FILE = Path(".demo-token")


def ensure_demo_admin(store: Store, token_file: Path = TOKEN_FILE) -> str:
    if token_file.exists():
        token = token_file.read_text().strip()
        if store.user_by_token(token) is not None:
            return token
    name = "demo-admin-" + datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    _, token = store.add_user(name, UserRole.ADMIN, None)
    token_file.write_text(token + "\n")
    token_file.chmod(0o600)
    return token


def main() -> None:
    store = Store.open(os.environ.get("NRM_DATABASE_URL"))
    token = ensure_demo_admin(store)
    print(f"demo admin token (also in {TOKEN_FILE}): {token}")


if __name__ == "__main__":
    main()
