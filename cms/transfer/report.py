"""What an import did: counts per kind of record, and every item it could not take, by name.

A problem with one item is collected here and the run goes on; the report is printed at the end
and written as JSON for whoever fixes the source data.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Problem:
    item: str
    """Which item, in the source's own terms: `articles.ndjson line 12 (public id …)`, `post 4`."""
    message: str


@dataclass(slots=True)
class Report:
    dry_run: bool = False
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def error(self, item: str, message: str) -> None:
        self.errors.append(Problem(item, message))

    def warn(self, item: str, message: str) -> None:
        self.warnings.append(Problem(item, message))

    @property
    def changed(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())

    def summary(self) -> str:
        kinds = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        verb = "would be" if self.dry_run else ""
        lines = [
            f"{kind}: {self.created[kind]} {verb} created, {self.updated[kind]} {verb} updated, "
            f"{self.unchanged[kind]} unchanged".replace("  ", " ")
            for kind in kinds
        ]
        lines += [f"Warning: {p.item}: {p.message}" for p in self.warnings]
        lines += [f"Error: {p.item}: {p.message}" for p in self.errors]
        lines.append(
            f"{len(self.errors)} item(s) not imported, {len(self.warnings)} warning(s)."
            + (" Dry run: nothing was written." if self.dry_run else "")
        )
        return "\n".join(lines)

    def write(self, path: Path) -> None:
        data = {
            "dry_run": self.dry_run,
            "created": dict(self.created),
            "updated": dict(self.updated),
            "unchanged": dict(self.unchanged),
            "errors": [{"item": p.item, "message": p.message} for p in self.errors],
            "warnings": [{"item": p.item, "message": p.message} for p in self.warnings],
        }
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
