# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL


class TravelDepartureAssignment(models.Model):
    """A departure a reseller may sell, at its reseller price.

    A snapshot: departures created later are not assigned, except by the
    nightly "Benefit from all offers" assignment.
    """

    _name = "travel.departure.assignment"
    _description = "Departure Assignment"
    _order = "departure_id, id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Reseller",
        required=True,
        ondelete="cascade",
        domain=[("parent_id", "=", False)],
    )  # searched through the unique (partner_id, departure_id) index
    departure_id = fields.Many2one(
        "travel.departure", required=True, ondelete="cascade", index=True
    )
    # not stored: two columns and a foreign key less per row of the nightly action
    product_id = fields.Many2one(related="departure_id.product_id", string="Stay")
    date_start = fields.Date(related="departure_id.date_start")
    date_end = fields.Date(related="departure_id.date_end")
    seats_left = fields.Integer(related="departure_id.seats_left")
    price = fields.Monetary(related="departure_id.price", string="Base Price")
    currency_id = fields.Many2one(related="departure_id.currency_id")
    markup_override = fields.Boolean(
        string="Own Markup", help="Use this markup rather than the reseller's."
    )
    markup = fields.Float(string="Markup (%)", digits=(5, 2))
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

    @api.depends(
        "departure_id.price", "partner_id.travel_markup", "markup", "markup_override"
    )
    def _compute_reseller_price(self):
        for assignment in self:
            assignment.reseller_price = assignment.departure_id.price * (
                1 + assignment._effective_markup() / 100
            )

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
        )

    @api.model
    def _insert_pairs(self, pairs, uid):
        """Insert the (partner_id, departure_id) rows of query ``pairs`` at the
        reseller's price; existing pairs are skipped. Returns the count."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO travel_departure_assignment
                    (partner_id, departure_id, reseller_price, markup_override,
                     create_uid, create_date, write_uid, write_date)
                SELECT p.id, d.id, %(price)s, FALSE,
                       %(uid)s, now() at time zone 'UTC',
                       %(uid)s, now() at time zone 'UTC'
                FROM (%(pairs)s) pair
                JOIN res_partner p ON p.id = pair.partner_id
                JOIN travel_departure d ON d.id = pair.departure_id
                -- in index order: the unique index grows at its end
                ORDER BY p.id, d.id
                ON CONFLICT (partner_id, departure_id) DO NOTHING
                """,
                price=self._reseller_price_sql(),
                uid=uid,
                pairs=pairs,
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
    def _cron_assign_all_offers(self):
        """Assign every active, unfinished departure to each reseller who
        benefits from all offers: one INSERT ... SELECT, idempotent.

        Only departures created or changed since the reseller's last run are
        looked at, so that a night with nothing new costs next to nothing.
        """
        today = fields.Date.context_today(self)
        # rows of the nightly action carry no author: two foreign key checks
        # less per row, on millions of rows
        created = self._insert_pairs(
            SQL(
                """
                SELECT p.id AS partner_id, d.id AS departure_id
                FROM res_partner p
                JOIN travel_departure d
                  ON d.active AND d.date_end >= %(today)s
                 AND (p.travel_offers_assigned_at IS NULL
                      OR d.write_date >= p.travel_offers_assigned_at)
                WHERE p.travel_all_offers AND p.active AND p.parent_id IS NULL
                """,
                today=today,
            ),
            None,
        )
        cr = self.env.cr
        cr.execute(
            "UPDATE res_partner SET travel_offers_assigned_at = "
            "now() at time zone 'UTC' "
            "WHERE travel_all_offers AND active AND parent_id IS NULL"
        )
        self.env.invalidate_all()
        return created
