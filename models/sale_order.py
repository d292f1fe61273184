# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_date
from odoo.tools.sql import column_exists, create_column


class SaleOrder(models.Model):
    """A quotation is an offer, a confirmed order is a booking."""

    _inherit = "sale.order"

    # ------------------------------------------------------------ FIELDS
    travel_date_start = fields.Date(
        string="Start Date",
        compute="_compute_travel_dates",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        index=True,
    )
    travel_date_end = fields.Date(
        string="End Date",
        compute="_compute_travel_dates",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    travel_departure_id = fields.Many2one(
        "travel.departure",
        string="Departure",
        check_company=True,
        index="btree_not_null",
        tracking=True,
        help="The dated session of the stay booked; the booking takes its dates.",
    )
    travel_seats = fields.Integer(
        string="Seats",
        default=1,
        help="Seats of the departure this booking takes once confirmed.",
    )
    travel_participant_ids = fields.Many2many(
        "travel.participant",
        "travel_participant_sale_order_rel",
        "order_id",
        "participant_id",
        string="Participants",
        help="Who travels on this booking.",
    )
    travel_consent_confirmed = fields.Boolean(
        string="Consents Confirmed",
        copy=False,
        readonly=True,
        help="The customer confirmed its contact preferences for this order.",
    )
    # Travel staff's only (the access rights of consent records): a
    # salesperson outside the Travel groups reads the order without them
    travel_consent_record_ids = fields.One2many(
        "travel.consent.record",
        "order_id",
        string="Consents",
        groups="travel_customer.group_travel_user",
    )
    travel_contact_person_id = fields.Many2one(
        "res.partner",
        string="Contact Person",
        compute="_compute_travel_contact_person_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        help="Receives the automatic e-mails of this booking (confirmation, "
        "reminders, documents); the customer's contacts marked in copy of "
        "transactional e-mails receive them too.",
    )
    travel_vehicle_plate = fields.Char(string="Vehicle Plate")
    travel_checkin_date = fields.Datetime(
        string="Checked In On", readonly=True, copy=False, tracking=True
    )
    travel_cashback_amount = fields.Monetary(
        string="Cashback Credited",
        readonly=True,
        copy=False,
        help="Credited to the customer's e-wallet once the trip ended.",
    )
    travel_cashback_reversed = fields.Boolean(
        string="Cashback Taken Back", readonly=True, copy=False
    )
    travel_end_client_id = fields.Many2one(
        "res.partner",
        string="End Client",
        index="btree_not_null",
        tracking=True,
        help="The reseller's own client this booking is for.",
    )
    travel_channel_id = fields.Many2one(
        "travel.sales.channel",
        string="Sales Channel",
        check_company=True,
        tracking=True,
        index="btree_not_null",
    )
    travel_channel_external = fields.Boolean(
        related="travel_channel_id.external", string="External Channel"
    )
    travel_customer_type_id = fields.Many2one(
        related="partner_id.commercial_partner_id.customer_type_id",
        string="Customer Type",
    )
    travel_level_id = fields.Many2one(
        related="partner_id.commercial_partner_id.travel_level_id",
        string="Customer Level",
        groups="base.group_user",
    )
    travel_level_blocks_booking = fields.Boolean(
        related="partner_id.commercial_partner_id.travel_level_blocks_booking",
        string="Customer Level Blocks Booking",
        groups="base.group_user",
    )
    travel_partner_dispute = fields.Boolean(
        related="partner_id.commercial_partner_id.travel_dispute",
        string="Customer in Dispute",
        groups="base.group_user",
    )
    # what the booking lists colour (a field of every user: the lists are
    # readable by portal users too); dispute for the staff, else never
    travel_dispute_highlight = fields.Boolean(
        compute="_compute_travel_dispute_highlight", string="Highlight Dispute"
    )
    # what hides Confirm (the form's buttons are everyone's): staff only
    travel_confirm_blocked = fields.Boolean(
        compute="_compute_travel_confirm_blocked", string="Confirmation Blocked"
    )
    travel_partner_note = fields.Html(
        related="partner_id.commercial_partner_id.comment",
        string="Customer Notes",
        groups="base.group_user",
    )

    # ------------------------------------------------------------ COMPUTE
    @api.depends("partner_id")
    @api.depends_context("uid")
    def _compute_travel_dispute_highlight(self):
        staff = self.env.user._is_internal()
        for order in self:
            order.travel_dispute_highlight = (
                staff and order.sudo().partner_id.commercial_partner_id.travel_dispute
            )

    @api.depends("partner_id")
    @api.depends_context("uid")
    def _compute_travel_confirm_blocked(self):
        staff = self.env.user._is_internal()
        for order in self:
            customer = order.sudo().partner_id.commercial_partner_id
            order.travel_confirm_blocked = (
                staff and customer.travel_level_blocks_booking
            )

    @api.depends("partner_id")
    def _compute_travel_contact_person_id(self):
        """The customer's contact person, else the customer itself."""
        for order in self:
            customer = order.partner_id.commercial_partner_id
            order.travel_contact_person_id = (
                customer.travel_contact_person_id or order.partner_id
            )

    def _auto_init(self):
        """The travel columns of the bookings a database already has, set in
        SQL at install: the ORM computed them booking by booking (8.5 s for
        200,000). None has a departure yet, so no dates; the contact person
        is the customer, none having one yet; one seat each, given by the
        catalog (Odoo's UPDATE of every booking took 13 s for 200,000)."""
        cr = self.env.cr
        # each on its own: a database of an earlier version may have some
        for column in ("travel_date_start", "travel_date_end"):
            if not column_exists(cr, "sale_order", column):
                create_column(cr, "sale_order", column, "date")
        if not column_exists(cr, "sale_order", "travel_contact_person_id"):
            create_column(cr, "sale_order", "travel_contact_person_id", "int4")
            cr.execute(
                SQL("UPDATE sale_order SET travel_contact_person_id = partner_id")
            )
        if not column_exists(cr, "sale_order", "travel_seats"):
            cr.execute(
                SQL(
                    "ALTER TABLE sale_order ADD COLUMN travel_seats int4 DEFAULT 1;"
                    "ALTER TABLE sale_order ALTER COLUMN travel_seats DROP DEFAULT"
                )
            )
        return super()._auto_init()

    @api.depends("travel_departure_id.date_start", "travel_departure_id.date_end")
    def _compute_travel_dates(self):
        """A booking on a departure takes (and follows) the departure's dates."""
        for order in self.filtered("travel_departure_id"):
            order.travel_date_start = order.travel_departure_id.date_start
            order.travel_date_end = order.travel_departure_id.date_end

    # ------------------------------------------------------------ CONSTRAINT
    @api.constrains("travel_departure_id", "partner_id")
    def _check_travel_reseller_departure(self):
        """A reseller is booked only on the departures assigned to it: a
        booking of a reseller without a departure would escape the rule."""
        for order in self:
            if order.state == "cancel" or not order._travel_is_reseller_order():
                continue
            reseller = order.partner_id.commercial_partner_id
            if not order.travel_departure_id:
                raise ValidationError(
                    _(
                        "%(reseller)s is a reseller: its bookings are on one of "
                        "its assigned departures. Choose the departure of %(order)s.",
                        reseller=reseller.display_name,
                        order=order.name,
                    )
                )
            if not order._travel_reseller_assignment():
                raise ValidationError(
                    _(
                        "%(reseller)s is a reseller: it can only be booked on its "
                        "assigned departures, and %(departure)s is not one of them.",
                        reseller=reseller.display_name,
                        departure=order.travel_departure_id.display_name,
                    )
                )

    @api.constrains("travel_participant_ids", "travel_departure_id")
    def _check_travel_participant_ages(self):
        """Participants are within the departure's age range on its start."""
        for order in self.filtered("travel_departure_id"):
            departure = order.travel_departure_id
            if not (departure.age_min or departure.age_max):
                continue
            refused = []
            for participant in order.travel_participant_ids:
                age = participant._age_on(departure.date_start)
                if age is None:
                    refused.append(
                        _("%(name)s: birth date unknown", name=participant.name)
                    )
                elif not departure._age_allowed(age):
                    refused.append(
                        _(
                            "%(name)s: %(age)s years old on %(date)s",
                            name=participant.name,
                            age=age,
                            date=format_date(self.env, departure.date_start),
                        )
                    )
            if refused:
                raise ValidationError(
                    _(
                        "%(departure)s is for ages %(range)s; these participants "
                        "are outside it on the start date:\n%(refused)s",
                        departure=departure.display_name,
                        range=departure._age_range_label(),
                        refused="\n".join(refused),
                    )
                )

    @api.constrains("travel_seats", "travel_departure_id", "state")
    def _check_travel_seats(self):
        for order in self:
            if order.travel_seats < 0:
                raise ValidationError(
                    _("A booking cannot take a negative number of seats.")
                )
        # a confirmed booking changed afterwards must still fit
        self.filtered(lambda o: o.state == "sale").travel_departure_id._check_seats()

    @api.constrains("travel_date_start", "travel_date_end")
    def _check_travel_dates(self):
        for order in self:
            if (
                order.travel_date_start
                and order.travel_date_end
                and order.travel_date_end < order.travel_date_start
            ):
                raise ValidationError(
                    _(
                        "The end date (%(end)s) of %(order)s is before its start "
                        "date (%(start)s).",
                        end=format_date(self.env, order.travel_date_end),
                        start=format_date(self.env, order.travel_date_start),
                        order=order.name,
                    )
                )

    # ------------------------------------------------------------ ONCHANGE
    @api.onchange("travel_departure_id", "travel_seats")
    def _onchange_travel_departure_stay_line(self):
        self._travel_sync_stay_line()

    # ------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        self.env["travel.membership"]._update_order_lines(
            orders.filtered("travel_participant_ids")
        )
        return orders

    def write(self, vals):
        result = super().write(vals)
        if not self.env.context.get("travel_membership_update") and (
            {"travel_participant_ids", "partner_id", "travel_date_start"} & set(vals)
        ):
            self.env["travel.membership"]._update_order_lines(self)
        return result

    # ------------------------------------------------------------ ACTION
    def action_travel_edit_customer(self):
        """Open the customer, to change its type or level from the booking."""
        self.check_access("read")
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Edit Customer"),
            "res_model": "res.partner",
            "res_id": self.partner_id.commercial_partner_id.id,
            "view_mode": "form",
            "views": [
                (
                    self.env.ref(
                        "travel_customer.res_partner_view_form_travel_quick"
                    ).id,
                    "form",
                )
            ],
            "target": "new",
        }

    def action_confirm(self):
        self.check_access("write")
        # the reseller's type or assignments may have changed since the quotation
        self._check_travel_reseller_departure()
        self._travel_check_capacity()
        for order in self:
            self.env["travel.profile.field"]._for_company(
                order.company_id, "confirmation"
            )._check_order(order, "confirmation")
        return super().action_confirm()

    @api.readonly
    def action_travel_open(self):
        """Open the booking itself (from the customer's booking lists)."""
        self.check_access("read")
        self.ensure_one()
        return self._get_records_action(context={})

    def action_travel_checkin(self):
        """Check the guests in: the fields the law of the company's country
        asks for must be there, for the customer and each participant."""
        self.check_access("write")
        for order in self:
            if order.state != "sale":
                raise UserError(
                    _("Only a confirmed booking can be checked in (%s).", order.name)
                )
            self.env["travel.profile.field"]._for_company(
                order.company_id, "checkin"
            )._check_order(order, "checkin")
        self.travel_checkin_date = fields.Datetime.now()
        return self.env["res.partner"]._travel_notify(
            _("Checked in: %s.", ", ".join(self.mapped("name"))), reload=True
        )

    @api.readonly
    def action_travel_registration_card(self):
        """The check-in card (personal data of every guest): staff only."""
        if not self.env.user.has_group("sales_team.group_sale_salesman"):
            raise AccessError(
                _("Only salespeople may print the registration card of a booking.")
            )
        self.check_access("read")
        return self.env.ref(
            "travel_customer.action_report_registration_card"
        ).report_action(self)

    # ------------------------------------------------------------ BUSINESS
    def _confirmation_error_message(self):
        error = super()._confirmation_error_message()
        if not error and self.travel_level_blocks_booking:
            customer = self.partner_id.commercial_partner_id
            error = _(
                "%(order)s cannot be confirmed: the level of %(customer)s is "
                "“%(level)s”, which blocks booking. Change the customer's level "
                "first.",
                order=self.name,
                customer=customer.display_name,
                level=customer.travel_level_id.name,
            )
        return error

    def _action_confirm(self):
        result = super()._action_confirm()
        # no consent is recorded here: a confirmation in the back office says
        # nothing of what the customer answered ("not asked" stays neutral);
        # staff record the customer's own answers on its Consents
        self._travel_schedule_prospect_activity()
        self.env["loyalty.card"]._travel_reward_referrals(
            self.partner_id.commercial_partner_id
        )
        self.env["travel.membership"]._record_orders(self)
        return result

    def _travel_check_capacity(self):
        """Refuse to confirm bookings beyond the seats left on a departure."""
        departures = self.travel_departure_id
        if not departures:
            return
        # one departure confirmed at a time: a row lock alone would not do,
        # as a transaction sees the seats of its snapshot; writing the row
        # makes a concurrent confirmation fail to serialize (Odoo retries it)
        self.env.execute_query(
            SQL(
                "UPDATE travel_departure SET capacity = capacity WHERE id IN %s",
                tuple(departures.ids),
            )
        )
        departures.invalidate_recordset(["seats_taken", "seats_left"])
        to_confirm = self.filtered(lambda o: o.state in ("draft", "sent"))
        for departure in departures.sudo():
            wanted = sum(
                to_confirm.filtered(
                    lambda o, d=departure: o.travel_departure_id == d
                ).mapped("travel_seats")
            )
            if wanted > departure.seats_left:
                raise UserError(
                    _(
                        "%(departure)s is full: %(left)s seats left, %(wanted)s asked. "
                        "Choose another departure or lower the seats.",
                        departure=departure.display_name,
                        left=max(departure.seats_left, 0),
                        wanted=wanted,
                    )
                )

    def _travel_schedule_prospect_activity(self):
        """Ask the salesperson to type a prospect once its first booking is in."""
        activity_type = self.env.ref(
            "travel_customer.mail_activity_type_assign_customer_type"
        )
        prospects = self.partner_id.commercial_partner_id.filtered(
            lambda p: p.customer_type_id.category == "prospect"
        )
        for customer in prospects:
            orders = self.filtered(
                lambda o, c=customer: o.partner_id.commercial_partner_id == c
            )
            earlier = (
                self.env["sale.order"]
                .sudo()
                .search_count(
                    [
                        ("partner_id", "child_of", customer.id),
                        ("state", "=", "sale"),
                        ("id", "not in", orders.ids),
                    ],
                    limit=1,
                )
            )
            already = customer.sudo().activity_ids.filtered(
                lambda a: a.activity_type_id == activity_type
            )
            if earlier or already:
                continue
            customer.sudo().activity_schedule(
                act_type_xmlid="travel_customer.mail_activity_type_assign_customer_type",
                summary=_("Assign the right customer type"),
                note=_(
                    "%(customer)s booked for the first time (%(order)s): replace "
                    "the Prospect type by the right customer type.",
                    customer=customer.display_name,
                    order=orders[0].name,
                ),
                user_id=(orders[0].user_id or customer.user_id or self.env.user).id,
            )

    # the stay booked
    def _travel_is_reseller_order(self):
        self.ensure_one()
        customer = self.partner_id.commercial_partner_id.sudo()
        return customer.customer_type_id.category == "professional"

    def _travel_reseller_assignment(self):
        """The assignment of this order's departure to its reseller, if any."""
        self.ensure_one()
        if not self.travel_departure_id:
            return self.env["travel.departure.assignment"]
        return (
            self.env["travel.departure.assignment"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", self.partner_id.commercial_partner_id.id),
                    ("departure_id", "=", self.travel_departure_id.id),
                ],
                limit=1,
            )
        )

    def _travel_stay_price(self):
        """The price per seat of the departure booked, in its company's
        currency: a reseller pays the reseller price (the assignment's own
        markup first, else the reseller's default markup), as on the portal;
        others the departure's base price. None when the departure sets no
        price (the pricelist's applies)."""
        self.ensure_one()
        departure = self.travel_departure_id.sudo()
        if not departure:
            return None
        if self._travel_is_reseller_order():
            assignment = self._travel_reseller_assignment()
            if assignment:
                return departure.price * (1 + assignment._effective_markup() / 100)
            return None  # refused on save: no price of its own
        return departure.price or None

    def _travel_sync_stay_line(self):
        """The departure's stay on a line of its own, one per seat, at the
        departure's price: what choosing a departure adds to the order."""
        for order in self:
            departure = order.travel_departure_id
            if not departure or order.state not in ("draft", "sent"):
                continue
            product = departure.product_id
            stays = order.order_line.filtered(
                lambda ln: not ln.display_type and ln.product_id.travel_is_stay
            )
            line = stays.filtered(lambda ln, p=product: ln.product_id == p)[:1]
            line = line or stays[:1]
            seats = max(order.travel_seats, 1)
            if line:
                line.update({"product_id": product.id, "product_uom_qty": seats})
            else:
                order.order_line = [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": seats,
                            "sequence": 1,
                        }
                    )
                ]
                line = order.order_line.filtered(
                    lambda ln, p=product: ln.product_id == p
                )[:1]
            line.with_context(force_price_recomputation=True)._compute_price_unit()

    # online ordering
    def _travel_online_ordering_refusal(self):
        """Why this customer may not order, sign or pay online (its type
        says so), with how to reach us; False when it may."""
        self.ensure_one()
        customer_type = self.partner_id.commercial_partner_id.customer_type_id
        if not customer_type or customer_type.portal_order_allowed:
            return False
        company = self.company_id
        contact = " / ".join(filter(None, [company.phone, company.email]))
        if contact:
            contact = f" ({contact})"
        return _(
            "Ordering online is not available for your account: please contact "
            "our customer service%(contact)s.",
            contact=contact,
        )

    def _has_to_be_signed(self):
        return (
            super()._has_to_be_signed() and not self._travel_online_ordering_refusal()
        )

    def _has_to_be_paid(self):
        return super()._has_to_be_paid() and not self._travel_online_ordering_refusal()

    # travel documents (their gating is the document model's)
    def _travel_is_paid(self):
        """Fully invoiced, and every posted customer invoice paid."""
        self.ensure_one()
        invoices = self.invoice_ids.filtered(
            lambda m: m.state == "posted" and m.move_type == "out_invoice"
        )
        return (
            self.invoice_status == "invoiced"
            and bool(invoices)
            and all(m.payment_state in ("paid", "in_payment") for m in invoices)
        )

    def _travel_document_rows(self, participants=None):
        return self.env["travel.customer.document"]._order_rows(self, participants)

    def _travel_documents_refusal(self):
        """Why the customer cannot download its travel documents yet, or False."""
        return self.env["travel.customer.document"]._order_refusal(self)

    # registration card (its fields are the profile fields')
    def _travel_registration_persons(self):
        """Who is on the registration card: the customer, then participants."""
        self.ensure_one()
        return [self.partner_id] + list(self.travel_participant_ids)

    def _travel_registration_values(self, person):
        """``[(label, value)]`` of the fields of the company's country."""
        self.ensure_one()
        profile = self.env["travel.profile.field"]._for_company(self.company_id)
        return profile._card_values(person)

    # e-mails
    def _send_order_notification_mail(self, mail_template):
        return super(
            SaleOrder, self.with_context(travel_booking_mail=True)
        )._send_order_notification_mail(mail_template)

    def _travel_mail_recipients(self, partner_ids):
        """The customer replaced by the contact person, plus the customer's
        contacts in copy of transactional e-mails."""
        self.ensure_one()
        ids = set(partner_ids) - {self.partner_id.id}
        ids.add((self.travel_contact_person_id or self.partner_id).id)
        customer = self.partner_id.commercial_partner_id
        in_copy = self.env["res.partner"].search(
            [("id", "child_of", customer.id), ("travel_transactional_cc", "=", True)]
        )
        return list(ids | set(in_copy.ids))

    def message_post(self, **kwargs):
        if self.env.context.get("travel_booking_mail") and len(self) == 1:
            partner_ids = kwargs.get("partner_ids") or []
            kwargs["partner_ids"] = self._travel_mail_recipients(partner_ids)
        return super().message_post(**kwargs)

    # e-wallet (the wallet, its payments and the cashback are loyalty.card's)
    def _travel_wallet_card(self):
        self.ensure_one()
        return self.env["loyalty.card"]._travel_wallet(self.partner_id, create=False)

    def _travel_apply_wallet(self):
        """Pay part of this quotation with the customer's e-wallet."""
        self.ensure_one()
        return self._travel_wallet_card()._travel_pay(self)

    @api.model
    def _cron_travel_cashback(self):
        # the scheduled action runs on loyalty.card; a database installed
        # before it moved keeps calling this one (its record is noupdate)
        return self.env["loyalty.card"]._cron_travel_cashback()
