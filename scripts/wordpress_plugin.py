"""Build the WordPress plugin's zip: compile its translations, then pack the folder.

Run from the repository: `make wordpress-plugin` (or `uv run python scripts/wordpress_plugin.py
[--out DIR]`). It compiles every `integrations/wordpress/corrigo/languages/*.po` into the `.mo`
beside it (with Babel, already a dependency) and writes `dist/corrigo-wordpress-VERSION.zip`,
the file WordPress's Plugins → Add New → Upload takes. The zip is reproducible: the same
sources give the same bytes.
"""

from __future__ import annotations

import argparse
import io
import re
import zipfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = ROOT / "integrations" / "wordpress" / "corrigo"
# Every file gets this time, so that the zip depends only on the contents.
STAMP = (2026, 1, 1, 0, 0, 0)


def compiled(po: Path) -> bytes:
    """The .mo of a .po catalogue."""
    with po.open("rb") as handle:
        catalog = read_po(handle)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def compile_translations() -> list[Path]:
    """Write each .po's .mo beside it; the .mo files written."""
    written = []
    for po in sorted((PLUGIN / "languages").glob("*.po")):
        mo = po.with_suffix(".mo")
        mo.write_bytes(compiled(po))
        written.append(mo)
    return written


def version() -> str:
    """The plugin's version, from its header."""
    found = re.search(r"^ \* Version:\s*(\S+)", (PLUGIN / "corrigo.php").read_text(), re.M)
    if found is None:
        raise SystemExit("corrigo.php has no Version header")
    return found.group(1)


def build(out_dir: Path) -> Path:
    """Compile the translations and write the zip into `out_dir`; its path."""
    compile_translations()
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"corrigo-wordpress-{version()}.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(PLUGIN.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo(f"corrigo/{path.relative_to(PLUGIN).as_posix()}", STAMP)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, path.read_bytes())
    return target


def main() -> None:
    """Build the zip where --out says (dist/ by default) and print its path."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    print(build(parser.parse_args().out))


if __name__ == "__main__":
    main()
