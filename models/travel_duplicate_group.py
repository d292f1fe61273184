# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import threading
import time

from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

SCAN_THRESHOLD_PARAM = "travel_customer.scan_threshold"
SCAN_THRESHOLD_DEFAULT = 60
SCAN_BATCH = 50_000
MANAGER_GROUP = "travel_customer.group_travel_manager"


class TravelDuplicateGroup(models.Model):
    """Customers that a scan of the whole base found alike, to review."""

    _name = "travel.duplicate.group"
    _description = "Duplicate Candidates"
    _order = "score desc, id"

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
    score = fields.Integer(help="The highest likeness (0-100) between two of them.")
    # the keys of _travel_similarity_reasons: shown in the reader's language
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
        labels = self.env["res.partner"]._travel_similarity_reasons()
        for group in self:
            codes = (group.reason_codes or "").split(",")
            group.reasons = ", ".join(labels.get(c, c) for c in codes if c)

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

    def action_scan(self):
        """Scan now (a list header button: the selected groups, if any, do not
        matter). Managers only: the scan replaces every open group and
        commits between its batches."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                _("Only a Travel customers manager may scan the whole base.")
            )
        self.browse()._scan()
        return self.env["ir.actions.act_window"]._for_xml_id(
            "travel_customer.travel_duplicate_group_action"
        )

    # ------------------------------------------------------------ BUSINESS
    @api.model
    def _cron_scan(self):
        self._scan()

    @api.model
    def _scan_threshold(self):
        return self.env["ir.config_parameter"]._travel_get_int(
            SCAN_THRESHOLD_PARAM, SCAN_THRESHOLD_DEFAULT
        )

    @api.model
    def _scan(self, batch_size=SCAN_BATCH):
        """Find the duplicate groups of the whole base, in committed batches.

        Pairs are found by blocking (same e-mail key, same phone key, same
        zip with a similar name) and scored in SQL; the open groups are then
        rebuilt from the pairs. Groups already merged or marked "not
        duplicates" stay.
        """
        start = time.monotonic()
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        cr = self.env.cr
        self.env.flush_all()
        cr.execute("DELETE FROM travel_duplicate_group WHERE state = 'open'")
        self.invalidate_model()
        cr.execute(
            "CREATE TEMP TABLE IF NOT EXISTS travel_duplicate_pair_tmp "
            "(a int, b int, score int, reasons text[]) ON COMMIT PRESERVE ROWS"
        )
        cr.execute("TRUNCATE travel_duplicate_pair_tmp")
        self._scan_prepare_keys()
        cr.execute("SELECT min(id), max(id) FROM travel_duplicate_key_tmp")
        low, high = cr.fetchone()
        span = high - low + 1 if low is not None else 0  # no customer: no batch
        threshold = self._scan_threshold()
        done = 0
        for batch_start in range(low or 0, (low or 0) + span, batch_size):
            cr.execute(
                self._scan_batch_query(batch_start, batch_start + batch_size, threshold)
            )
            done += batch_size
            if auto_commit:
                self.env["ir.cron"]._notify_progress(
                    done=min(done, span), remaining=max(span - done, 0)
                )
                # a crash loses one batch, not the scan
                cr.commit()  # pylint: disable=invalid-commit
        cr.execute("SELECT a, b, score, reasons FROM travel_duplicate_pair_tmp")
        groups = self._group_pairs(cr.fetchall())
        self._create_groups(groups)
        cr.execute("DROP TABLE travel_duplicate_pair_tmp, travel_duplicate_key_tmp")
        _logger.info(
            "Duplicate scan: %d groups in %.1f s", len(groups), time.monotonic() - start
        )
        return len(groups)

    @api.model
    def _scan_prepare_keys(self):
        """The blocking keys of every active customer, computed once."""
        cr = self.env.cr
        cr.execute("DROP TABLE IF EXISTS travel_duplicate_key_tmp")
        cr.execute(
            """
            CREATE TEMP TABLE travel_duplicate_key_tmp ON COMMIT PRESERVE ROWS AS
            SELECT p.id, p.commercial_partner_id,
                   travel_customer_email_key(p.email) AS email_key,
                   travel_customer_phone_tail(p.phone) AS phone_key,
                   travel_customer_phone_tail(p.mobile) AS mobile_key,
                   travel_customer_phone_digits(p.phone) AS phone_digits,
                   travel_customer_phone_digits(p.mobile) AS mobile_digits,
                   travel_customer_name_key(p.name) AS name_key,
                   travel_customer_normalize(p.zip) AS zip_key,
                   travel_customer_normalize(p.city) AS city_key,
                   travel_customer_name_key(p.street) AS street_key
            FROM res_partner p
            WHERE p.active AND p.travel_anonymized IS NOT TRUE
              AND NOT EXISTS (SELECT 1 FROM res_company co WHERE co.partner_id = p.id)
            """
        )
        for column in ("id", "email_key", "phone_key", "mobile_key", "zip_key"):
            cr.execute(
                SQL(
                    "CREATE INDEX ON travel_duplicate_key_tmp (%s)",
                    SQL.identifier(column),
                )
            )
        cr.execute("ANALYZE travel_duplicate_key_tmp")

    @api.model
    def _scan_batch_query(self, low, high, threshold):
        """Pairs (a < b) with ``low <= a < high`` that score ``threshold`` or more."""
        same_key = SQL(" UNION ").join(
            SQL(
                "SELECT a.id AS a_id, b.id AS b_id "
                "FROM travel_duplicate_key_tmp a JOIN travel_duplicate_key_tmp b "
                "ON b.%s = a.%s AND b.id > a.id "
                "WHERE a.id >= %s AND a.id < %s AND a.%s IS NOT NULL",
                SQL.identifier(key_b),
                SQL.identifier(key_a),
                low,
                high,
                SQL.identifier(key_a),
            )
            for key_a, key_b in (
                ("email_key", "email_key"),
                ("phone_key", "phone_key"),
                ("mobile_key", "mobile_key"),
                ("phone_key", "mobile_key"),
                ("mobile_key", "phone_key"),
            )
        )
        return SQL(
            """
            INSERT INTO travel_duplicate_pair_tmp (a, b, score, reasons)
            SELECT a.id, b.id, s.score, s.reasons
            FROM (
                %(same_key)s
              UNION
                SELECT a.id, b.id
                FROM travel_duplicate_key_tmp a JOIN travel_duplicate_key_tmp b
                  ON b.zip_key = a.zip_key AND b.id > a.id
                WHERE a.id >= %(low)s AND a.id < %(high)s AND a.zip_key IS NOT NULL
                  AND similarity(a.name_key, b.name_key) >= 0.5
            ) AS candidate
            JOIN travel_duplicate_key_tmp a ON a.id = candidate.a_id
            JOIN travel_duplicate_key_tmp b ON b.id = candidate.b_id
            CROSS JOIN LATERAL travel_customer_key_score(
                a.email_key, a.phone_digits, a.mobile_digits, a.name_key,
                a.zip_key, a.city_key, a.street_key,
                b.email_key, b.phone_digits, b.mobile_digits, b.name_key,
                b.zip_key, b.city_key, b.street_key
            ) s
            WHERE a.commercial_partner_id != b.commercial_partner_id
              AND s.score >= %(threshold)s
              AND NOT EXISTS (
                  SELECT 1 FROM travel_duplicate_ignore i
                  WHERE i.partner_a_id = a.id AND i.partner_b_id = b.id)
            """,
            same_key=same_key,
            low=low,
            high=high,
            threshold=threshold,
        )

    @api.model
    def _group_pairs(self, pairs):
        """Connected groups of customers from their pairs (union-find)."""
        parent = {}

        def find(x):
            while parent.setdefault(x, x) != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        best = {}
        for a, b, _score, _reasons in pairs:
            parent[find(a)] = find(b)
        for a, _b, score, reasons in pairs:
            root = find(a)
            if score > best.get(root, (0, None))[0]:
                best[root] = (score, reasons)
        members = {}
        for node in parent:
            members.setdefault(find(node), []).append(node)
        return [(sorted(ids), *best[root]) for root, ids in members.items()]

    @api.model
    def _create_groups(self, groups):
        if not groups:
            return self.browse()
        all_ids = [pid for ids, _score, _reasons in groups for pid in ids]
        bookings = dict(
            self.env["sale.order"]
            .sudo()
            ._read_group(
                [("partner_id", "in", all_ids), ("state", "=", "sale")],
                ["partner_id"],
                ["__count"],
            )
        )
        bookings = {partner.id: count for partner, count in bookings.items()}
        # ids grow with time: the smallest id is the oldest customer
        return self.create(
            [
                {
                    "partner_ids": [fields.Command.set(ids)],
                    "suggested_master_id": max(
                        ids, key=lambda pid: (bookings.get(pid, 0), -pid)
                    ),
                    "score": score,
                    "reason_codes": ",".join(reasons),
                }
                for ids, score, reasons in groups
            ]
        )
