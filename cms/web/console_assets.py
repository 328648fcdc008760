"""The console's scripts and styles, served from the CMS's own origin.

The vendor files (React, GraphiQL, the explorer plugin) come from npm at the exact versions and
integrity hashes of `console/package-lock.json`, installed by `make console-assets` (`npm ci`)
into a gitignored folder: nothing is copied into the repository by hand, and no request leaves
the origin when the console loads. The console's own script and style sit beside this module.
Each file's SRI hash is computed from the bytes served, so the page's `integrity` attributes
always match what this process sends; the hash also versions the URL, so a file may be cached
for good.
"""

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path

OWN_DIR = Path(__file__).parent / "console"
DEFAULT_VENDOR_DIR = Path(__file__).resolve().parents[2] / "console" / "node_modules"
"""Where `make console-assets` installs the vendor files in a checkout."""
INSTALL_HINT = "make console-assets"

VENDOR_FILES = {
    "graphiql.css": "graphiql/graphiql.min.css",
    "explorer.css": "@graphiql/plugin-explorer/dist/style.css",
    "react.js": "react/umd/react.production.min.js",
    "react-dom.js": "react-dom/umd/react-dom.production.min.js",
    "graphiql.js": "graphiql/graphiql.min.js",
    "explorer.js": "@graphiql/plugin-explorer/dist/index.umd.js",
}
"""Served name -> path under the install folder, in the order the page loads them."""
OWN_FILES = ("console.css", "console.js")

MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


@dataclass(frozen=True, slots=True)
class Asset:
    """One file the console page loads: its bytes, their SRI hash and its versioned URL."""

    name: str
    body: bytes
    integrity: str

    @property
    def version(self) -> str:
        """The start of the hash, URL-safe: it changes whenever the file does."""
        return self.integrity[7:23].replace("+", "-").replace("/", "_")

    @property
    def url(self) -> str:
        return f"/console/{self.name}?v={self.version}"

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[Path(self.name).suffix]

    @property
    def is_script(self) -> bool:
        return self.name.endswith(".js")


def _asset(name: str, path: Path) -> Asset:
    body = path.read_bytes()
    digest = base64.b64encode(hashlib.sha384(body).digest()).decode()
    return Asset(name=name, body=body, integrity=f"sha384-{digest}")


@dataclass(frozen=True, slots=True)
class ConsoleAssets:
    """The files found at start-up; `missing` names the vendor files not installed."""

    assets: dict[str, Asset]
    missing: list[str]

    @classmethod
    def load(cls, vendor_dir: Path | None) -> "ConsoleAssets":
        folder = vendor_dir or DEFAULT_VENDOR_DIR
        found = {name: folder / path for name, path in VENDOR_FILES.items()}
        missing = [str(path) for path in found.values() if not path.is_file()]
        if missing:
            return cls(assets={}, missing=missing)
        found.update({name: OWN_DIR / name for name in OWN_FILES})
        return cls(assets={name: _asset(name, path) for name, path in found.items()}, missing=[])

    @property
    def installed(self) -> bool:
        return not self.missing
