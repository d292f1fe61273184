# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, email_normalize

# an offer's id packs its reseller and its departure: reseller * 10^7 + departure
# (stays below JavaScript's 2^53 for any realistic base)
OFFER_ID_FACTOR = 10_000_000


class TravelDepartureOffer(models.Model):
    """Every active departure as one reseller sees it: assigned or not, at its
    reseller price and with the seats left.

    A SQL view rather than transient lines, so that the assignment screen and
    the reseller portal filter, sort and paginate in PostgreSQL, whatever the
    number of departures. Always read for one reseller.
    """

    _name = "travel.departure.offer"
    _description = "Departure Offered to a Reseller"
    _auto = False
    _order = "date_start, departure_id"
    _rec_name = "name"
    _depends = {
        "res.partner": ["customer_type_id", "parent_id", "travel_markup"],
        "travel.customer.type": ["category"],
        "travel.departure": [
            "name",
            "product_id",
            "date_start",
            "date_end",
            "capacity",
            "price",
            "company_id",
            "active",
        ],
        "travel.departure.assignment": [
            "partner_id",
            "departure_id",
            "markup_override",
            "markup",
            "reseller_price",
            "pricelist_id",
        ],
        "sale.order": ["travel_departure_id", "travel_seats", "state"],
        "res.company": ["currency_id"],
    }

    partner_id = fields.Many2one("res.partner", string="Reseller", readonly=True)
    departure_id = fields.Many2one("travel.departure", readonly=True)
    name = fields.Char(readonly=True)
    product_id = fields.Many2one("product.product", string="Stay", readonly=True)
    date_start = fields.Date(string="Start", readonly=True)
    date_end = fields.Date(string="End", readonly=True)
    seats_left = fields.Integer(readonly=True)
    # staff-only: a reseller sees its own price, never the base price or markup
    price = fields.Monetary(
        string="Base Price", readonly=True, groups="base.group_user"
    )
    currency_id = fields.Many2one("res.currency", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    assignment_id = fields.Many2one("travel.departure.assignment", readonly=True)
    assigned = fields.Boolean(readonly=True)
    markup_override = fields.Boolean(
        string="Own Markup", readonly=True, groups="base.group_user"
    )
    markup = fields.Float(
        string="Markup (%)", digits=(5, 2), readonly=True, groups="base.group_user"
    )
    reseller_price = fields.Monetary(readonly=True)
    pricelist_id = fields.Many2one(
        "product.pricelist",
        string="Rate Code",
        readonly=True,
        help="The reseller's rate code that gives this departure, at its price.",
    )

    @property
    def _table_query(self):
        assignment = self.env["travel.departure.assignment"]
        return SQL(
            """
            SELECT p.id::bigint * %(factor)s + d.id AS id,
                   p.id AS partner_id, d.id AS departure_id, d.name,
                   d.product_id,
                   d.date_start, d.date_end, d.price, d.company_id,
                   c.currency_id,
                   d.capacity - coalesce((
                       SELECT sum(o.travel_seats) FROM sale_order o
                       WHERE o.travel_departure_id = d.id AND o.state = 'sale'
                   ), 0) AS seats_left,
                   a.id AS assignment_id, a.id IS NOT NULL AS assigned,
                   coalesce(a.markup_override, FALSE) AS markup_override,
                   CASE WHEN a.markup_override THEN a.markup
                        ELSE coalesce(p.travel_markup, 0) END AS markup,
                   coalesce(a.reseller_price, %(price)s) AS reseller_price,
                   a.pricelist_id
            FROM res_partner p
            JOIN travel_customer_type t
              ON t.id = p.customer_type_id AND t.category = 'professional'
            CROSS JOIN travel_departure d
            JOIN res_company c ON c.id = d.company_id
            LEFT JOIN travel_departure_assignment a
              ON a.partner_id = p.id AND a.departure_id = d.id
            WHERE p.parent_id IS NULL AND d.active
            """,
            factor=OFFER_ID_FACTOR,
            price=assignment._reseller_price_sql(),
        )

    @api.depends("product_id", "date_start", "date_end")
    @api.depends_context("lang")
    def _compute_display_name(self):
        Departure = self.env["travel.departure"]
        for offer in self:
            offer.display_name = Departure._label(
                offer.product_id, offer.date_start, offer.date_end
            )

    # ------------------------------------------------------------ ACTIONS
    def _check_reseller(self):
        if len(self.partner_id) > 1:
            raise UserError(_("Assign departures to one reseller at a time."))

    def _check_assignment_rights(self):
        """Resellers read their offers; only Travel users assign them."""
        if not self.env.user.has_group("travel_customer.group_travel_user"):
            raise AccessError(
                _("Only Travel customers users may assign departures to resellers.")
            )

    def _scope(self):
        """The selected offers, or every offer of the current search when the
        user asked for all of them."""
        domain = self.env.context.get("active_domain")
        if self.env.context.get("travel_all") and domain is not None:
            return self.search(domain)
        return self

    def action_assign(self):
        """Assign the selected departures (all those listed with
        "Assign all departures") to the reseller."""
        self._check_assignment_rights()
        offers = self._scope()
        offers._check_reseller()
        count = self.env["travel.departure.assignment"]._assign(
            offers.partner_id, offers.filtered(lambda o: not o.assigned).departure_id
        )
        return self._reload_and_notify(
            _(
                "%(count)s departures assigned to %(reseller)s.",
                count=count,
                reseller=offers.partner_id.display_name,
            )
        )

    def action_unassign(self):
        self._check_assignment_rights()
        offers = self._scope()
        offers._check_reseller()
        assignments = offers.assignment_id
        count = len(assignments)
        assignments.unlink()
        return self._reload_and_notify(
            _(
                "%(count)s departures no longer assigned to %(reseller)s.",
                count=count,
                reseller=offers.partner_id.display_name,
            )
        )

    def action_set_markup(self):
        if not self.env.user.has_group("travel_customer.group_travel_manager"):
            raise AccessError(
                _("Only a Travel customers manager can set a reseller's markup.")
            )
        self._check_reseller()
        return {
            "type": "ir.actions.act_window",
            "name": _("Change Markup"),
            "res_model": "travel.departure.markup",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": self._name, "active_ids": self.ids},
        }

    def _reload_and_notify(self, message):
        """Tell the user what changed, on the offers as they are now."""
        self._reload()
        return self.env["res.partner"]._travel_notify(message, reload=True)

    def _reload(self):
        # the offers are a view over the tables just written
        self.env["travel.departure.assignment"]._flush_assignment_inputs()
        self.env.invalidate_all()
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    # ------------------------------------------------------------ PORTAL
    def _create_quotation(self, client_name, client_email, participants):
        """A quotation of this departure for the reseller's own client, at the
        reseller price. It takes no seat until it is confirmed.

        Called from the portal on an offer the reseller can read: the rules
        already hid the others; the order itself is written as superuser.
        """
        self.ensure_one()
        client_name = (client_name or "").strip()
        email = email_normalize((client_email or "")[:254])
        self._check_quotation_request(client_name, email, participants)
        reseller = self.partner_id.sudo()
        departure = self.departure_id.sudo()
        client = self._end_client(reseller, client_name, email)
        orderer = self.env.user.partner_id
        if orderer.commercial_partner_id != reseller:
            orderer = reseller
        order = (
            self.env["sale.order"]
            .sudo()
            .with_company(departure.company_id)
            .create(self._quotation_values(orderer, client, participants))
        )
        order.message_post(
            body=_(
                "Quotation requested on the portal by %(user)s for %(client)s "
                "(%(email)s), %(count)s participants.",
                user=self.env.user.name,
                client=client_name,
                email=email,
                count=participants,
            ),
            author_id=self.env.user.partner_id.id,
        )
        return order

    def _check_quotation_request(self, client_name, email, participants):
        """Refuse, with every reason at once, what the reseller typed wrong."""
        errors = []
        if not client_name:
            errors.append(_("Enter the name of your client."))
        elif len(client_name) > 128:
            errors.append(_("The name of your client is too long (128 characters)."))
        if not email:
            errors.append(_("Enter a valid e-mail address for your client."))
        if not isinstance(participants, int) or participants < 1:
            errors.append(_("Enter the number of participants (1 or more)."))
        elif participants > self.seats_left:
            errors.append(
                _(
                    "Only %(seats)s seats are left on this departure.",
                    seats=max(self.seats_left, 0),
                )
            )
        if errors:
            raise ValidationError("\n".join(errors))

    @api.model
    def _end_client(self, reseller, client_name, email):
        """The reseller's client with this e-mail, created on first use as a
        contact of the reseller (``reseller`` in sudo)."""
        return reseller.child_ids.filtered(
            lambda c: c.email_normalized == email and c.type == "other"
        )[:1] or reseller.child_ids.create(
            {
                "name": client_name,
                "email": email,
                "parent_id": reseller.id,
                "type": "other",
                "comment": _("Client of the reseller %s.", reseller.name),
            }
        )

    def _quotation_values(self, orderer, client, participants):
        """The reseller's quotation: through the reseller channel, at the
        reseller price."""
        departure = self.departure_id.sudo()
        return {
            "partner_id": orderer.id,
            "company_id": departure.company_id.id,
            "travel_departure_id": departure.id,
            "travel_seats": participants,
            "travel_end_client_id": client.id,
            "travel_channel_id": self.env.ref(
                "travel_customer.sales_channel_reseller"
            ).id,
            "order_line": [
                fields.Command.create(
                    {
                        "product_id": departure.product_id.id,
                        "product_uom_qty": participants,
                        "price_unit": self.reseller_price,
                    }
                )
            ],
        }

    @api.model
    def _reseller_action(self, reseller):
        """The assignment screen of one reseller."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "travel_customer.travel_departure_offer_action"
        )
        action["domain"] = [("partner_id", "=", reseller.id)]
        action["display_name"] = _("Departures of %s", reseller.display_name)
        return action
