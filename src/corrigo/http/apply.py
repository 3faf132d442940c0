"""Applying a correction to a group's article: shared by the JSON API and the group page.

The store is read in one short session, the connector talks to the CMS with no
transaction open, and the outcome is recorded in a second session: who applied
what, where it was written or why not. A success marks the group fixed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from corrigo.connectors.apply import Outcome, run
from corrigo.connectors.base import ConnectorError, Fix
from corrigo.connectors.registry import build_connector, secret_box
from corrigo.domain.quote import Quote
from corrigo.http.db import in_session
from corrigo.http.state import state_of
from corrigo.secretbox import SecretError
from corrigo.store.connectors import (
    ApplyTarget,
    ConnectorConfig,
    apply_target,
    connector_config,
    record_apply,
)
from corrigo.store.editor_sessions import Account

NO_CONNECTOR = "This site has no connector: an admin sets one up with `corrigo connector set`."


@dataclass(frozen=True, slots=True)
class ApplyAsk:
    """An editor's request: the correction, preview or apply, the previewed version."""

    correction: str
    preview: bool
    base_version: str | None = None


def _note(target: ApplyTarget, ask: ApplyAsk, outcome: Outcome) -> str:
    if outcome.applied:
        where = f" in {outcome.location}" if outcome.location else ""
        return (
            f"Applied “{target.exact}” → “{ask.correction.strip()}” with {outcome.connector}"
            f"{where}; revision {outcome.revision}"
        )
    return f"Apply refused ({outcome.connector}): {outcome.reason}"


async def apply_to_group(
    request: Request,
    site_ids: list[int] | None,
    editor: Account,
    group_id: int,
    ask: ApplyAsk,
) -> tuple[ApplyTarget, Outcome] | None:
    """Preview or apply `ask` on a visible group; None when the editor may not see it."""
    settings = state_of(request).settings
    box = secret_box(settings)

    def load(session: Session) -> tuple[ApplyTarget, ConnectorConfig | str] | None:
        target = apply_target(session, site_ids, group_id)
        if target is None:
            return None
        try:
            config = connector_config(session, box, target.site_id)
        except SecretError as error:
            return target, str(error)
        return target, NO_CONNECTOR if config is None else config

    loaded = await in_session(request, load)
    if loaded is None:
        return None
    target, config = loaded
    if isinstance(config, str):
        return target, Outcome("refused", "", reason=config)
    fix = Fix(
        group_id=target.group_id,
        site_key=target.site_key,
        url=target.url,
        quote=Quote(target.exact, target.prefix, target.suffix),
        correction=ask.correction,
        editor_email=editor.email,
    )

    def work() -> Outcome:
        try:
            connector = build_connector(config, settings)
        except ConnectorError as error:
            return Outcome("refused", config.kind, reason=error.message)
        return run(connector, fix, preview=ask.preview, base_version=ask.base_version)

    outcome = await run_in_threadpool(work)
    if not ask.preview and outcome.status != "unchanged":

        def record(session: Session) -> None:
            note = _note(target, ask, outcome)
            record_apply(
                session,
                target.group_id,
                editor.id,
                note,
                applied=outcome.applied,
                correction=ask.correction,
            )
            session.commit()

        await in_session(request, record)
    return target, outcome
