# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import threading

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL, config, sql

from .parallel_sessions import run_in_sessions
from .res_partner import MANAGER_GROUP, MARKUP_MAX, MARKUP_MIN

ASSIGNMENT_BATCH_PARAM = "travel_customer.assignment_batch_size"
ASSIGNMENT_BATCH = 100
ASSIGNMENT_WORKERS_PARAM = "travel_customer.assignment_workers"
ASSIGNMENT_WORKERS = 2

_logger = logging.getLogger(__name__)


# The price of a departure ``d`` by a pricelist rule ``i``: its fixed price,
# or the departure's base price less its percentage, or with its formula's
# discount and surcharge.
RATE_CODE_PRICE = SQL(
    """round((CASE i.compute_price
        WHEN 'fixed' THEN coalesce(i.fixed_price, 0)
        WHEN 'percentage' THEN coalesce(d.price, 0)
            * (1 - coalesce(i.percent_price, 0) / 100)
        ELSE coalesce(d.price, 0)
            * (1 - coalesce(i.price_discount, 0) / 100)
            + coalesce(i.price_surcharge, 0)
    END)::numeric, 2)"""
)


class UncheckedMany2one(fields.Many2one):
    """A many2one without a database foreign key.

    PostgreSQL checks a foreign key with one query per row and key: on the
    nightly assignment's 10 million rows, its two checks took longer than
    the insert itself. The assignment keeps the same guarantees set-based
    instead, as Odoo does for its own company-dependent many2one fields: a
    deleted reseller or departure takes its assignments along
    (``_unlink_assignments``), the merge moves them (``_get_fk_on``), and
    a missing one is refused (``_check_references``).
    """

    def update_db_foreign_key(self, model, column):
        return


class TravelDepartureAssignment(models.Model):
    """A departure a reseller may sell, at its reseller price.

    A snapshot: departures created later are not assigned, except by the
    nightly "Benefit from all offers" assignment.
    """

    _name = "travel.departure.assignment"
    _description = "Departure Assignment"
    _order = "departure_id, id"

    partner_id = UncheckedMany2one(
        "res.partner",
        string="Reseller",
        required=True,
        ondelete="cascade",
        domain=[("parent_id", "=", False)],
    )  # searched through the unique (partner_id, departure_id) index
    # no index of its own: every lookup names the reseller (unique index);
    # only deleting a departure scans the table, a third less work per row
    # for the nightly action
    departure_id = UncheckedMany2one(
        "travel.departure", required=True, ondelete="cascade"
    )
    # not stored: two columns and a foreign key less per row of the nightly action
    product_id = fields.Many2one(related="departure_id.product_id", string="Stay")
    date_start = fields.Date(related="departure_id.date_start")
    date_end = fields.Date(related="departure_id.date_end")
    seats_left = fields.Integer(related="departure_id.seats_left")
    price = fields.Monetary(
        related="departure_id.price", string="Base Price", groups="base.group_user"
    )
    currency_id = fields.Many2one(related="departure_id.currency_id")
    # set by a Travel customers manager only (_check_markup_rights)
    markup_override = fields.Boolean(
        string="Own Markup",
        groups="base.group_user",
        help="Use this markup rather than the reseller's.",
    )
    markup = fields.Float(string="Markup (%)", digits=(5, 2), groups="base.group_user")
    markup_applied = fields.Float(
        string="Markup Applied (%)",
        digits=(5, 2),
        compute="_compute_markup_applied",
        groups="base.group_user",
        help="The assignment's own markup when set, else the reseller's default.",
    )
    # the rate code (pricelist) that gave the departure, set by the code only:
    # its price replaces the markup (see _rate_code_offers_sql)
    pricelist_id = fields.Many2one(
        "product.pricelist",
        string="Rate Code",
        readonly=True,
        ondelete="set null",
        help="The reseller's rate code that offers this departure, at its price.",
    )
    reseller_price = fields.Monetary(
        compute="_compute_reseller_price",
        store=True,
        currency_field="currency_id",
        help="Base price x (1 + markup / 100): the assignment's markup when set, "
        "else the reseller's.",
    )

    _sql_constraints = [
        (
            "departure_unique",
            "UNIQUE (partner_id, departure_id)",
            "This departure is already assigned to this reseller.",
        ),
    ]

    def init(self):
        """Drop the foreign keys and the departure index of earlier versions
        (see UncheckedMany2one and departure_id)."""
        result = super().init()
        index = sql.make_index_name(self._table, "departure_id")
        sql.drop_index(self.env.cr, index, self._table)
        names = [
            f"{self._table}_{column}_fkey" for column in ("partner_id", "departure_id")
        ]
        for name in names:
            self.env.cr.execute(
                SQL(
                    "ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s",
                    SQL.identifier(self._table),
                    SQL.identifier(name),
                )
            )
        self.env.cr.execute(
            SQL(
                "DELETE FROM ir_model_constraint WHERE type = 'f' AND name IN %s",
                tuple(names),
            )
        )
        return result

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(
            "reseller_price" in vals or "pricelist_id" in vals for vals in vals_list
        ):
            raise AccessError(
                _(
                    "The reseller price is computed from the departure's price "
                    "and the markup: change the markup instead."
                )
            )
        assignments = super().create(vals_list)
        # on the records: the context's default_* values count too
        assignments.filtered(
            lambda a: a.markup_override or a.markup
        )._check_markup_rights()
        return assignments

    def write(self, vals):
        if ("reseller_price" in vals or "pricelist_id" in vals) and not self.env.su:
            raise AccessError(
                _(
                    "The reseller price is computed from the departure's price "
                    "and the markup: change the markup instead."
                )
            )
        if "markup" in vals or "markup_override" in vals:
            changed = self.filtered(
                lambda a: ("markup" in vals and round(a.markup - vals["markup"], 2))
                or (
                    "markup_override" in vals
                    and a.markup_override != bool(vals["markup_override"])
                )
            )
            changed._check_markup_rights()
        return super().write(vals)

    def _check_markup_rights(self):
        if self and not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                _("Only a Travel customers manager can set a reseller's markup.")
            )

    @api.constrains("markup")
    def _check_markup(self):
        for assignment in self:
            if not MARKUP_MIN < assignment.markup <= MARKUP_MAX:
                raise ValidationError(
                    _(
                        "A markup must be above %(min)s %% (a price is never zero "
                        "or negative) and at most %(max)s %%.",
                        min=int(MARKUP_MIN),
                        max=int(MARKUP_MAX),
                    )
                )

    @api.constrains("partner_id", "departure_id")
    def _check_references(self):
        """What the foreign keys refused: a reseller or departure that does
        not exist (any more)."""
        for field in ("partner_id", "departure_id"):
            records = self[field]
            if records - records.exists():
                raise ValidationError(
                    _(
                        "The reseller or departure of this assignment no longer "
                        "exists: reload the page."
                    )
                )

    @api.model
    def _unlink_assignments(self, field, ids):
        """Delete the assignments of the deleted resellers or departures
        ``ids`` (``field``: ``partner_id`` or ``departure_id``), in one
        statement: what ``ON DELETE CASCADE`` did."""
        if not ids:
            return
        self.flush_model()
        self.env.cr.execute(
            SQL(
                "DELETE FROM travel_departure_assignment WHERE %s = ANY(%s)",
                SQL.identifier(field),
                list(ids),
            )
        )
        self.env.invalidate_all()

    @api.depends(
        "departure_id.price",
        "partner_id.travel_markup",
        "markup",
        "markup_override",
        "pricelist_id.item_ids.compute_price",
        "pricelist_id.item_ids.fixed_price",
        "pricelist_id.item_ids.percent_price",
        "pricelist_id.item_ids.price_discount",
        "pricelist_id.item_ids.price_surcharge",
    )
    def _compute_reseller_price(self):
        for assignment in self:
            rate_price = None
            if assignment.pricelist_id and not assignment.markup_override:
                rate_price = assignment._rate_code_price()
            if rate_price is not None:
                assignment.reseller_price = rate_price
                continue
            assignment.reseller_price = assignment.departure_id.price * (
                1 + assignment._effective_markup() / 100
            )

    def _rate_code_price(self):
        """The price of the departure under the assignment's rate code, as
        ``_rate_code_offers_sql`` computes it; None when the rate code no
        longer covers the stay."""
        self.ensure_one()
        departure = self.departure_id
        rule = self.pricelist_id.sudo()._travel_rate_rule(departure)
        if not rule:
            return None
        return rule._travel_rate_price(departure.price)

    @api.depends("partner_id.travel_markup", "markup", "markup_override")
    def _compute_markup_applied(self):
        for assignment in self:
            assignment.markup_applied = assignment._effective_markup()

    @api.onchange("markup_override")
    def _onchange_markup_override(self):
        """An own markup starts from the one applied so far."""
        for assignment in self:
            if assignment.markup_override and not assignment.markup:
                assignment.markup = assignment.partner_id.travel_markup

    def _effective_markup(self):
        self.ensure_one()
        if self.markup_override:
            return self.markup
        return self.partner_id.travel_markup

    @api.model
    def _assign(self, resellers, departures):
        """Assign ``departures`` to ``resellers`` at their default markup, in
        one statement; pairs already assigned are left as they are."""
        if not resellers or not departures:
            return 0
        self.check_access("create")
        departures.check_access("read")
        return self._insert_pairs(
            SQL(
                "SELECT p.id AS partner_id, d.id AS departure_id "
                "FROM res_partner p, travel_departure d "
                "WHERE p.id IN %s AND d.id IN %s",
                tuple(resellers.ids),
                tuple(departures.ids),
            ),
            self.env.uid,
            resellers.ids,
        )

    @api.model
    def _insert_pairs(self, pairs, uid, resellers):
        """Insert the (partner_id, departure_id) rows of query ``pairs`` at the
        reseller's price (its rate code's when one of ``resellers``' rate codes
        covers the stay); existing pairs are skipped. Returns the count."""
        self._flush_assignment_inputs()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO travel_departure_assignment
                    (partner_id, departure_id, reseller_price, markup_override,
                     pricelist_id,
                     create_uid, create_date, write_uid, write_date)
                SELECT p.id, d.id, coalesce(r.price, %(price)s), FALSE,
                       r.pricelist_id,
                       %(uid)s, now() at time zone 'UTC',
                       %(uid)s, now() at time zone 'UTC'
                FROM (%(pairs)s) pair
                JOIN res_partner p ON p.id = pair.partner_id
                JOIN travel_departure d ON d.id = pair.departure_id
                LEFT JOIN (%(rates)s) r
                  ON r.partner_id = p.id AND r.departure_id = d.id
                -- in index order: the unique index grows at its end
                ORDER BY p.id, d.id
                ON CONFLICT (partner_id, departure_id) DO NOTHING
                """,
                price=self._reseller_price_sql(),
                uid=uid,
                pairs=pairs,
                rates=self._rate_code_offers_sql(resellers),
            )
        )
        created = self.env.cr.rowcount
        self.env.invalidate_all()
        return created

    # ------------------------------------------------------------ NIGHTLY
    @api.model
    def _reseller_price_sql(self):
        """The reseller price of departure ``d`` for reseller ``p``, in SQL."""
        return SQL(
            "round((coalesce(d.price, 0) * (1 + coalesce(p.travel_markup, 0) / 100))"
            "::numeric, 2)"
        )

    @api.model
    def _rate_code_offers_sql(self, resellers):
        """``(partner_id, departure_id, pricelist_id, price)`` of the departures
        the rate codes of ``resellers`` (ids) cover, at the rate code's price.

        A rate code covers a departure of its company (or of any company when
        it has none) and currency, through its rules on the stay (variant,
        product or category, or a global rule) valid today for one seat. Of a
        rate code's rules, the most specific one counts (Odoo's order of
        rules); of several rate codes, the lowest price. The price of a rule:
        its fixed price, or the departure's base price less its percentage,
        or with its formula's discount and surcharge.
        """
        today = fields.Date.context_today(self)
        return SQL(
            """
            SELECT DISTINCT ON (rule.partner_id, rule.departure_id)
                   rule.partner_id, rule.departure_id, rule.pricelist_id,
                   rule.price
            FROM (
                SELECT DISTINCT ON (rel.partner_id, d.id, pl.id)
                       rel.partner_id, d.id AS departure_id,
                       pl.id AS pricelist_id,
                       %(price)s AS price
                FROM travel_partner_rate_code_rel rel
                JOIN product_pricelist pl
                  ON pl.id = rel.pricelist_id AND pl.active AND pl.travel_rate_code
                JOIN product_pricelist_item i
                  ON i.pricelist_id = pl.id AND coalesce(i.min_quantity, 0) <= 1
                 AND (i.date_start IS NULL OR i.date_start::date <= %(today)s)
                 AND (i.date_end IS NULL OR i.date_end::date >= %(today)s)
                JOIN travel_departure d ON d.active
                 AND (pl.company_id IS NULL OR pl.company_id = d.company_id)
                JOIN res_company c
                  ON c.id = d.company_id AND c.currency_id = pl.currency_id
                JOIN product_product pp ON pp.id = d.product_id
                JOIN product_template pt ON pt.id = pp.product_tmpl_id
                LEFT JOIN product_category pc ON pc.id = pt.categ_id
                LEFT JOIN product_category ic ON ic.id = i.categ_id
                WHERE rel.partner_id = ANY(%(resellers)s)
                  AND (i.applied_on = '3_global'
                       OR (i.applied_on = '0_product_variant'
                           AND i.product_id = pp.id)
                       OR (i.applied_on = '1_product'
                           AND i.product_tmpl_id = pt.id)
                       OR (i.applied_on = '2_product_category'
                           AND starts_with(pc.parent_path, ic.parent_path)))
                ORDER BY rel.partner_id, d.id, pl.id,
                         i.applied_on, i.min_quantity DESC,
                         i.categ_id DESC NULLS LAST, i.id DESC
            ) rule
            ORDER BY rule.partner_id, rule.departure_id, rule.price,
                     rule.pricelist_id
            """,
            price=RATE_CODE_PRICE,
            today=today,
            resellers=list(resellers),
        )

    @api.model
    def _cron_assign_all_offers(self, batch_size=None, workers=None):
        """Assign every active, unfinished departure to each reseller who
        benefits from all offers; idempotent. Returns the count created.

        Resellers are taken in committed batches (system parameter
        ``travel_customer.assignment_batch_size``, 100 resellers), each one
        INSERT ... SELECT, by several database sessions at once (parameter
        ``travel_customer.assignment_workers``, 2): the insert is bound by
        the database server's processors. A stopped run loses one batch per
        session; sessions share the work by locking their resellers (SKIP
        LOCKED). Only departures created or changed since a reseller's last
        run are looked at: a night with nothing new costs next to nothing.
        """
        params = self.env["ir.config_parameter"]
        batch_size = batch_size or (
            params._travel_get_int(ASSIGNMENT_BATCH_PARAM, ASSIGNMENT_BATCH)
            or ASSIGNMENT_BATCH
        )
        workers = self._assignment_workers(
            workers
            or params._travel_get_int(ASSIGNMENT_WORKERS_PARAM, ASSIGNMENT_WORKERS)
            or 1
        )
        today = fields.Date.context_today(self)
        if getattr(threading.current_thread(), "testing", False):
            # one transaction, the test's: batches are not committed
            return self._assign_due_batches(today, batch_size, commit=False)[0]
        if workers == 1:
            return self._assign_due_batches(
                today, batch_size, commit=True, notify=True
            )[0]
        results = run_in_sessions(
            self,
            workers,
            "_assign_due_batches",
            today,
            batch_size,
            commit=True,
            prefix="travel_assign",
        )
        self.env.invalidate_all()
        done = sum(resellers for _created, resellers in results)
        self.env["ir.cron"]._notify_progress(done=done, remaining=0)
        return sum(created for created, _resellers in results)

    @api.model
    def _assignment_workers(self, wanted):
        """The sessions the nightly assignment may open at once: Odoo's pool
        holds ``db_maxconn`` connections for the whole process, and this
        session, the other scheduled jobs and the web requests need theirs
        (a full pool fails them all with "connection pool is full")."""
        free = config["db_maxconn"] - 1 - config["max_cron_threads"]
        return max(1, min(wanted, free))

    @api.model
    def _flush_assignment_inputs(self):
        """What the assignment's SQL reads and writes: the assignments, the
        departures and the resellers' markup and nightly stamp."""
        self.flush_model()
        self.env["travel.departure"].flush_model()
        self.env["res.partner"].flush_model(
            [
                "active",
                "parent_id",
                "travel_all_offers",
                "travel_markup",
                "travel_offers_assigned_at",
                "travel_rate_code_ids",
            ]
        )
        self.env["product.pricelist"].flush_model(
            ["active", "company_id", "currency_id"]
        )
        self.env["product.pricelist.item"].flush_model()
        self.env["product.product"].flush_model(["product_tmpl_id"])
        self.env["product.template"].flush_model(["categ_id"])
        self.env["product.category"].flush_model(["parent_path"])

    @api.model
    def _assign_due_batches(self, today, batch_size, commit, notify=False):
        """Assign their departures to the resellers due, ``batch_size`` at a
        time, committing each batch when ``commit``: ``(created, resellers)``.
        """
        cr = self.env.cr
        created = done = last = 0
        while True:
            self._flush_assignment_inputs()
            if commit:
                # a crash loses one batch, not the night
                cr.commit()  # pylint: disable=invalid-commit
                # each batch reads committed rows: a reseller another session
                # has just done is skipped, not a serialization failure
                cr.execute(SQL("SET TRANSACTION ISOLATION LEVEL READ COMMITTED"))
            cr.execute(self._resellers_due_query(today, last, batch_size))
            resellers = [row[0] for row in cr.fetchall()]
            if not resellers:
                break
            last = resellers[-1]
            created += self._assign_batch(today, resellers)
            done += len(resellers)
            if notify:
                cr.execute(self._resellers_due_query(today, last, count=True))
                self.env["ir.cron"]._notify_progress(
                    done=done, remaining=cr.fetchone()[0]
                )
        if commit:
            cr.commit()  # pylint: disable=invalid-commit
        self.env.invalidate_all()
        return created, done

    @api.model
    def _assign_batch(self, today, resellers):
        """Assign their due departures to ``resellers`` and stamp them, in a
        savepoint: a batch that fails is logged and left for the next night
        (its resellers keep their stamp), the others go on. Returns the count
        created."""
        try:
            with self.env.cr.savepoint():
                created = self._insert_due_pairs(today, resellers)
                self._stamp_assigned(resellers)
        except Exception:
            _logger.exception(
                "Nightly assignment: the batch of resellers %s failed, left "
                "for the next run",
                resellers,
            )
            return 0
        return created

    @api.model
    def _insert_due_pairs(self, today, resellers):
        """The departures due to ``resellers``: active, unfinished, created or
        changed since each one's last run; all of them for a reseller with all
        offers, those its rate codes cover for the others."""
        # rows of the nightly action carry no author: two foreign key checks
        # less per row, on millions of rows
        return self._insert_pairs(
            SQL(
                """
                SELECT p.id AS partner_id, d.id AS departure_id
                FROM res_partner p
                JOIN travel_departure d
                  ON d.active AND d.date_end >= %(today)s
                 AND (p.travel_offers_assigned_at IS NULL
                      OR d.write_date >= p.travel_offers_assigned_at)
                WHERE p.id IN %(resellers)s AND p.travel_all_offers
                UNION ALL
                SELECT r.partner_id, r.departure_id
                FROM (%(rates)s) r
                JOIN res_partner p ON p.id = r.partner_id
                JOIN travel_departure d ON d.id = r.departure_id
                WHERE NOT coalesce(p.travel_all_offers, FALSE)
                  AND d.active AND d.date_end >= %(today)s
                  AND (p.travel_offers_assigned_at IS NULL
                       OR d.write_date >= p.travel_offers_assigned_at)
                """,
                today=today,
                resellers=tuple(resellers),
                rates=self._rate_code_offers_sql(resellers),
            ),
            None,
            resellers,
        )

    @api.model
    def _stamp_assigned(self, resellers):
        """The stamp is when the oldest transaction still running began: a
        departure it writes is older than now() but not seen yet, and must be
        looked at next time."""
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner SET travel_offers_assigned_at = (
                    SELECT least(now(), min(xact_start)) at time zone 'UTC'
                    FROM pg_stat_activity
                    WHERE datname = current_database()
                      AND backend_type = 'client backend')
                WHERE id IN %s
                """,
                tuple(resellers),
            )
        )

    @api.model
    def _resellers_due_query(self, today, after, limit=None, count=False):
        """Resellers with all offers or rate codes that a departure created or
        changed since their last run concerns, after id ``after`` (a run passes
        each once): the next ``limit`` of them, locked (others' locked rows
        skipped), or their ``count``."""
        select = SQL("count(*)") if count else SQL("p.id")
        lock = (
            SQL("")
            if count
            else SQL("ORDER BY p.id LIMIT %s FOR NO KEY UPDATE OF p SKIP LOCKED", limit)
        )
        return SQL(
            """
            SELECT %(select)s FROM res_partner p
            WHERE (p.travel_all_offers OR EXISTS (
                       SELECT 1 FROM travel_partner_rate_code_rel rel
                       WHERE rel.partner_id = p.id))
              AND p.active AND p.parent_id IS NULL
              AND p.id > %(after)s
              AND (p.travel_offers_assigned_at IS NULL
                   OR p.travel_offers_assigned_at <= (
                       SELECT max(d.write_date) FROM travel_departure d
                       WHERE d.active AND d.date_end >= %(today)s))
            %(lock)s
            """,
            select=select,
            after=after,
            today=today,
            lock=lock,
        )
