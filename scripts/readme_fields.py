"""Write the README's reference tables (the fields of each file kind and directive) from the schemas.

    python scripts/readme_fields.py          rewrite README.md in place
    python scripts/readme_fields.py --check  exit 1 when README.md differs from the schemas

Each table sits between ``<!-- fields: NAME -->`` and ``<!-- /fields -->``; NAME is a key of
``reportgen.schemas.REFERENCE``. ``tests/test_schema.py`` fails when a table is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

from reportgen.schemas import fill_reference

README = Path(__file__).resolve().parent.parent / "README.md"


def main(argv: list[str]) -> int:
    text = README.read_text(encoding="utf-8")
    filled = fill_reference(text)
    if "--check" in argv:
        if filled != text:
            print(f"{README.name}: the reference tables differ from reportgen/schemas.py; run {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    README.write_text(filled, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
