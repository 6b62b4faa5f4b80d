"""The district's shared state in the store: who may do what, the audit log, the targets, mapping
profiles and custom frameworks.

Everything an admin changes lives in the database (SQLite by default, PostgreSQL from DATABASE_URL), so
several app servers on one PostgreSQL behave as one: each page run reads :func:`version` (one small
query) and a change made on one server shows on every other at its next run. Each change is written in
the same transaction as its audit-log entry (who, what, when).

On first use, a district's older files are brought in: ``data/targets.toml`` (the targets edited before
this release) and ``data/mappings/*.json`` (mapping profiles), each once, with an audit-log entry.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from framework.access import ROLES, normal_email
from framework.definitions import DefinitionError, Framework, builtin_frameworks, parse_framework
from framework.mapping import MappingProfile, MappingProfileError, load_profiles, profiles_dir
from framework.store import (
    Store,
    StoreError,
    access_table,
    audit_table,
    frameworks_table,
    profiles_table,
    settings_table,
)
from framework.targets import TargetSet, default_targets, parse_targets, targets_path, to_toml

TARGETS_KEY = "targets"
SYSTEM = "the dashboard"  # the actor of changes nobody made by hand (migrating older files)


def _now() -> datetime:
    return datetime.now(UTC)


def _write(store: Store, statements, actor: str, action: str, subject: str, detail: str = "") -> None:
    """Run ``statements`` (callables taking a connection) and log the change, in one transaction."""
    try:
        with store._write.begin() as conn:
            for stmt in statements:
                stmt(conn)
            conn.execute(sa.insert(audit_table).values(at=_now(), actor=actor, action=action, subject=subject,
                                                       detail=detail))
    except DBAPIError as exc:
        raise store._unreachable(exc) from None


def _read(store: Store, query) -> list:
    return store._read(query)


# ---- access ------------------------------------------------------------------------------------------
def role_of(store: Store, email: str) -> str | None:
    """The role the store gives this email (None: not on the list)."""
    rows = _read(store, sa.select(access_table.c.role).where(access_table.c.email == normal_email(email)))
    return rows[0][0] if rows else None


def access_list(store: Store) -> pd.DataFrame:
    rows = _read(store, sa.select(access_table).order_by(access_table.c.role, access_table.c.email))
    return pd.DataFrame(rows, columns=["email", "role", "granted_by", "granted_at"])


def grant(store: Store, actor: str, email: str, role: str) -> None:
    """Give ``email`` a role (or change it); logged."""
    email = normal_email(email)
    if not email or "@" not in email:
        raise StoreError("Give an email address to grant access to.")
    if role not in ROLES:
        raise StoreError(f"A role is one of {', '.join(ROLES)}, not {role!r}.")
    before = role_of(store, email)
    t = access_table

    def upsert(conn):
        conn.execute(sa.delete(t).where(t.c.email == email))
        conn.execute(sa.insert(t).values(email=email, role=role, granted_by=normal_email(actor) or actor,
                                         granted_at=_now()))

    _write(store, [upsert], actor, "grant role", email, f"{before or 'no access'} -> {role}")


def revoke(store: Store, actor: str, email: str) -> bool:
    email = normal_email(email)
    before = role_of(store, email)
    if before is None:
        return False
    _write(store, [lambda conn: conn.execute(sa.delete(access_table).where(access_table.c.email == email))],
           actor, "revoke role", email, f"{before} -> no access")
    return True


def audit_log(store: Store, limit: int = 500) -> pd.DataFrame:
    t = audit_table
    rows = _read(store, sa.select(t.c.at, t.c.actor, t.c.action, t.c.subject, t.c.detail)
                 .order_by(t.c.id.desc()).limit(limit))
    return pd.DataFrame(rows, columns=["at", "actor", "action", "subject", "detail"])


def log(store: Store, actor: str, action: str, subject: str, detail: str = "") -> None:
    """An audit-log entry for an action that changes nothing in these tables (a round saved or deleted)."""
    _write(store, [], actor, action, subject, detail)


# ---- settings: targets ---------------------------------------------------------------------------------
def _setting(store: Store, key: str) -> str | None:
    rows = _read(store, sa.select(settings_table.c.value).where(settings_table.c.key == key))
    return rows[0][0] if rows else None


def _put_setting(key: str, value: str, actor: str):
    def run(conn):
        conn.execute(sa.delete(settings_table).where(settings_table.c.key == key))
        conn.execute(sa.insert(settings_table).values(key=key, value=value, updated_by=actor, updated_at=_now()))
    return run


def targets(store: Store) -> TargetSet:
    """The district's targets: the store's, else the defaults."""
    text = _setting(store, TARGETS_KEY)
    return parse_targets(text, "the stored targets") if text else default_targets()


def save_targets(store: Store, actor: str, new: TargetSet) -> None:
    text = to_toml(new)
    parse_targets(text, "the targets")  # what is written must read back
    _write(store, [_put_setting(TARGETS_KEY, text, actor)], actor, "save targets", "targets")


def reset_targets(store: Store, actor: str) -> None:
    _write(store, [lambda conn: conn.execute(sa.delete(settings_table).where(settings_table.c.key == TARGETS_KEY))],
           actor, "reset targets", "targets", "back to the defaults")


# ---- settings: the professional-learning library ---------------------------------------------------------
GROWTH_KEY = "growth_library"


def growth_library(store: Store):
    """The professional-learning suggestions growth plans draw on: the admins' edited copy, else the shipped
    file (framework/data/growth.toml)."""
    from framework.growth_library import builtin_growth, parse_growth

    text = _setting(store, GROWTH_KEY)
    return parse_growth(text, "the stored professional-learning library") if text else builtin_growth()


def growth_text(store: Store) -> str:
    """The library as the text an admin downloads, edits and uploads again."""
    from framework.growth_library import default_growth_text

    return _setting(store, GROWTH_KEY) or default_growth_text()


def save_growth(store: Store, actor: str, text: str, filename: str = "growth.toml"):
    """Keep an admin's edited library (validated first: a file that does not read is refused whole)."""
    from framework.growth_library import parse_growth

    library = parse_growth(text, filename)
    _write(store, [_put_setting(GROWTH_KEY, text, actor)], actor, "save professional-learning library", filename,
           f"{len(library.areas)} skill areas")
    return library


def reset_growth(store: Store, actor: str) -> None:
    _write(store, [lambda conn: conn.execute(sa.delete(settings_table).where(settings_table.c.key == GROWTH_KEY))],
           actor, "reset professional-learning library", "growth.toml", "back to the shipped file")


# ---- settings: the district's minimum group size -----------------------------------------------------------
K_KEY = "min_group_size"


def district_k(store: Store) -> int:
    """The minimum group size every viewer but an admin sees (default 5, never below 3)."""
    from framework.aggregate import DEFAULT_MIN_GROUP_SIZE, FLOOR_MIN_GROUP_SIZE

    text = _setting(store, K_KEY)
    try:
        return max(FLOOR_MIN_GROUP_SIZE, int(text)) if text else DEFAULT_MIN_GROUP_SIZE
    except ValueError:
        return DEFAULT_MIN_GROUP_SIZE


def set_district_k(store: Store, actor: str, k: int) -> None:
    from framework.aggregate import check_min_group_size

    k = check_min_group_size(int(k))
    _write(store, [_put_setting(K_KEY, str(k), actor)], actor, "set minimum group size", "minimum group size",
           str(k))


# ---- mapping profiles -------------------------------------------------------------------------------------
def profiles(store: Store) -> list[MappingProfile]:
    out = []
    for name, data in _read(store, sa.select(profiles_table.c.name, profiles_table.c.data)
                            .order_by(profiles_table.c.name)):
        raw = json.loads(data)
        out.append(MappingProfile(name=name, framework_id=str(raw["framework_id"]),
                                  columns=tuple(str(c) for c in raw["columns"]),
                                  mapping={str(k): str(v) for k, v in dict(raw["mapping"]).items()}))
    return out


def save_profile(store: Store, actor: str, profile: MappingProfile) -> None:
    name = profile.name.strip()
    if not name:
        raise MappingProfileError("a mapping profile needs a name")
    if len(name) > 120:
        raise MappingProfileError("a mapping profile's name has at most 120 characters")
    data = json.dumps(asdict(profile) | {"columns": list(profile.columns), "name": name}, ensure_ascii=False)
    t = profiles_table

    def upsert(conn):
        conn.execute(sa.delete(t).where(t.c.name == name))
        conn.execute(sa.insert(t).values(name=name, data=data, updated_by=actor, updated_at=_now()))

    _write(store, [upsert], actor, "save mapping profile", name)


def delete_profile(store: Store, actor: str, name: str) -> bool:
    if name not in {p.name for p in profiles(store)}:
        return False
    _write(store, [lambda conn: conn.execute(sa.delete(profiles_table).where(profiles_table.c.name == name))],
           actor, "delete mapping profile", name)
    return True


# ---- custom frameworks ---------------------------------------------------------------------------------------
def digest_of(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def frameworks(store: Store) -> dict[str, Framework]:
    """Custom frameworks by content digest (each parsed and validated again on the way out)."""
    out = {}
    for digest, source in _read(store, sa.select(frameworks_table.c.digest, frameworks_table.c.source)
                                .order_by(frameworks_table.c.uploaded_at)):
        try:
            out[digest] = parse_framework(source, "a stored framework")
        except DefinitionError:
            continue  # a definition this release no longer accepts is left out, not fatal
    return out


def framework_sources(store: Store) -> dict[str, str]:
    """Custom frameworks' definitions as loaded (TOML), by content digest."""
    return dict(_read(store, sa.select(frameworks_table.c.digest, frameworks_table.c.source)))


def add_framework(store: Store, actor: str, source: str, filename: str) -> tuple[str, Framework]:
    """Validate and store a custom framework definition; returns its digest (the same file twice is one)."""
    fw = parse_framework(source, filename)
    if fw.id in builtin_frameworks():
        raise DefinitionError(f"{filename} uses the id {fw.id!r} of a built-in framework; give it an id of its own")
    digest = digest_of(source)
    if digest in {d for (d,) in _read(store, sa.select(frameworks_table.c.digest))}:
        return digest, fw
    _write(store, [lambda conn: conn.execute(sa.insert(frameworks_table).values(
        digest=digest, framework_id=fw.id, name=fw.name, source=source, uploaded_by=actor, uploaded_at=_now()))],
        actor, "add framework", fw.title, filename)
    return digest, fw


def remove_framework(store: Store, actor: str, digest: str) -> bool:
    found = frameworks(store).get(digest)
    if found is None:
        return False
    _write(store, [lambda conn: conn.execute(sa.delete(frameworks_table).where(frameworks_table.c.digest == digest))],
           actor, "remove framework", found.title)
    return True


# ---- what changed: one query per page run ----------------------------------------------------------------------
def version(store: Store) -> tuple:
    """Changes whenever targets, profiles, frameworks or access change (a cache key for every server)."""
    q = sa.select(
        sa.select(sa.func.max(settings_table.c.updated_at)).scalar_subquery(),
        sa.select(sa.func.count()).select_from(profiles_table).scalar_subquery(),
        sa.select(sa.func.max(profiles_table.c.updated_at)).scalar_subquery(),
        sa.select(sa.func.count()).select_from(frameworks_table).scalar_subquery(),
        sa.select(sa.func.max(audit_table.c.id)).scalar_subquery(),
    )
    return tuple(str(v) for v in _read(store, q)[0])


# ---- bringing in a district's older files ---------------------------------------------------------------------
def migrate_files(store: Store, targets_file: Path | None = None, mappings: Path | None = None) -> list[str]:
    """Import ``data/targets.toml`` and ``data/mappings/*.json`` into the store, once; returns what was done."""
    done = []
    targets_file = Path(targets_file or targets_path())
    if targets_file.exists() and _setting(store, TARGETS_KEY) is None and not _imported(store, "targets"):
        try:
            found = parse_targets(targets_file.read_text("utf-8"), targets_file.name)
        except (OSError, DefinitionError) as exc:
            done.append(f"{targets_file.name} was not brought in: {exc}")
        else:
            _write(store, [_put_setting(TARGETS_KEY, to_toml(found), SYSTEM)], SYSTEM, "import targets",
                   "targets", f"from {targets_file.name}")
            done.append(f"Targets brought in from {targets_file.name}.")
    directory = Path(mappings or profiles_dir())
    if directory.is_dir() and not _imported(store, "mappings"):
        known = {p.name for p in profiles(store)}
        found, problems = load_profiles(directory)
        for p in found:
            if p.name not in known:
                save_profile(store, SYSTEM, p)
                done.append(f"Mapping profile {p.name} brought in.")
        done += problems
        log(store, SYSTEM, "import mapping profiles", "mappings", f"{len(found)} from {directory.name}")
    return done


def _imported(store: Store, what: str) -> bool:
    t = audit_table
    action = "import targets" if what == "targets" else "import mapping profiles"
    return bool(_read(store, sa.select(sa.func.count()).select_from(t).where(t.c.action == action))[0][0])
