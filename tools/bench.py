"""Benchmarks of travel_customer against stock Odoo doing the same work.

Fills a database with synthetic customers (Faker; French, German, Swiss,
Italian and British) with bookings, then prints, from one run:

- the customer search, first 10 results: stock ``name_search`` (``ilike``,
  no trigram index) against the addon's, on --size customers and again on
  --install-size customers, for each kind of query (name, name and city,
  name and zip, first and last name, part of the e-mail, the phone's
  digits, the name with a typo): how often the customer looked for is in
  the first 10, and how long; and the addon's on a text of 5,000 words (of
  which it considers the first);
- the similar customers of one customer (top 10) against the core merge
  wizard's grouping, on --size customers and again on --install-size
  partners; the duplicate scan of the whole base with its quality
  (``bench_quality``), and on --install-size partners the scan's time with
  the similar customers' median (``bench_quality.scale``);
- merging customers through the addon (journal and log included) against
  the core merge wizard's ``_merge`` run pair by pair: one duplicate holding
  50 bookings, 50 duplicates at once, a bulk merge of 100 groups
  (``--only merge`` runs this part alone, e.g. ``--size 6000``);
- anonymizing one customer (against stock's privacy lookup) and the
  retention policy on 10,000 customers;
- the nightly assignment of departures to resellers (1,000 x 10,000), against
  the ORM;
- giving the default customer type to every existing partner on install,
  on --install-size partners: the addon's hook against one UPDATE and
  against the ORM.

Run it with ``make bench`` (``BENCH_SIZE=...`` to change the size;
``BENCH_ARGS="--only search"`` for the search alone, at both sizes).
"""

import argparse
import base64
import io
import math
import random
import re
import statistics
import sys
import time
import unicodedata
from contextlib import contextmanager
from pathlib import Path

from faker import Faker

from odoo.tools import SQL

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_quality  # noqa: E402
import dev  # noqa: E402

LOCALES = ["fr_FR", "de_DE", "de_CH", "it_IT", "en_GB"]
COUNTRY = {"fr_FR": "FR", "de_DE": "DE", "de_CH": "CH", "it_IT": "IT", "en_GB": "GB"}
STOCK_MODULES = "contacts,sale_management,portal,phone_validation"
QUERIES_PER_KIND = 10
# what a desk agent types to find a customer; the first four as in the
# earlier runs (the same customers are picked for them)
QUERY_KINDS = (
    "name",
    "name city",
    "name zip",
    "first last",
    "e-mail part",
    "phone digits",
    "typo in the name",
)
DUPLICATE_EVERY = 50
DUPLICATE_CHANGES = ("typo", "swap", "no_email", "phone", "accents")
DATA_VERSION = 2  # bump when the generated data changes


def say(message):
    print(message, flush=True)


def identifiers(*names, table=None):
    """``"a", "b"`` (or ``t."a", t."b"``) as one SQL list."""
    parts = (SQL.identifier(*((table, n) if table else (n,))) for n in names)
    return SQL(", ").join(parts)


# ---------------------------------------------------------------- Odoo access
@contextmanager
def odoo_env(db):
    """An Odoo environment on ``db`` (superuser); connections closed after."""
    import odoo
    from odoo.modules.registry import Registry

    if not odoo.tools.config.get("db_user"):
        odoo.tools.config.parse_config(["-c", str(dev.CONFIG), "--log-level=warn"])
    registry = Registry.new(db)
    cr = registry.cursor()
    try:
        yield odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US"})
    finally:
        cr.close()
        Registry.delete(db)
        odoo.sql_db.close_db(db)


def server_sql(query, db="postgres"):
    """Run ``query`` (odoo.tools.SQL) outside a transaction, as the role of
    Odoo's configuration (no superuser needed): CREATE DATABASE, VACUUM."""
    import psycopg2  # an Odoo dependency

    conn = psycopg2.connect(
        dbname=db, user=dev.DB_USER, password=dev.DB_PASSWORD, host="localhost"
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            cr.execute(query.code, query.params or None)
            return cr.fetchall() if cr.description else None
    finally:
        conn.close()


def odoo_install(db, modules, *extra):
    start = time.monotonic()
    dev.odoo(
        "-d",
        db,
        "-i",
        modules,
        "--stop-after-init",
        "--log-level=warn",
        "--without-demo=all",
        *extra,
    )
    return time.monotonic() - start


def clone(source, target):
    dev.drop_database(target)
    server_sql(
        SQL(
            "CREATE DATABASE %s TEMPLATE %s",
            SQL.identifier(target),
            SQL.identifier(source),
        )
    )


def vacuum(db, table="res_partner"):
    """VACUUM (ANALYZE) a table just filled: its statistics and visibility
    map as a live base has them, and nothing left for autovacuum (whose
    session a role that is not a superuser may not end) when the database
    is dropped."""
    server_sql(SQL("VACUUM (ANALYZE) %s", SQL.identifier(table)), db=db)


# ---------------------------------------------------------------- data
def fake_people(size, seed=42):
    """Rows of synthetic customers: name, address, e-mail, phone.

    One customer in ``DUPLICATE_EVERY`` gets a planted duplicate just after
    it, written the way duplicates happen (see ``plant_duplicate``); the last
    column gives the row number of the customer it duplicates.
    """
    fake = Faker(LOCALES)
    Faker.seed(seed)
    rng = random.Random(seed)
    seq = 0
    while seq < size:
        locale = rng.choice(LOCALES)
        gen = fake[locale]
        row = (
            f"{gen.first_name()} {gen.last_name()}",
            gen.street_address().replace("\n", " "),
            gen.postcode(),
            gen.city(),
            COUNTRY[locale],
            gen.free_email(),
            gen.phone_number(),
        )
        seq += 1
        yield (*row, None)
        if seq % DUPLICATE_EVERY == 0 and seq < size:
            seq += 1
            yield (*plant_duplicate(row, rng), seq - 1)


def plant_duplicate(row, rng):
    """The same person typed again: a typo, swapped names, no e-mail,
    another phone format or the accents dropped (one or two of these)."""
    name, street, zip_code, city, country, email, phone = row
    for change in rng.sample(DUPLICATE_CHANGES, rng.choice((1, 2))):
        if change == "typo" and len(name) > 4:
            i = rng.randrange(1, len(name) - 2)
            name = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
        elif change == "swap":
            first, _sep, last = name.partition(" ")
            name = f"{last}, {first}"
        elif change == "no_email":
            email = None
        elif change == "phone":
            digits = "".join(c for c in phone if c.isdigit())
            phone = " ".join(digits[i : i + 2] for i in range(0, len(digits), 2))
        elif change == "accents":
            name = (
                unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
            )
            city = (
                unicodedata.normalize("NFKD", city).encode("ascii", "ignore").decode()
            )
    return name, street, zip_code, city, country, email, phone


def copy_rows(cr, table, columns, rows):
    buffer = io.StringIO()
    for row in rows:
        buffer.write(
            "\t".join(
                str(v).replace("\\", "\\\\").replace("\t", " ")
                if v is not None
                else "\\N"
                for v in row
            )
            + "\n"
        )
    buffer.seek(0)
    cr._obj.copy_from(buffer, table, columns=columns)


def other_columns(cr, table, *excluded):
    """The columns of ``table`` but ``excluded``, filled from a template row."""
    cr.execute(
        SQL(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = %s AND NOT column_name = ANY(%s) "
            "ORDER BY ordinal_position",
            table,
            list(excluded),
        )
    )
    return [row[0] for row in cr.fetchall()]


def generate(env, size):
    """Insert ``size`` customers, each with one booking, set-based."""
    cr = env.cr
    template = env["res.partner"].create({"name": "Bench template", "lang": "en_US"})
    product = env["product.product"].create({"name": "Bench trip", "type": "service"})
    order = env["sale.order"].create(
        {"partner_id": template.id, "order_line": [(0, 0, {"product_id": product.id})]}
    )
    env.flush_all()
    cr.execute(
        SQL(
            "CREATE TEMP TABLE bench_people (seq serial, name text, street text, "
            "zip text, city text, country text, email text, phone text, dup_of int)"
        )
    )
    t0 = time.monotonic()
    copy_rows(
        cr,
        "bench_people",
        ("name", "street", "zip", "city", "country", "email", "phone", "dup_of"),
        fake_people(size),
    )
    say(f"  {size:,} customers made by Faker in {time.monotonic() - t0:.1f} s")
    insert_partners(cr, template.id)
    insert_bookings(cr, template.id, order.id)
    # the planted duplicates, to measure how many are found
    cr.execute(
        SQL(
            """
            CREATE TABLE travel_bench_duplicate AS
            SELECT o.id AS original_id, d.id AS duplicate_id
            FROM bench_people b
            JOIN res_partner d ON d.ref = 'B' || b.seq
            JOIN res_partner o ON o.ref = 'B' || b.dup_of
            WHERE b.dup_of IS NOT NULL
            """
        )
    )
    cr.execute(
        SQL(
            "CREATE TABLE travel_bench_meta AS SELECT %s::int AS size, "
            "%s::int AS version",
            size,
            DATA_VERSION,
        )
    )
    cr.commit()
    for table in ("res_partner", "sale_order"):
        vacuum(env.cr.dbname, table)


def insert_partners(cr, template_id):
    """The people of ``bench_people`` as partners, the other columns taken
    from the template partner."""
    given = ("name", "complete_name", "street", "zip", "city", "country_id")
    given += ("email", "phone", "create_date", "write_date", "ref")
    kept = other_columns(cr, "res_partner", "id", "commercial_partner_id", *given)
    cr.execute(
        SQL(
            """
            INSERT INTO res_partner (%(kept)s, %(given)s)
            SELECT %(template)s, p.name, p.name, p.street, p.zip, p.city, c.id,
                   p.email, p.phone, now() - mod(p.seq, 2000) * interval '1 day',
                   now(), 'B' || p.seq
            FROM bench_people p
            JOIN res_country c ON c.code = p.country
            CROSS JOIN (SELECT * FROM res_partner WHERE id = %(id)s) t
            """,
            kept=identifiers(*kept),
            given=identifiers(*given),
            template=identifiers(*kept, table="t"),
            id=template_id,
        )
    )
    cr.execute(
        SQL(
            "UPDATE res_partner SET commercial_partner_id = id "
            "WHERE commercial_partner_id IS NULL OR id > %s",
            template_id,
        )
    )


def insert_bookings(cr, template_id, order_id):
    """One order per partner made after the template (a quarter of them
    quotations), the other columns taken from the template order."""
    given = ("name", "partner_id", "partner_invoice_id", "partner_shipping_id")
    given += ("date_order", "state")
    kept = other_columns(cr, "sale_order", "id", *given)
    cr.execute(
        SQL(
            """
            INSERT INTO sale_order (%(kept)s, %(given)s)
            SELECT %(template)s, 'BK' || p.id, p.id, p.id, p.id,
                   now() - mod(p.id, 900) * interval '1 day',
                   CASE WHEN mod(p.id, 4) = 0 THEN 'draft' ELSE 'sale' END
            FROM res_partner p
            CROSS JOIN (SELECT * FROM sale_order WHERE id = %(order)s) t
            WHERE p.id > %(partner)s
            """,
            kept=identifiers(*kept),
            given=identifiers(*given),
            template=identifiers(*kept, table="t"),
            order=order_id,
            partner=template_id,
        )
    )


def grow(db, size):
    """Add customers to ``db`` until it holds ``size`` partners, made from
    the generated ones in the order of their ids (two databases of the same
    customers, stock Odoo's and the addon's, grow alike).

    Each new customer is another person, as in a real base: the first name,
    e-mail and phone of one generated customer (the e-mail and phone made
    its own), the last name of a second and the address of a third. Copies
    of the same people would make five identical customers of each, which
    no search can tell apart and every duplicate scan must group; one donor
    for both the last name and the address, five people of one last name at
    every address, which a scan takes for duplicates.
    """
    with odoo_env(db) as env:
        cr = env.cr
        cr.execute(SQL("SELECT count(*) FROM res_partner"))
        missing = size - cr.fetchone()[0]
        if missing <= 0:
            return
        given = ("name", "complete_name", "street", "zip", "city", "country_id")
        given += ("email", "phone", "ref")
        names = other_columns(cr, "res_partner", "id", "commercial_partner_id", *given)
        cr.execute(
            SQL(
                """
                CREATE TEMP TABLE bench_original ON COMMIT DROP AS
                SELECT row_number() OVER (ORDER BY id) - 1 AS pos, *
                FROM res_partner WHERE ref LIKE 'B%%';
                CREATE UNIQUE INDEX ON bench_original (pos);
                ANALYZE bench_original;
                SELECT count(*), (SELECT max(id) FROM res_partner)
                FROM bench_original
                """
            )
        )
        originals, last_id = cr.fetchone()
        # each its own commercial partner, set as it is inserted: an UPDATE
        # afterwards rewrote every row in every index once more
        cr.execute(
            SQL(
                """
                INSERT INTO res_partner (id, commercial_partner_id, %(given)s,
                                         %(columns)s)
                SELECT c.new_id, CASE WHEN c.parent_id IS NULL THEN c.new_id
                                      ELSE c.commercial_partner_id END,
                       split_part(c.name, ' ', 1) || ' ' || d.last,
                       split_part(c.name, ' ', 1) || ' ' || d.last,
                       a.street, a.zip, a.city, a.country_id,
                       replace(c.email, '@', c.k || '@'),
                       left(c.phone, -2)
                       || lpad(mod(abs(hashtext(c.new_id::text)), 100)::text, 2, '0'),
                       'G' || c.new_id,
                       %(copied)s
                FROM (SELECT %(last_id)s + (k - 1) * %(originals)s + o.pos + 1
                             AS new_id, o.*, k
                      FROM generate_series(1, %(copies)s) AS k
                      CROSS JOIN bench_original o
                      WHERE (k - 1) * %(originals)s + o.pos < %(n)s) AS c
                JOIN (SELECT pos, CASE WHEN position(' ' IN name) > 0
                                       THEN substr(name, position(' ' IN name) + 1)
                                       ELSE name END AS last
                      FROM bench_original) AS d
                  ON d.pos = mod(c.pos + c.k * 7919, %(originals)s)
                JOIN bench_original a
                  ON a.pos = mod(c.pos + c.k * 104729, %(originals)s);
                SELECT setval('res_partner_id_seq', (SELECT max(id) FROM res_partner))
                """,
                given=identifiers(*given),
                columns=identifiers(*names),
                copied=identifiers(*names, table="c"),
                last_id=last_id,
                originals=originals,
                copies=-(-missing // originals),
                n=missing,
            )
        )
        cr.commit()
    vacuum(db)


def stock_database(db, size):
    """A database of stock Odoo (the addon's dependencies) with ``size`` customers."""
    stock = f"{db}_stock"
    if dev.database_exists(stock):
        try:
            meta = server_sql(
                SQL("SELECT size, version FROM travel_bench_meta"), db=stock
            )
            if meta[0] == (size, DATA_VERSION):
                say(f"Reusing {stock} ({size:,} customers)")
                return stock
        except Exception:  # noqa: BLE001 - an unfinished run: build it again
            pass
        dev.drop_database(stock)
    say(f"Building {stock}: stock Odoo and {size:,} customers with bookings")
    odoo_install(stock, STOCK_MODULES)
    with odoo_env(stock) as env:
        generate(env, size)
    return stock


# ---------------------------------------------------------------- measures
def sample_queries(env, count=QUERIES_PER_KIND, seed=7):
    """Queries a desk agent types, each with the customer it looks for:
    ``count`` of each of ``QUERY_KINDS``."""
    rows = env.execute_query(
        SQL(
            "SELECT id, name, zip, city, email, phone FROM res_partner "
            "WHERE name NOT LIKE %s AND zip IS NOT NULL AND city IS NOT NULL "
            "ORDER BY id",
            "Bench%",
        )
    )
    rng = random.Random(seed)
    picked = rng.sample(rows, 4 * count)
    # the other kinds: customers with an e-mail, a phone and a last name of
    # five letters or more (a typo in a shorter word is not looked for)
    reachable = [
        row
        for row in rows
        if row[4]
        and row[5]
        and len(row[1].split()[-1]) >= 5
        and row[1].split()[-1].isalpha()
    ]
    picked += rng.sample(reachable, (len(QUERY_KINDS) - 4) * count)
    return [
        (kind, query_text(kind, row, rng), row[0])
        for kind, row in zip(
            (kind for kind in QUERY_KINDS for _i in range(count)), picked, strict=False
        )
    ]


def query_text(kind, row, rng):
    """What is typed to find the customer of ``row`` by ``kind``."""
    _id, name, zip_code, city, email, phone = row
    first, last = name.split()[0], name.split()[-1]
    return {
        "name": lambda: last,
        # the whole city: its first word alone is often "Saint", "San", "Bad"
        # or "Monte", which thousands of customers' cities share
        "name city": lambda: f"{last} {city}",
        "name zip": lambda: f"{last} {zip_code}",
        "first last": lambda: f"{first} {last}",
        "e-mail part": lambda: email.split("@")[0],
        "phone digits": lambda: re.sub(r"\D", "", phone),
        "typo in the name": lambda: f"{first} {typo(last, rng)}",
    }[kind]()


def typo(word, rng):
    """``word`` with one letter wrong, missing, or swapped with the next."""
    i = rng.randrange(1, len(word) - 1)
    change = rng.choice(("wrong", "missing", "swapped"))
    if change == "swapped" and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if change == "missing":
        return word[:i] + word[i + 1 :]
    letter = rng.choice([c for c in "aeiorstnlu" if c != word[i].lower()])
    return word[:i] + letter + word[i + 1 :]


def time_search(env, queries, limit=10):
    """Time ``name_search`` on each query: {kind: (timings in ms, found)}."""
    Partner = env["res.partner"]
    for _kind, text, _pid in queries[:5]:  # warm the caches
        Partner.name_search(text, limit=limit)
    results = {}
    for kind, text, pid in queries:
        start = time.perf_counter()
        found = Partner.name_search(text, limit=limit)
        timings, hits = results.setdefault(kind, ([], []))
        timings.append((time.perf_counter() - start) * 1000)
        hits.append(any(rid == pid for rid, _name in found))
    results["all"] = (
        [t for kind in list(results) for t in results[kind][0]],
        [h for kind in list(results) for h in results[kind][1]],
    )
    return results


def time_long_search(env, queries, words=5_000):
    """Time ``name_search`` on texts of ``words`` words, a query typed again
    and again and then words nobody has (a portal user can send that): the
    addon considers the first words only. (timings in ms, found)"""
    Partner = env["res.partner"]
    filler = [f"zq{i}xw" for i in range(words)]
    timings, hits = [], []
    for _kind, text, pid in queries:
        long_text = " ".join([text] * 8 + filler)
        start = time.perf_counter()
        found = Partner.name_search(long_text, limit=10)
        timings.append((time.perf_counter() - start) * 1000)
        hits.append(any(rid == pid for rid, _name in found))
    return timings, hits


def p95(values):
    """The 95th percentile of ``values``, by nearest rank: the figure every
    tool prints."""
    ordered = sorted(values)
    return ordered[math.ceil(len(ordered) * 0.95) - 1]


def figures(timings, hits):
    return {
        "median": statistics.median(timings),
        "p95": p95(timings),
        "found": sum(hits),
        "total": len(hits),
    }


def search_bench(stock_db, our_db, label):
    """The customer search on the same queries in stock Odoo and with the
    addon: found in the first 10 and time, by kind of query."""
    results = {}
    for name, db in (("stock", stock_db), ("ours", our_db)):
        with odoo_env(db) as env:
            results[name] = time_search(env, sample_queries(env))
    with odoo_env(our_db) as env:
        long_search = figures(*time_long_search(env, sample_queries(env)))
    say(f"\nCustomer search (name_search), first 10, {label}")
    say(
        f"  {'query typed':20}{'found: stock':>13}{'ours':>7}"
        f"{'median: stock':>15}{'ours':>9}{'p95: stock':>12}{'ours':>9}"
    )
    for kind in (*QUERY_KINDS, "all"):
        stock = figures(*results["stock"][kind])
        ours = figures(*results["ours"][kind])
        say(
            f"  {kind:20}{stock['found']:>10}/{stock['total']:<2}"
            f"{ours['found']:>4}/{ours['total']:<2}"
            f"{stock['median']:>12.1f}ms{ours['median']:>7.2f}ms"
            f"{stock['p95']:>10.1f}ms{ours['p95']:>7.2f}ms"
        )
    stock, ours = figures(*results["stock"]["all"]), figures(*results["ours"]["all"])
    say(
        f"  ratio (stock / ours): median x{stock['median'] / ours['median']:.1f}, "
        f"p95 x{stock['p95'] / ours['p95']:.1f}"
    )
    say(
        f"  5,000-word name_search (a portal user may send it): median "
        f"{long_search['median']:.2f} ms, p95 {long_search['p95']:.2f} ms, "
        f"{long_search['found']}/{long_search['total']} found from its first words"
    )


def similarity_bench(stock_db, our_db, label, sample=200):
    """Similar customers of one customer (top 10) against the core merge
    wizard's duplicate query (group by name, by e-mail), on planted pairs."""
    with odoo_env(our_db) as env:
        cr = env.cr
        cr.execute(
            "SELECT original_id, duplicate_id FROM travel_bench_duplicate "
            "ORDER BY original_id LIMIT %s",
            [sample],
        )
        pairs = cr.fetchall()
        Partner = env["res.partner"]
        for original, _dup in pairs[:5]:  # warm the caches
            Partner.browse(original)._travel_similar_customers()
        timings, found = [], 0
        for original, duplicate in pairs:
            start = time.perf_counter()
            similar = Partner.browse(original)._travel_similar_customers(limit=10)
            timings.append((time.perf_counter() - start) * 1000)
            found += any(s["partner_id"] == duplicate for s in similar)
    ours = figures(timings, [True] * found + [False] * (len(pairs) - found))
    core_figures = {}
    with odoo_env(stock_db) as env:
        cr = env.cr
        core = env["base.partner.merge.automatic.wizard"]
        cr.execute(SQL("SELECT original_id, duplicate_id FROM travel_bench_duplicate"))
        all_pairs = cr.fetchall()
        for fields in (["name"], ["email"]):
            start = time.perf_counter()
            cr.execute(core._generate_query(fields, maximum_group=0))
            groups = cr.fetchall()
            seconds = time.perf_counter() - start
            grouped = {pid: frozenset(ids) for _min, ids in groups for pid in ids}
            hits = sum(1 for o, d in all_pairs if o in grouped and d in grouped[o])
            core_figures[fields[0]] = (seconds, hits, len(all_pairs), len(groups))
    core_total = sum(fig[0] for fig in core_figures.values())
    say(f"\nSimilar customers of one customer, top 10, {label}")
    say(
        f"  travel_customer: median {ours['median']:.2f} ms, p95 {ours['p95']:.2f} ms, "
        f"planted duplicate in the top 10: {ours['found']}/{ours['total']}"
    )
    for key, (seconds, hits, total, groups) in core_figures.items():
        say(
            f"  core merge wizard, group by {key}: {seconds * 1000:.0f} ms "
            "for the base "
            f"({groups:,} groups), planted duplicate grouped with its original: "
            f"{hits}/{total}; "
            f"ratio to one of ours x{seconds * 1000 / ours['median']:.0f}"
        )
    return core_total


def scan_bench(db, label, core_seconds):
    """The duplicate scan of the whole base; precision and recall on the
    planted duplicates (pairs of customers put in one group)."""
    with odoo_env(db) as env:
        cr = env.cr
        start = time.monotonic()
        env["travel.duplicate.group"]._scan()
        seconds = time.monotonic() - start
        cr.execute(SQL("SELECT original_id, duplicate_id FROM travel_bench_duplicate"))
        planted = {frozenset(pair) for pair in cr.fetchall()}
        cr.execute(
            "SELECT array_agg(partner_id) FROM travel_duplicate_group_partner_rel r "
            "JOIN travel_duplicate_group g ON g.id = r.group_id "
            "WHERE g.state = 'open' GROUP BY g.id"
        )
        found = {
            frozenset((a, b))
            for (ids,) in cr.fetchall()
            for i, a in enumerate(ids)
            for b in ids[i + 1 :]
        }
        cr.rollback()
    hits = len(found & planted)
    recall, precision = hits / max(len(planted), 1), hits / max(len(found), 1)
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    say(f"\nDuplicate scan of the whole base, {label}")
    say(
        f"  travel_customer scan: {seconds:.1f} s, {len(found):,} pairs proposed; "
        f"recall {recall:.3f}, precision {precision:.3f}, F1 {f1:.3f} "
        f"on {len(planted):,} planted duplicates"
    )
    say(
        f"  core merge wizard grouping (name, then e-mail): {core_seconds:.1f} s"
        f"   ratio x{core_seconds / seconds:.2f}"
    )


def merge_groups(env, name, groups):
    """Merge each ``(master id, [duplicate ids])`` of ``groups``: through
    the customer merge (journal, log and all) on the addon's database, with
    Odoo's ``_merge`` pair by pair on stock Odoo's. Seconds, flushed."""
    admin = env.ref("base.user_admin")
    env = env(user=admin.id, su=False)
    Partner = env["res.partner"]
    start = time.monotonic()
    for master, duplicates in groups:
        if name == "ours":
            env["travel.customer.merge"]._merge_customers(
                Partner.browse(master), Partner.browse(duplicates)
            )
        else:
            core = env["base.partner.merge.automatic.wizard"]
            for duplicate in duplicates:
                core._merge([master, duplicate], Partner.browse(master), False)
    env.flush_all()
    return time.monotonic() - start


def merge_cases(cr, bookings, duplicates, groups):
    """The three merges measured, on the same customers in both databases:
    ``{case: [(master, [duplicates])]}``."""
    cr.execute(
        SQL(
            "SELECT original_id, duplicate_id FROM travel_bench_duplicate "
            "ORDER BY original_id DESC"
        )
    )
    pairs = cr.fetchall()
    original, duplicate = pairs[0]
    # the duplicate holds ``bookings`` bookings
    cr.execute(
        SQL(
            "UPDATE sale_order SET partner_id = %(p)s, partner_invoice_id = %(p)s, "
            "partner_shipping_id = %(p)s WHERE id IN "
            "(SELECT id FROM sale_order WHERE partner_id > %(p)s "
            "ORDER BY id LIMIT %(n)s)",
            p=duplicate,
            n=bookings,
        )
    )
    planted = {pid for pair in pairs for pid in pair}
    cr.execute(
        SQL(
            "SELECT id FROM res_partner WHERE ref LIKE %s AND NOT id = ANY(%s) "
            "ORDER BY id LIMIT %s",
            "B%",
            list(planted),
            duplicates + 1,
        )
    )
    many = [row[0] for row in cr.fetchall()]
    return {
        "one": [(original, [duplicate])],
        "many": [(many[0], many[1:])],
        "groups": [(o, [d]) for o, d in pairs[1 : groups + 1]],
        # not measured: the first merge of a process fills Odoo's caches
        "warm-up": [pairs[groups + 1][:1] + ([pairs[groups + 1][1]],)],
    }


def merge_bench(db, stock_db, bookings=50, duplicates=50, groups=100):
    """Merges through the customer merge (journal included) against the core
    merge wizard's ``_merge`` run pair by pair on the same customers: one
    duplicate holding ``bookings`` bookings, ``duplicates`` duplicates at
    once, a bulk merge of ``groups`` groups. Both databases are open at
    once and each group is merged on one then the other, so that a busy
    machine weighs on both alike."""
    figures_ = {}
    with odoo_env(db) as ours, odoo_env(stock_db) as core:
        envs = {"ours": ours, "core": core}
        ours["ir.config_parameter"].set_param(
            "travel_customer.merge_max", duplicates + 1
        )
        cases = {}
        for name, env in envs.items():
            cases[name] = merge_cases(env.cr, bookings, duplicates, groups)
            env.flush_all()
            env.cr.commit()
        for name, env in envs.items():
            merge_groups(env, name, cases[name]["warm-up"])
        for case in ("one", "many", "groups"):
            for name in envs:
                figures_[name, case] = 0.0
            for index in range(len(cases["ours"][case])):
                for name, env in envs.items():
                    env.invalidate_all()
                    group = cases[name][case][index : index + 1]
                    figures_[name, case] += merge_groups(env, name, group)
            for name, env in envs.items():
                if case == "one":
                    env.cr.execute(
                        SQL(
                            "SELECT count(*) FROM sale_order WHERE partner_id = %s",
                            cases[name]["one"][0][0],
                        )
                    )
                    figures_[name, "moved"] = env.cr.fetchone()[0]
                env.cr.rollback()
    labels = {
        "one": f"1 duplicate holding {bookings} bookings "
        f"({figures_['ours', 'moved']} on the master after; "
        f"core: {figures_['core', 'moved']})",
        "many": f"{duplicates} duplicates into one customer at once",
        "groups": f"a bulk merge of {groups} groups of 2",
    }
    say(
        "\nMerging customers: travel_customer (journal, log, undo) against the "
        "core merge wizard's _merge, pair by pair"
    )
    for case, label in labels.items():
        ours, core = figures_["ours", case], figures_["core", case]
        say(f"  {label}")
        say(f"    travel_customer merge      {ours:8.2f} s")
        say(f"    core merge wizard _merge   {core:8.2f} s   ratio x{core / ours:.2f}")


# the anonymization of one customer with 50 bookings before issue 20 (one
# attachment, no identity documents, no search of its mentions)
ANONYMIZE_EARLIER_MS = 201
BENCH_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def _bench_customers(env, sample):
    cr = env.cr
    cr.execute(
        SQL(
            "UPDATE sale_order SET travel_date_end = date_order::date "
            "WHERE travel_date_end IS NULL"
        )
    )
    cr.execute(
        SQL(
            "SELECT p.id FROM res_partner p WHERE p.email IS NOT NULL "
            "AND p.travel_anonymized IS NOT TRUE "
            "AND EXISTS (SELECT 1 FROM sale_order o WHERE o.partner_id = p.id "
            "AND o.date_order < now() - interval '1 year') "
            "ORDER BY p.id DESC LIMIT %s",
            sample,
        )
    )
    return [row[0] for row in cr.fetchall()]


def _give_history(env, partner_id, bookings, documents):
    """``bookings`` old bookings, a message naming it, an attachment and
    ``documents`` identity documents with a scan."""
    env.cr.execute(
        SQL(
            "UPDATE sale_order SET partner_id = %(p)s, partner_invoice_id = %(p)s, "
            "partner_shipping_id = %(p)s WHERE id IN (SELECT id FROM sale_order "
            "WHERE date_order < now() - interval '1 year' AND partner_id < %(p)s "
            "ORDER BY id DESC LIMIT %(n)s)",
            p=partner_id,
            n=bookings - 1,
        )
    )
    partner = env["res.partner"].browse(partner_id)
    partner.message_post(body=f"Note on {partner.name}")
    env["ir.attachment"].create(
        {"name": "passport.pdf", "res_model": "res.partner", "res_id": partner_id}
    )
    passport = env.ref("travel_customer.document_type_passport")
    for index in range(documents):
        env["travel.customer.document"].create(
            {
                "partner_id": partner_id,
                "type_id": passport.id,
                "number": f"B{partner_id:07d}{index}",
                "file": base64.b64encode(BENCH_PDF),
                "file_name": "scan.pdf",
            }
        )
    env.flush_all()
    env.invalidate_all()
    return partner


def anonymize_bench(db, stock_db, sample=20, bookings=50, documents=5):
    """Anonymize ``sample`` customers, each holding ``bookings`` bookings, a
    message, an attachment and ``documents`` identity documents; against
    stock Odoo's privacy lookup (the search of one person's data across the
    database, its only tool), and next to the figure before issue 20."""
    timings, lookups = [], []
    with odoo_env(db) as env:
        env.user.groups_id |= env.ref("travel_customer.group_travel_privacy")
        ids = _bench_customers(env, sample)
        Privacy = env["travel.customer.privacy"]
        for partner_id in ids:
            partner = _give_history(env, partner_id, bookings, documents)
            start = time.monotonic()
            Privacy._check_anonymize(partner)
            Privacy._anonymize(partner)
            timings.append(time.monotonic() - start)
        env.cr.rollback()
    with odoo_env(stock_db) as env:
        for partner in env["res.partner"].browse(ids[:5]):
            start = time.monotonic()
            wizard = env["privacy.lookup.wizard"].create(
                {"name": partner.name, "email": partner.email}
            )
            wizard.action_lookup()
            lookups.append(time.monotonic() - start)
        env.cr.rollback()
    ours, stock = statistics.median(timings), statistics.median(lookups)
    say(
        f"\nAnonymizing 1 customer ({bookings} bookings, {documents} documents, "
        f"a message, an attachment), {len(timings)} customers"
    )
    say(
        f"  travel_customer anonymization   median {ours * 1000:6.0f} ms   "
        f"max {max(timings) * 1000:6.0f} ms   (earlier: {ANONYMIZE_EARLIER_MS} ms "
        "with 1 attachment, no documents, no search of its mentions)"
    )
    say(
        f"  stock privacy lookup (find only) median {stock * 1000:6.0f} ms"
        f"   ratio x{stock / ours:.1f}"
    )


def retention_bench(db, count=10_000):
    """The retention cron, batch after committed batch, until ``count``
    customers are anonymized (the cron's own loop, as Odoo runs it)."""
    with odoo_env(db) as env:
        cr = env.cr
        params = env["ir.config_parameter"]
        params.set_param("travel_customer.retention", "True")
        params.set_param("travel_customer.retention_years", "1")
        Privacy = env["travel.customer.privacy"]
        eligible = Privacy._retention_candidates(1, 1)[1]
        cr.commit()
        done, batches = 0, 0
        start = time.monotonic()
        while done < count:
            anonymized = Privacy._cron_retention()
            cr.commit()
            if not anonymized:
                break
            done += anonymized
            batches += 1
        seconds = time.monotonic() - start
        params.set_param("travel_customer.retention", False)
        cr.commit()
    say(
        f"\nRetention policy: {done:,} customers anonymized in {batches} committed "
        f"batches ({eligible:,} eligible)"
    )
    say(
        f"  travel_customer retention cron  {seconds:8.1f} s   "
        f"{seconds / max(done, 1) * 1000:.1f} ms per customer"
    )


def add_departures(env, product, count):
    """``count`` departures of ``product`` over the coming year, committed."""
    env.cr.execute(
        SQL(
            "INSERT INTO travel_departure (product_id, name, date_start, "
            "date_end, capacity, price, company_id, active, create_date, "
            "write_date) SELECT %s, 'Bench ' || g, current_date + mod(g, 365), "
            "current_date + mod(g, 365) + 7, 20, 500 + mod(g, 700), %s, TRUE, now(), "
            "now() FROM generate_series(1, %s) g",
            product.id,
            env.company.id,
            count,
        )
    )
    env.cr.commit()


def timed_assignment(env):
    """One run of the nightly assignment, committed: (seconds, created)."""
    start = time.monotonic()
    created = env["travel.departure.assignment"]._cron_assign_all_offers()
    env.cr.commit()
    return time.monotonic() - start, created


def orm_assignment(env, created, orm_sample):
    """The seconds the ORM would take to create ``created`` assignments,
    timed on ``orm_sample`` of them (rolled back)."""
    cr = env.cr
    cr.execute(
        SQL(
            "SELECT partner_id, departure_id FROM travel_departure_assignment "
            "ORDER BY id LIMIT %s",
            orm_sample,
        )
    )
    pairs = cr.fetchall()
    cr.execute(SQL("TRUNCATE travel_departure_assignment"))
    start = time.monotonic()
    env["travel.departure.assignment"].create(
        [{"partner_id": p, "departure_id": d} for p, d in pairs]
    )
    env.flush_all()
    seconds = (time.monotonic() - start) * created / max(len(pairs), 1)
    cr.rollback()
    return seconds, len(pairs)


def assignment_bench(db, resellers=1_000, departures=10_000, orm_sample=20_000):
    """The nightly assignment for ``resellers`` x ``departures``: first run,
    second run with nothing new, against ORM creates (timed on a sample)."""
    with odoo_env(db) as env:
        cr = env.cr
        stay = env["product.product"].create(
            {"name": "Bench stay", "type": "service", "travel_is_stay": True}
        )
        professional = env.ref("travel_customer.customer_type_professional")
        env.flush_all()
        add_departures(env, stay, departures)
        cr.execute(
            SQL(
                "UPDATE res_partner SET travel_all_offers = TRUE, travel_markup = 8, "
                "travel_offers_assigned_at = NULL, customer_type_id = %s "
                "WHERE id IN (SELECT id FROM res_partner "
                "WHERE parent_id IS NULL ORDER BY id DESC LIMIT %s)",
                professional.id,
                resellers,
            )
        )
        cr.execute(SQL("ANALYZE travel_departure"))
        cr.commit()
        first, created = timed_assignment(env)
        second, again = timed_assignment(env)
        add_departures(env, stay, 100)
        third, hundred = timed_assignment(env)
        # deleting a departure finds its assignments without an index of theirs
        cr.execute(SQL("SELECT max(id) FROM travel_departure"))
        departure = env["travel.departure"].browse(cr.fetchone()[0])
        start = time.monotonic()
        departure.unlink()
        unlink = time.monotonic() - start
        cr.rollback()
        orm, timed = orm_assignment(env, created, orm_sample)
        cr.execute(SQL("TRUNCATE travel_departure_assignment"))
        cr.execute(SQL("DELETE FROM travel_departure"))
        cr.execute(SQL("UPDATE res_partner SET travel_all_offers = FALSE"))
        cr.commit()
    say(
        f"\nNightly assignment: {resellers:,} resellers x {departures:,} departures "
        f"({created:,} assignments)"
    )
    say(f"  travel_customer, first run            {first:8.1f} s")
    say(f"  travel_customer, second run (nothing) {second:8.2f} s   ({again} added)")
    say(f"  travel_customer, 100 new departures   {third:8.2f} s   ({hundred:,} added)")
    say(f"  deleting a departure ({resellers:,} assignments)  {unlink:8.2f} s")
    say(
        f"  ORM create ({timed:,} timed, extrapolated) {orm:8.1f} s"
        f"   ratio x{orm / first:.1f}"
    )


def build_large_indexes(db):
    """Run the job that builds the search indexes after an install on a
    large base (what the scheduler does as soon as a cron worker is free):
    ``{"indexes": built, "seconds": duration}``."""
    with odoo_env(db) as env:
        start = time.monotonic()
        figures = env["travel.large.index"]._cron_build()
        env.cr.commit()
        return {**figures, "seconds": time.monotonic() - start}


def install_bench(db, stock_db):
    """Default type for every partner: the addon's hook, one UPDATE, the ORM.

    The UPDATE runs on stock Odoo's database (a new column, as an addon's
    post-install would fill it, without the addon's search index); the ORM
    write is timed on 20,000 partners and extrapolated.
    """
    from odoo.addons.travel_customer.hooks import assign_default_customer_type

    figures = {}
    with odoo_env(db) as env:
        cr = env.cr
        cr.execute(SQL("SELECT count(*) FROM res_partner"))
        count = cr.fetchone()[0]
        default = env["travel.customer.type"]._get_default()
        start = time.monotonic()
        assign_default_customer_type(env)
        figures["hook"] = time.monotonic() - start
        cr.rollback()
        sample = env["res.partner"].search([], limit=20_000)
        start = time.monotonic()
        sample.write({"customer_type_id": default.id})
        env.flush_all()
        figures["orm"] = (time.monotonic() - start) * count / len(sample)
        cr.rollback()
    with odoo_env(stock_db) as env:
        cr = env.cr
        cr.execute(SQL("ALTER TABLE res_partner ADD COLUMN bench_type_id int4"))
        start = time.monotonic()
        cr.execute(SQL("UPDATE res_partner SET bench_type_id = %s", default.id))
        figures["update"] = time.monotonic() - start
        cr.rollback()
    say(f"\nDefault customer type for {count:,} existing partners (install)")
    say(f"  travel_customer hook (catalog DEFAULT)  {figures['hook']:8.2f} s")
    say(
        f"  one UPDATE statement                     {figures['update']:8.2f} s"
        f"   ratio x{figures['update'] / figures['hook']:.1f}"
    )
    say(
        f"  ORM write (20,000 timed, extrapolated)   {figures['orm']:8.2f} s"
        f"   ratio x{figures['orm'] / figures['hook']:.1f}"
    )


def big_databases(db, stock, size, search_only):
    """The databases of ``size`` partners, stock Odoo's and the addon's:
    the customers copied until there are enough, then the addon installed
    (with ``search_only``, the addon's database of --size is grown the same
    way instead: its search indexes are the install's, without the hours of
    an install on a million partners)."""
    big, big_stock = f"{db}_big", f"{db}_big_stock"
    clone(stock, big_stock)
    grow(big_stock, size)
    if search_only:
        clone(db, big)
        grow(big, size)
        return big, big_stock
    clone(big_stock, big)
    # the dependencies first, as a base that already runs them has them: the
    # addon's own part is timed apart
    dependencies = odoo_install(big, ",".join(dev.dependencies()))
    seconds = odoo_install(big, dev.ADDON)
    indexes = build_large_indexes(big)
    vacuum(big)
    say(
        f"\nOn {size:,} partners: the addon's dependencies installed in "
        f"{dependencies:.1f} s, then travel_customer in {seconds:.1f} s; "
        f"its job \"Search indexes\" built {indexes['indexes']} indexes after "
        f"it in {indexes['seconds']:.1f} s"
    )
    install_bench(big, big_stock)
    return big, big_stock


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="travel_customer_bench")
    parser.add_argument("--size", type=int, default=200_000)
    parser.add_argument("--install-size", type=int, default=1_000_000)
    parser.add_argument(
        "--only",
        choices=["merge", "search"],
        help="run one part alone (e.g. merge, on a small --size such as 6000; "
        "search, at --size and at --install-size)",
    )
    args = parser.parse_args()

    stock = stock_database(args.db, args.size)
    clone(stock, args.db)
    seconds = odoo_install(args.db, dev.ADDON)
    vacuum(args.db)
    say(
        f"travel_customer installed on {args.size:,} customers in {seconds:.1f} s "
        "(search indexes included)"
    )
    if args.only == "merge":
        merge_bench(args.db, stock)
        return
    search_bench(stock, args.db, f"{args.size:,} customers")
    if args.only != "search":
        core_seconds = similarity_bench(stock, args.db, f"{args.size:,} customers")
        scan_bench(args.db, f"{args.size:,} customers", core_seconds)
        bench_quality.run(args.db, planted_db=args.db)
        merge_bench(args.db, stock)
        anonymize_bench(args.db, stock)
        assignment_bench(args.db)
        retention_bench(args.db)
    big, big_stock = big_databases(
        args.db, stock, args.install_size, args.only == "search"
    )
    search_bench(big_stock, big, f"{args.install_size:,} partners")
    if args.only != "search":
        similarity_bench(big_stock, big, f"{args.install_size:,} partners")
    bench_quality.scale(big, f"{args.install_size:,} partners")
    for name in (big, big_stock):
        dev.drop_database(name)


if __name__ == "__main__":
    main()
