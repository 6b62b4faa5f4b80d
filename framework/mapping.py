"""Named mapping profiles: how a form's columns were read, saved so the next upload of the same
form is read the same way without asking again.

A profile stores the header list it was made for and, for each column, what it holds (a skill-area
id, an identity field, or "" for not used). It applies to a file whose headers match closely
(the same form exported again, perhaps with a column added): every column the profile names
must be present, and at least 90% of the headers must be shared.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from framework.definitions import DATA_DIR as _PKG_DATA
from framework.definitions import normalize_text

DEFAULT_DIR = _PKG_DATA.parents[1] / "data" / "mappings"
MIN_OVERLAP = 0.9


class MappingProfileError(ValueError):
    """A profile file that cannot be read; the message names the file."""


@dataclass(frozen=True)
class MappingProfile:
    name: str
    framework_id: str
    columns: tuple[str, ...]
    mapping: dict[str, str]  # column -> area id, identity field, or "" (not used)

    def overlap(self, columns: list[str]) -> float:
        mine = {normalize_text(c) for c in self.columns}
        theirs = {normalize_text(c) for c in columns}
        return len(mine & theirs) / max(len(mine | theirs), 1)

    def fits(self, columns: list[str], framework_id: str) -> bool:
        if framework_id != self.framework_id:
            return False
        present = set(columns)
        return all(c in present for c in self.mapping) and self.overlap(columns) >= MIN_OVERLAP


def profiles_dir() -> Path:
    return Path(os.environ.get("DASHBOARD_MAPPINGS_DIR", DEFAULT_DIR))


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "mapping"


def save_profile(profile: MappingProfile, directory: Path | None = None) -> Path:
    if not profile.name.strip():
        raise MappingProfileError("a mapping profile needs a name")
    directory = Path(directory or profiles_dir())
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{slug(profile.name)}.json"
    data = asdict(profile) | {"columns": list(profile.columns)}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def load_profiles(directory: Path | None = None) -> tuple[list[MappingProfile], list[str]]:
    """All readable profiles, and one sentence per file that could not be read."""
    directory = Path(directory or profiles_dir())
    profiles, problems = [], []
    for path in sorted(directory.glob("*.json")) if directory.is_dir() else []:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            profiles.append(MappingProfile(
                name=str(raw["name"]), framework_id=str(raw["framework_id"]),
                columns=tuple(str(c) for c in raw["columns"]),
                mapping={str(k): str(v) for k, v in dict(raw["mapping"]).items()},
            ))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            problems.append(f"Mapping profile {path.name} was skipped: it cannot be read ({exc}).")
    return profiles, problems


def find_profile(profiles: list[MappingProfile], columns: list[str], framework_id: str) -> MappingProfile | None:
    """The best-fitting profile for these headers, if any fits."""
    fitting = [p for p in profiles if p.fits(columns, framework_id)]
    return max(fitting, key=lambda p: p.overlap(columns)) if fitting else None


def delete_profile(name: str, directory: Path | None = None) -> bool:
    path = Path(directory or profiles_dir()) / f"{slug(name)}.json"
    if path.exists():
        path.unlink()
        return True
    return False


# ---- the mapping editor's vocabulary (used by the Upload page, tested here) -----------------------
NOT_USED = "Not used"


def choice_labels(framework) -> dict[str, str]:
    """Label shown in a mapping editor -> what a column holds (area id, identity field, or "")."""
    from framework.importer.columns import IDENTITY_FIELDS

    out = {NOT_USED: ""}
    out |= {f"Skill area: {a.name}": a.id for a in framework.areas}
    out |= {f"Who: {label}": key for key, label in IDENTITY_FIELDS.items()}
    return out


def label_for(match, framework) -> str:
    """The editor label of a column match."""
    from framework.importer.columns import AREA, IDENTITY, IDENTITY_FIELDS

    if match.kind == AREA:
        return f"Skill area: {framework.area(match.target).name}"
    if match.kind == IDENTITY:
        return f"Who: {IDENTITY_FIELDS[match.target]}"
    return NOT_USED


def proposal_for(match, framework) -> str:
    """The editor label of what an unused column may hold, with the match's confidence ("" when nothing is
    proposed): low-confidence matches are shown for the user to choose, never used by themselves."""
    if not match.proposed:
        return ""
    options = {v: k for k, v in choice_labels(framework).items()}
    return f"{options.get(match.proposed, match.proposed)} ({round(100 * match.confidence)}%)"


def mapping_from_edits(matches, edited_rows: dict, framework) -> dict[str, str]:
    """The full column mapping after a user's edits ({row position: {"Read as": label}})."""
    options = choice_labels(framework)
    mapping = {m.column: options[label_for(m, framework)] for m in matches}
    columns = [m.column for m in matches]
    for row, change in edited_rows.items():
        if "Read as" in change and change["Read as"] in options:
            mapping[columns[int(row)]] = options[change["Read as"]]
    return mapping
