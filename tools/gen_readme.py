"""Build README.rst and static/description/index.html from the readme/*.md
fragments, the way OCA addons do.

OCA's generator (maintainer-tools, not on PyPI) renders the same fragments
the same way: pandoc (Debian's package; ``make setup`` installs it) converts
each fragment from Markdown to reStructuredText, docutils checks the README
(any warning or error fails the run: it would show as broken text on the
addon's page) and renders the page of the Apps menu. ``--check`` fails when
either file is not up to date (pre-commit).
"""

import argparse
import ast
import hashlib
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = [
    ("CONTEXT", "Context"),
    ("INSTALL", "Installation"),
    ("CONFIGURE", "Configuration"),
    ("USAGE", "Usage"),
    ("SECURITY", "Security"),
    ("DEVELOP", "Development"),
    ("ROADMAP", "Known issues / Roadmap"),
    ("HISTORY", "Changelog"),
]
CREDITS = [("CONTRIBUTORS", "Contributors"), ("CREDITS", "Other credits")]


def md_to_rst(markdown):
    """A readme/ fragment in reStructuredText: its headings (``##``) one
    level under the README's sections, its images' paths from the root."""
    if not shutil.which("pandoc"):
        sys.exit("pandoc is needed: `make setup` installs it")
    markdown = markdown.replace("](../static/description/", "](static/description/")
    rst = subprocess.run(
        ["pandoc", "--from=gfm", "--to=rst", "--wrap=preserve"]
        + ["--shift-heading-level-by=1"],
        input=markdown,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return rst.strip() + "\n"


def check_rst(rst):
    """Exit with docutils' messages if ``rst`` has any warning or error."""
    from docutils.core import publish_doctree  # an Odoo dependency

    messages = io.StringIO()
    publish_doctree(
        rst,
        settings_overrides={
            "report_level": 2,  # warnings and above
            "halt_level": 5,  # all of them, not only the first
            "warning_stream": messages,
        },
    )
    if messages.getvalue():
        sys.exit(f"README.rst is not valid reStructuredText:\n{messages.getvalue()}")


def build():
    manifest = ast.literal_eval((ROOT / "__manifest__.py").read_text())
    fragments = {
        path.stem: path.read_text() for path in sorted((ROOT / "readme").glob("*.md"))
    }
    if "DESCRIPTION" not in fragments:
        sys.exit("readme/DESCRIPTION.md is missing")
    digest = hashlib.sha256(
        "".join(fragments[k] for k in sorted(fragments)).encode()
        + repr(sorted(manifest.items())).encode()
    ).hexdigest()
    title = manifest["name"]
    parts = [
        "=" * len(title),
        title,
        "=" * len(title),
        "",
        "..",
        "   !! This file is generated from readme/*.md by tools/gen_readme.py:",
        "   !! edit the fragments, not this file.",
        f"   !! source digest: sha256:{digest}",
        "",
        "|badge1| |badge2|",
        "",
        ".. |badge1| image:: https://img.shields.io/badge/maturity-Beta-yellow.png",
        "    :alt: Beta",
        ".. |badge2| image:: https://img.shields.io/badge/license-"
        f"{manifest['license'].replace('-', '--')}-blue.png",
        f"    :alt: License: {manifest['license']}",
        "",
        md_to_rst(fragments["DESCRIPTION"]),
        "**Table of contents**",
        "",
        ".. contents::",
        "   :local:",
        "",
    ]
    for key, heading in SECTIONS:
        if key in fragments:
            parts += [heading, "=" * len(heading), "", md_to_rst(fragments[key])]
    parts += ["Credits", "=======", "", "Authors", "~~~~~~~", ""]
    parts += [f"* {author.strip()}" for author in manifest["author"].split(",")] + [""]
    for key, heading in CREDITS:
        if key in fragments:
            parts += [heading, "~" * len(heading), "", md_to_rst(fragments[key])]
    return "\n".join(parts).rstrip() + "\n"


def build_html(rst):
    """The Apps page: the README rendered, its images next to it (Odoo serves
    them from the addon's static/description/)."""
    from docutils.core import publish_string  # an Odoo dependency

    rst = rst.replace(".. image:: static/description/", ".. image:: ")
    html = publish_string(
        rst,
        writer_name="html5",
        settings_overrides={"report_level": 5, "output_encoding": "unicode"},
    )
    # the same page whatever the docutils version, without trailing blanks
    html = re.sub(r'<meta name="generator"[^>]*>\n', "", html)
    return "\n".join(line.rstrip() for line in html.splitlines()) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = build()
    check_rst(text)
    outdated = []
    for path, content in (
        (ROOT / "README.rst", text),
        (ROOT / "static" / "description" / "index.html", build_html(text)),
    ):
        if path.exists() and path.read_text() == content:
            continue
        path.write_text(content)
        outdated.append(path.relative_to(ROOT))
    if outdated and args.check:
        sys.exit(
            f"{', '.join(map(str, outdated))} out of date: rebuilt, add the change."
        )


if __name__ == "__main__":
    main()
