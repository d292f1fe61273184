# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import threading
import time

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from .parallel_sessions import run_in_sessions

_logger = logging.getLogger(__name__)

SCAN_BATCH_PARAM = "travel_customer.scan_batch_size"
SCAN_BATCH = 20_000
SCAN_WORKERS_PARAM = "travel_customer.scan_workers"
SCAN_WORKERS = 2
# A blocking key shared by more customers than this tells nothing (a common
# name in a big town): left out, the pairs stay near-linear in the base.
BLOCK_MAX = 50
# The first letters of the last and first names ("mulann"), a key for names
# mistyped after their third letter, are shared by many on a large base
# (at 1,000,000 partners they gave 3.4 of the 9.9 million pairs of the
# blocks, most of them of no other key); a street and number shared by more
# than a family is a building or a hotel, a phone a switchboard: pairs of
# people, mostly, whose duplicates the other keys find. Such a key shared by
# more customers than this stays out.
SMALL_BLOCK_MAX = 10
# the kinds of key (their first letter) kept for small blocks only
SMALL_BLOCK_KEYS = ["t", "s", "p"]
MANAGER_GROUP = "travel_customer.group_travel_manager"
# advisory lock of the scan ("tcdup")
SCAN_LOCK = 0x74636475

# Tables of a scan, shared by its database sessions (unlogged: rebuilt by
# each scan, nothing to recover after a crash).
SCAN_TABLES = """
CREATE UNLOGGED TABLE IF NOT EXISTS travel_duplicate_scan_key (
    id int PRIMARY KEY, commercial_partner_id int,
    first text, last text, birth date, street text, zip text, city text,
    email text, phone text, mobile text
);
CREATE UNLOGGED TABLE IF NOT EXISTS travel_duplicate_scan_block (
    key text NOT NULL, id int NOT NULL
);
CREATE UNLOGGED TABLE IF NOT EXISTS travel_duplicate_scan_batch (
    low int PRIMARY KEY, high int NOT NULL, done boolean NOT NULL DEFAULT false
);
ALTER TABLE travel_duplicate_scan_batch
    ADD COLUMN IF NOT EXISTS failed boolean NOT NULL DEFAULT false;
CREATE UNLOGGED TABLE IF NOT EXISTS travel_duplicate_scan_pair (
    a int NOT NULL, b int NOT NULL, levels int[] NOT NULL
);
"""


class TravelDuplicateGroup(models.Model):
    """Customers that a scan of the whole base found alike, to review."""

    _name = "travel.duplicate.group"
    _description = "Duplicate Candidates"
    _order = "probability desc, score desc, id"

    def init(self):
        """Create the tables the scan's sessions share."""
        result = super().init()
        self.env.execute_query(SQL(SCAN_TABLES))
        return result

    name = fields.Char(compute="_compute_name", store=True)
    partner_ids = fields.Many2many(
        "res.partner",
        "travel_duplicate_group_partner_rel",
        "group_id",
        "partner_id",
        string="Customers",
    )
    partner_count = fields.Integer(string="Count", compute="_compute_name", store=True)
    suggested_master_id = fields.Many2one(
        "res.partner",
        string="Suggested master",
        ondelete="set null",
        help="The customer with the most bookings, then the oldest.",
    )
    score = fields.Integer(
        string="Match %",
        help="The highest match probability (%) between two of them.",
    )
    probability = fields.Float(
        string="Match probability",
        digits=(1, 4),
        readonly=True,
        help="The highest match probability between two of them, as learnt "
        "from the base by the scan.",
    )
    # the levels of the most probable pair ("first:3,birth:2"): shown in the
    # reader's language, with the weights of the model
    reason_codes = fields.Char(readonly=True)
    reasons = fields.Char(compute="_compute_reasons")
    state = fields.Selection(
        [("open", "To review"), ("merged", "Merged"), ("ignored", "Not duplicates")],
        string="Status",
        default="open",
        required=True,
        index=True,
    )

    @api.depends("reason_codes")
    @api.depends_context("lang")
    def _compute_reasons(self):
        Similarity = self.env["travel.customer.similarity"]
        weights = Similarity._weights()
        for group in self:
            levels = Similarity._levels_from_code(group.reason_codes)
            group.reasons = ", ".join(Similarity._reasons(levels, weights))

    @api.depends("partner_ids")
    def _compute_name(self):
        for group in self:
            group.partner_count = len(group.partner_ids)
            group.name = " / ".join(group.partner_ids[:3].mapped("display_name"))

    # ------------------------------------------------------------ ACTION
    def action_open_merge(self):
        """Review the group in the merge dialog, the suggested master first."""
        self.check_access("write")
        self.ensure_one()
        master = self.suggested_master_id or self.partner_ids[:1]
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "travel_customer.travel_customer_merge_action"
        )
        action["context"] = {
            "default_partner_id": master.id,
            "travel_merge_partner_ids": self.partner_ids.ids,
        }
        return action

    def action_not_duplicates(self):
        """Remember these customers are distinct; the scan skips them."""
        self.check_access("write")
        self.env["travel.duplicate.ignore"].check_access("create")
        for group in self:
            self.env["travel.duplicate.ignore"]._ignore(group.partner_ids)
        self.state = "ignored"

    def action_merge_groups(self):
        """Merge each selected group into its suggested master, one merge
        (logged, undoable) per group: a group the merge refuses is listed
        with its reason, the others are merged."""
        self.check_access("write")
        merged, refused = self.browse(), []
        Merge = self.env["travel.customer.merge"]
        for group in self.filtered(lambda g: g.state == "open"):
            master = group.suggested_master_id or group.partner_ids[:1]
            try:
                with self.env.cr.savepoint():
                    Merge._merge_customers(master, group.partner_ids - master)
            except (UserError, AccessError, ValidationError) as error:
                refused.append(f"{group.name}: {error.args[0]}")
                continue
            merged |= group
        return self._merge_groups_notification(merged, refused)

    def _merge_groups_notification(self, merged, refused):
        message = _("%s group(s) merged.", len(merged))
        if refused:
            message += "\n" + _("Not merged:") + "\n" + "\n".join(refused)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Merge into the suggested masters"),
                "message": message,
                "type": "warning" if refused else "success",
                "sticky": bool(refused),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_scan(self):
        """Scan now (a list header button: the selected groups, if any, do not
        matter). Managers only. The scan job is handed to the scheduler, as
        "Run now" does: on a large base it outlasts a web request (over a
        minute on a million customers)."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                _("Only a Travel customers manager may scan the whole base.")
            )
        job = self.env["travel.job"]._get("scan")
        if not job:
            raise UserError(
                _(
                    "The duplicate scan job is missing: ask an administrator to "
                    "update the Travel Customers addon."
                )
            )
        action = job.action_run_now()
        action["params"]["message"] = _(
            "The scan will start as soon as the scheduler is free; reload the "
            "list in a moment to see the groups it found (Scheduled Jobs shows "
            "its progress)."
        )
        return action

    # ------------------------------------------------------------ BUSINESS
    @api.model
    def _cron_scan(self):
        self._scan()

    @api.model
    def _scan(self, batch_size=None, workers=None):
        """Find the duplicate groups of the whole base.

        The customers' keys are put in shared tables, their candidate pairs
        found by several blocking keys and compared field by field in
        committed batches that several database sessions share (``FOR UPDATE
        SKIP LOCKED``; system parameters ``travel_customer.scan_batch_size``
        and ``travel_customer.scan_workers``); the model is learnt from the
        pairs' patterns, then the open groups are rebuilt from the pairs above
        the threshold. Groups already merged or marked "not duplicates" stay.
        """
        start = time.monotonic()
        params = self.env["ir.config_parameter"]
        batch_size = batch_size or (
            params._travel_get_int(SCAN_BATCH_PARAM, SCAN_BATCH) or SCAN_BATCH
        )
        workers = workers or (
            params._travel_get_int(SCAN_WORKERS_PARAM, SCAN_WORKERS) or 1
        )
        # in tests: one session, the test's transaction (nothing committed)
        testing = (
            getattr(threading.current_thread(), "testing", False)
            or self.env.registry.in_test_mode()
        )
        # one scan at a time: its tables are shared (held until the
        # session ends or the scan does)
        if not self.env.execute_query(
            SQL("SELECT pg_try_advisory_lock(%s)", SCAN_LOCK)
        )[0][0]:
            raise UserError(_("A duplicate scan is already running: try later."))
        try:
            return self._scan_locked(batch_size, workers, testing, start)
        finally:
            self.env.execute_query(SQL("SELECT pg_advisory_unlock(%s)", SCAN_LOCK))

    @api.model
    def _scan_locked(self, batch_size, workers, testing, start):
        """The scan, once its lock is held (see ``_scan``): the customers'
        keys, then their pairs, each in batches that the sessions share."""
        self._scan_prepare_keys(batch_size)
        if not testing:
            self.env.cr.commit()  # pylint: disable=invalid-commit
        self._scan_run(workers, testing, keys=True)
        batches = self._scan_prepare(batch_size)
        if not testing:
            self.env.cr.commit()  # pylint: disable=invalid-commit
        self._scan_run(workers, testing, total=batches)
        Similarity = self.env["travel.customer.similarity"]
        patterns = self.env.execute_query(
            SQL("SELECT levels, count(*) FROM travel_duplicate_scan_pair GROUP BY 1")
        )
        model = Similarity._learn(patterns)
        Similarity._store_model(model)
        groups = self._scan_groups(patterns, model)
        self.env.execute_query(
            SQL("DELETE FROM travel_duplicate_group WHERE state = 'open'")
        )
        self.invalidate_model()
        self._create_groups(groups)
        self._scan_clear()
        _logger.info(
            "Duplicate scan: %d groups from %d pairs in %.1f s",
            len(groups),
            model["pairs"],
            time.monotonic() - start,
        )
        return len(groups)

    @api.model
    def _scan_clear(self):
        self.env.execute_query(
            SQL(
                "TRUNCATE travel_duplicate_scan_key, travel_duplicate_scan_block, "
                "travel_duplicate_scan_batch, travel_duplicate_scan_pair"
            )
        )

    @api.model
    def _scan_run(self, workers, testing, total=None, keys=False):
        """Take the batches (of keys or of pairs) in this session, or in
        ``workers`` sessions at once."""
        if testing or workers == 1:
            self._scan_batches(commit=not testing, total=total, keys=keys)
        else:
            self._scan_in_sessions(workers, total, keys=keys)
        # a batch left out would leave its customers out of the groups
        # rebuilt: the scan stops before the open groups are replaced
        [(failed,)] = self.env.execute_query(
            SQL("SELECT count(*) FROM travel_duplicate_scan_batch WHERE failed")
        )
        if failed:
            raise UserError(
                _(
                    "The duplicate scan stopped: %(count)s batches of customers "
                    "failed (see the server log). The groups waiting for review "
                    "are kept as they were.",
                    count=failed,
                )
            )

    @api.model
    def _scan_prepare_keys(self, batch_size):
        """The batches of customers (by id) whose keys are to be computed:
        the keys' functions (accents, punctuation, phone digits) are most of
        the scan's preparation, shared between the sessions."""
        self.env["res.partner"].flush_model()
        self.env["travel.duplicate.ignore"].flush_model()
        self._scan_clear()
        self.env.execute_query(
            SQL(
                """
                INSERT INTO travel_duplicate_scan_batch (low, high)
                SELECT low, low + %s FROM generate_series(
                    (SELECT min(id) FROM res_partner),
                    (SELECT max(id) FROM res_partner), %s) AS low
                """,
                batch_size,
                batch_size,
            )
        )

    @api.model
    def _scan_key_query(self, low, high):
        """The keys of the customers with ``low <= id < high``."""
        return SQL(
            """
            INSERT INTO travel_duplicate_scan_key
            SELECT p.id, p.commercial_partner_id, k.*
            FROM res_partner p
            CROSS JOIN LATERAL travel_customer_compare_keys(p) k
            WHERE p.id >= %(low)s AND p.id < %(high)s
              AND p.active AND p.travel_anonymized IS NOT TRUE
              AND NOT EXISTS (
                  SELECT 1 FROM res_company co WHERE co.partner_id = p.id)
            """,
            low=low,
            high=high,
        )

    @api.model
    def _scan_prepare(self, batch_size):
        """The blocking keys of the customers whose keys are computed, and
        the batches of customers (by id) to compare; the count of batches."""
        self.env.execute_query(SQL("TRUNCATE travel_duplicate_scan_batch"))
        # (its indexes built once it is filled: faster than kept up row by row)
        self.env.execute_query(self._scan_block_query())
        self.env.execute_query(
            SQL(
                """
                CREATE INDEX travel_duplicate_scan_block_key_index
                ON travel_duplicate_scan_block (key, id);
                CREATE INDEX travel_duplicate_scan_block_id_index
                ON travel_duplicate_scan_block (id);
                ANALYZE travel_duplicate_scan_key, travel_duplicate_scan_block;
                INSERT INTO travel_duplicate_scan_batch (low, high)
                SELECT low, low + %s FROM generate_series(
                    (SELECT min(id) FROM travel_duplicate_scan_key),
                    (SELECT max(id) FROM travel_duplicate_scan_key), %s) AS low;
                """,
                batch_size,
                batch_size,
            )
        )
        return self.env.execute_query(
            SQL("SELECT count(*) FROM travel_duplicate_scan_batch")
        )[0][0]

    @api.model
    def _scan_block_query(self):
        """Several blocking keys per customer, so that a duplicate with one
        field missing or mistyped still meets its original on another: the
        e-mail, the phones, the birth date with the sound of a name or the
        zip, the zip with the sound or the first letters of a name, the whole
        name (in any order and without its spaces: one key, each key of a
        million customers costs a second), the names' first trigrams, the
        street.

        The table is made anew by ``CREATE TABLE AS``, which PostgreSQL may
        run with parallel workers (an ``INSERT`` never is): sorting the
        keys of a million customers took half the time."""
        return SQL(
            """
            DROP TABLE IF EXISTS travel_duplicate_scan_block;
            CREATE UNLOGGED TABLE travel_duplicate_scan_block AS
            SELECT key, id FROM (
            SELECT b.key, k.id, count(*) OVER (PARTITION BY b.key) AS size
            FROM travel_duplicate_scan_key k
            CROSS JOIN LATERAL unnest(ARRAY[
                'e' || k.email,
                'p' || right(k.phone, 8),
                'p' || right(k.mobile, 8),
                'b' || k.birth || soundex(k.last),
                'b' || k.birth || soundex(k.first),
                'b' || k.birth || k.zip,
                'z' || k.zip || soundex(k.last),
                'z' || k.zip || soundex(k.first),
                'z' || k.zip || ' ' || left(k.first, 2),
                'z' || k.zip || ' ' || left(k.last, 2),
                'n' || replace(least(k.first, k.last) || greatest(k.first, k.last),
                               ' ', ''),
                't' || left(k.last, 3) || left(k.first, 3),
                's' || k.street
            ]) AS b(key)
            WHERE b.key IS NOT NULL
            ) AS member
            -- a key of one customer pairs nothing; one of too many, too much
            WHERE size BETWEEN 2 AND CASE WHEN left(key, 1) = ANY(%s) THEN %s
                                          ELSE %s END
            """,
            SMALL_BLOCK_KEYS,
            SMALL_BLOCK_MAX,
            BLOCK_MAX,
        )

    @api.model
    def _scan_batch_query(self, low, high):
        """Compare each pair (a < b) of customers sharing a blocking key, with
        ``low <= a < high``."""
        return SQL(
            """
            INSERT INTO travel_duplicate_scan_pair (a, b, levels)
            SELECT a.id, b.id, travel_customer_compare(
                a.first, a.last, a.birth, a.street, a.zip, a.city,
                a.email, a.phone, a.mobile,
                b.first, b.last, b.birth, b.street, b.zip, b.city,
                b.email, b.phone, b.mobile)
            FROM (
                SELECT DISTINCT x.id AS a_id, y.id AS b_id
                FROM travel_duplicate_scan_block x
                CROSS JOIN LATERAL (
                    SELECT y.id FROM travel_duplicate_scan_block y
                    WHERE y.key = x.key AND y.id > x.id
                    -- (a fence: looked up in the index for each member of
                    -- the batch, never a hash of the whole table per batch)
                    OFFSET 0
                ) AS y
                WHERE x.id >= %(low)s AND x.id < %(high)s
            ) AS candidate
            JOIN travel_duplicate_scan_key a
              ON a.id = candidate.a_id AND a.id >= %(low)s AND a.id < %(high)s
            CROSS JOIN LATERAL (
                SELECT * FROM travel_duplicate_scan_key b
                WHERE b.id = candidate.b_id OFFSET 0
            ) AS b
            WHERE a.commercial_partner_id IS DISTINCT FROM b.commercial_partner_id
              AND NOT EXISTS (
                  SELECT 1 FROM travel_duplicate_ignore i
                  WHERE i.partner_a_id = a.id AND i.partner_b_id = b.id)
            """,
            low=low,
            high=high,
        )

    @api.model
    def _scan_batches(self, commit, total=None, keys=False):
        """Take the batches left, one at a time (those another session holds
        are skipped), each in a savepoint: a batch that fails is logged and
        marked failed, the others go on (``_scan_run`` then stops the scan).
        With ``commit``, each batch is a READ COMMITTED transaction of its
        own. With ``keys``, the batches compute the customers' keys, else
        they compare pairs. Returns the count done."""
        cr = self.env.cr
        done = 0
        while True:
            if commit:
                # a batch another session has just marked done is seen done
                # (under Odoo's REPEATABLE READ, SKIP LOCKED on a row changed
                # since the snapshot fails to serialize)
                cr.execute(SQL("SET TRANSACTION ISOLATION LEVEL READ COMMITTED"))
            batch = self.env.execute_query(
                SQL(
                    "SELECT low, high FROM travel_duplicate_scan_batch "
                    "WHERE NOT done ORDER BY low LIMIT 1 FOR UPDATE SKIP LOCKED"
                )
            )
            if not batch:
                return done
            low, high = batch[0]
            try:
                with cr.savepoint(flush=False):
                    # (compiling a batch's plan took longer than running it;
                    # its pairs' hash and sort spilled to disk at 4 MB)
                    self.env.execute_query(
                        SQL("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'")
                    )
                    self.env.execute_query(
                        self._scan_key_query(low, high)
                        if keys
                        else self._scan_batch_query(low, high)
                    )
                failed = False
            except Exception:
                _logger.exception("Duplicate scan: customers %d-%d left", low, high)
                failed = True
            self.env.execute_query(
                SQL(
                    "UPDATE travel_duplicate_scan_batch SET done = true, failed = %s "
                    "WHERE low = %s",
                    failed,
                    low,
                )
            )
            done += 1
            if commit:
                if total:
                    self.env["ir.cron"]._notify_progress(
                        done=done, remaining=max(total - done, 0)
                    )
                cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _scan_in_sessions(self, workers, total=None, keys=False):
        """Run the batches in ``workers`` database sessions at once."""
        done = sum(
            run_in_sessions(
                self,
                workers,
                "_scan_batches",
                commit=True,
                keys=keys,
                prefix="travel_scan",
            )
        )
        if total:
            self.env["ir.cron"]._notify_progress(
                done=done, remaining=max(total - done, 0)
            )

    @api.model
    def _scan_groups(self, patterns, model):
        """``[(ids, probability, levels)]``: the connected groups of the pairs
        whose match probability reaches the threshold."""
        Similarity = self.env["travel.customer.similarity"]
        threshold = Similarity._threshold()
        weights = Similarity._weights(model)
        probability = {}
        for levels, _count in patterns:
            p = Similarity._probability(levels, model, weights)
            if p >= threshold:
                probability[tuple(levels)] = p
        if not probability:
            return []
        kept = list(probability)
        pairs = self.env.execute_query(
            SQL(
                # the patterns read as int[] once, each pair's looked up in
                # their hash (not each pair's written as text); the pairs come
                # back with their pattern's number (no array per row)
                """
                SELECT pair.a, pair.b, kept.number
                FROM travel_duplicate_scan_pair pair
                JOIN (
                    SELECT pattern::int[] AS levels, number
                    FROM unnest(%s::text[]) WITH ORDINALITY AS p(pattern, number)
                ) AS kept ON kept.levels = pair.levels
                """,
                # the patterns as PostgreSQL writes an int[]
                [
                    "{"
                    + ",".join("NULL" if v is None else str(v) for v in levels)
                    + "}"
                    for levels in kept
                ],
            )
        )
        return self._group_pairs(
            [
                (a, b, probability[kept[number - 1]], list(kept[number - 1]))
                for a, b, number in pairs
            ]
        )

    @api.model
    def _group_pairs(self, pairs):
        """Connected groups of customers from their pairs (union-find), each
        with its most probable pair's probability and levels."""
        parent = {}

        def find(x):
            while parent.setdefault(x, x) != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        best = {}
        for a, b, _probability, _levels in pairs:
            parent[find(a)] = find(b)
        for a, _b, probability, levels in pairs:
            root = find(a)
            if probability > best.get(root, (-1, None))[0]:
                best[root] = (probability, levels)
        members = {}
        for node in parent:
            members.setdefault(find(node), []).append(node)
        return [(sorted(ids), *best[root]) for root, ids in members.items()]

    @api.model
    def _create_groups(self, groups):
        """Create the groups set-based: a scan of a million customers may
        find a hundred thousand (the ORM took most of the scan's time). The
        stored fields are those the ORM computes: the name is the display
        name of the first three customers in the customers' order, the
        suggested master the customer with the most confirmed bookings, then
        the oldest (ids grow with time)."""
        if not groups:
            return self.browse()
        Similarity = self.env["travel.customer.similarity"]
        self.flush_model()
        self.env["res.partner"].flush_model(["complete_name"])
        self.env["sale.order"].flush_model(["partner_id", "state"])
        rows = self.env.execute_query(
            SQL(
                """
                WITH found AS (
                    SELECT nextval('travel_duplicate_group_id_seq') AS id, f.*
                    FROM unnest(%(number)s::int[], %(probability)s::float8[],
                                %(codes)s::text[]) AS f(number, probability, codes)
                ),
                member AS (
                    SELECT found.id AS group_id, m.partner_id, p.complete_name,
                           (SELECT count(*) FROM sale_order o
                            WHERE o.partner_id = m.partner_id
                              AND o.state = 'sale') AS bookings
                    FROM unnest(%(member_number)s::int[], %(member_id)s::int[])
                         AS m(number, partner_id)
                    JOIN found ON found.number = m.number
                    JOIN res_partner p ON p.id = m.partner_id
                ),
                new_group AS (
                    INSERT INTO travel_duplicate_group (
                        id, name, partner_count, suggested_master_id, score,
                        probability, reason_codes, state, create_uid,
                        create_date, write_uid, write_date)
                    SELECT found.id, summary.name, summary.count, summary.master,
                           greatest(1, round(found.probability * 100)),
                           found.probability, found.codes, 'open', %(uid)s,
                           %(now)s, %(uid)s, %(now)s
                    FROM found
                    JOIN (
                        SELECT group_id, count(*) AS count,
                               (array_agg(partner_id
                                          ORDER BY bookings DESC, partner_id))[1]
                                   AS master,
                               array_to_string((array_agg(
                                   complete_name
                                   ORDER BY complete_name, partner_id DESC))[1:3],
                                   ' / ') AS name
                        FROM member GROUP BY group_id
                    ) AS summary ON summary.group_id = found.id
                    RETURNING id
                ),
                new_member AS (
                    INSERT INTO travel_duplicate_group_partner_rel (
                        group_id, partner_id)
                    SELECT group_id, partner_id FROM member
                )
                SELECT id FROM new_group
                """,
                number=self._array_literal(range(len(groups))),
                probability=self._array_literal(
                    probability for _ids, probability, _levels in groups
                ),
                codes=self._array_literal(
                    Similarity._levels_code(levels) for _i, _p, levels in groups
                ),
                member_number=self._array_literal(
                    n for n, (ids, _p, _l) in enumerate(groups) for _id in ids
                ),
                member_id=self._array_literal(
                    pid for ids, _p, _l in groups for pid in ids
                ),
                uid=self.env.uid,
                now=self.env.cr.now(),
            )
        )
        self.invalidate_model()
        return self.browse(sorted(group_id for (group_id,) in rows))

    @api.model
    def _array_literal(self, values):
        """``values`` as one PostgreSQL array literal (``{"1","2"}``, cast
        by the query): psycopg2 writes a list as ``ARRAY[...]``, one
        expression per element, which PostgreSQL took seconds to parse for
        the members of a large scan."""
        return (
            "{"
            + ",".join(
                '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
                for value in values
            )
            + "}"
        )
