# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import Counter
from datetime import date

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, mute_logger

from .privacy_consent import CONSENT_KEYS
from .travel_customer_privacy import PRIVACY_GROUP

# MANAGER_GROUP: the wizards import it from here
from .travel_customer_protection import MANAGER_GROUP, USER_GROUP  # noqa: F401

CONSENT_ANSWERS = [
    ("not_asked", "Not asked"),
    ("accepted", "Agrees"),
    ("refused", "Refuses"),
]
# Key of the transaction's cache (``cr.cache``, out of the client's reach)
# where the customer merge lists the duplicates Odoo's merge is about to
# delete: ``{duplicate id: master id}``; they are archived instead.
MERGE_ARCHIVE_KEY = "travel_customer.merge_archive_into"

# Indexes of res_partner that are not the search's nor the similarity's.
PARTNER_INDEXES = """
-- membership's own key has no index: a merge scanned every customer for it
CREATE INDEX IF NOT EXISTS res_partner_travel_associate_member_index
ON res_partner (associate_member) WHERE associate_member IS NOT NULL;
"""

# A reseller's price is base price x (1 + markup / 100): never zero or below.
MARKUP_MIN = -100.0
MARKUP_MAX = 1000.0


class ResPartner(models.Model):
    """A customer: its fields, computes, CRUD and actions. What belongs to
    another model is there: consents (privacy.consent), e-wallet and
    referral (loyalty.card), portal accounts (res.users), who may set which
    field (travel.customer.protection)."""

    # travel.search.limit: the multi-word search runs under a statement timeout;
    # travel.customer.protection: who may set which customer field
    _name = "res.partner"
    _inherit = ["res.partner", "travel.search.limit", "travel.customer.protection"]

    def _default_customer_type_id(self):
        return self.env["travel.customer.type"]._get_default()

    # ------------------------------------------------------------ FIELDS
    customer_type_id = fields.Many2one(
        "travel.customer.type",
        string="Customer Type",
        default=_default_customer_type_id,
        index=True,
        ondelete="restrict",
        tracking=True,
        help="Addresses and contacts of a customer share its type.",
    )
    customer_type_category = fields.Selection(
        related="customer_type_id.category", string="Customer Category"
    )
    # staff-only (groups): a portal user never reads them, even its own
    comment = fields.Html(groups="base.group_user")
    travel_level_id = fields.Many2one(
        "travel.customer.level",
        string="Customer Level",
        ondelete="restrict",
        tracking=True,
        groups="base.group_user",
    )
    travel_level_blocks_booking = fields.Boolean(
        related="travel_level_id.blocks_booking",
        string="Level Blocks Booking",
        groups="base.group_user",
    )
    travel_dispute = fields.Boolean(
        string="In Dispute",
        tracking=True,
        groups="base.group_user",
        help="Shown in red on this customer's bookings.",
    )
    travel_merged_into_id = fields.Many2one(
        "res.partner",
        string="Merged into",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="This customer was merged into another; it is kept archived until "
        "the merge can no longer be undone.",
    )
    travel_anonymized = fields.Boolean(
        string="Anonymized",
        readonly=True,
        copy=False,
        help="Every personal data of this customer was erased (GDPR); its "
        "bookings and invoices remain.",
    )
    travel_anonymize_blockers = fields.Text(
        string="Why it cannot be anonymized",
        compute="_compute_travel_anonymize_blockers",
    )
    travel_can_anonymize = fields.Boolean(
        string="Can Be Anonymized", compute="_compute_travel_anonymize_blockers"
    )
    travel_anonymize_later = fields.Boolean(
        string="Can Be Anonymized Later",
        compute="_compute_travel_anonymize_blockers",
        help="Only bookings too recent block the anonymization: time lifts it.",
    )
    travel_markup = fields.Float(
        string="Default Markup (%)",
        digits=(5, 2),
        groups="base.group_user",
        help="Added to the base price of the departures this reseller sells.",
    )
    travel_all_offers = fields.Boolean(
        string="Benefit from All Offers",
        groups="base.group_user",
        help="Every night, every active departure not yet finished is assigned to "
        "this reseller.",
    )
    travel_offers_assigned_at = fields.Datetime(
        string="All Offers Assigned On",
        readonly=True,
        copy=False,
        groups="base.group_user",
    )
    travel_assignment_ids = fields.One2many(
        "travel.departure.assignment",
        "partner_id",
        string="Assigned Departures",
        groups="base.group_user",
    )
    travel_participant_ids = fields.One2many(
        "travel.participant", "partner_id", string="Participants"
    )
    travel_guarded_participant_ids = fields.Many2many(
        "travel.participant",
        "travel_participant_guardian_rel",
        "partner_id",
        "participant_id",
        string="Guardian of",
        help="The participants this contact is a legal guardian of.",
    )
    travel_guardian_ids = fields.Many2many(
        "res.partner",
        string="Guardians",
        compute="_compute_travel_guardian_ids",
        help="The legal guardians of this customer's participants.",
    )
    travel_is_guardian = fields.Boolean(
        string="Is a Guardian",
        compute="_compute_travel_is_guardian",
        search="_search_travel_is_guardian",
    )
    # the groups of the comodel's access rights: a user outside them reads
    # the customer without these lists (Odoo's own screens read every field)
    travel_document_ids = fields.One2many(
        "travel.customer.document",
        "partner_id",
        string="Documents",
        groups="travel_customer.group_travel_user,base.group_portal",
    )
    travel_consent_us = fields.Boolean(
        string="Agrees to Be Contacted by Us",
        compute="_compute_travel_consents",
        inverse="_inverse_travel_consent_us",
        search="_search_travel_consent_us",
        help="Its current answer; each change is kept in the consent history.",
    )
    travel_consent_partners = fields.Boolean(
        string="Agrees to Be Contacted by Our Partners",
        compute="_compute_travel_consents",
        inverse="_inverse_travel_consent_partners",
        search="_search_travel_consent_partners",
    )
    travel_consent_record_ids = fields.One2many(
        "travel.consent.record",
        "partner_id",
        string="Consent History",
        groups="travel_customer.group_travel_user",
    )
    # the form's answers: "not asked" is neither an agreement nor a refusal
    travel_consent_us_answer = fields.Selection(
        CONSENT_ANSWERS,
        string="Contacted by Us",
        compute="_compute_travel_consent_answers",
        inverse="_inverse_travel_consent_answers",
        help="What the customer answered; recording a refusal blacklists its "
        "e-mail address. Each answer is kept in the history below.",
    )
    travel_consent_partners_answer = fields.Selection(
        CONSENT_ANSWERS,
        string="Contacted by Our Partners",
        compute="_compute_travel_consent_answers",
        inverse="_inverse_travel_consent_answers",
    )
    # whether the form lets the user change the Travel fields (the model
    # refuses them to users outside the Travel customers groups anyway)
    travel_can_edit = fields.Boolean(
        string="Can Edit Travel Fields", compute="_compute_travel_can_edit"
    )
    # person fields some countries' law asks of guests (travel.profile.field)
    travel_birth_date = fields.Date(string="Birth Date")
    travel_birth_place = fields.Char(string="Birth Place")
    travel_nationality_id = fields.Many2one("res.country", string="Nationality")
    travel_id_type_id = fields.Many2one(
        "travel.customer.document.type", string="ID Document Type"
    )
    travel_id_number = fields.Char(string="ID Document Number")
    travel_id_issue_date = fields.Date(string="ID Document Issued On")
    travel_id_country_id = fields.Many2one(
        "res.country", string="ID Document Issued By"
    )
    travel_contact_person_id = fields.Many2one(
        "res.partner",
        string="Contact Person",
        index="btree_not_null",
        help="Receives the automatic e-mails of this customer's bookings; the "
        "customer itself when empty.",
    )
    travel_transactional_cc = fields.Boolean(
        string="In Copy of Transactional E-mails",
        help="This contact receives a copy of the automatic e-mails of its "
        "company's bookings.",
    )
    travel_company_booking_summary = fields.Char(
        string="Bookings per Company", compute="_compute_travel_bookings"
    )
    travel_link_ids = fields.One2many(
        "travel.customer.link",
        "partner_id",
        string="Linked Customers",
        groups="base.group_user",
    )
    travel_linked_to_ids = fields.One2many(
        "travel.customer.link",
        "linked_partner_id",
        string="Linked To",
        groups="base.group_user",
    )
    travel_wallet_balance = fields.Float(
        string="E-wallet", compute="_compute_travel_wallet"
    )
    travel_wallet_history_ids = fields.One2many(
        "loyalty.history", compute="_compute_travel_wallet", string="E-wallet History"
    )
    travel_referral_code = fields.Char(
        string="Referral Code", copy=False, readonly=True, index="btree_not_null"
    )
    travel_referred_by_id = fields.Many2one(
        "res.partner",
        string="Referred by",
        copy=False,
        readonly=True,
        index="btree_not_null",
    )
    travel_referral_rewarded = fields.Boolean(copy=False, readonly=True)
    travel_booking_count = fields.Integer(
        string="Bookings", compute="_compute_travel_bookings"
    )
    travel_quotation_count = fields.Integer(
        string="Quotations", compute="_compute_travel_bookings"
    )
    travel_quotation_ids = fields.Many2many(
        "sale.order", string="Open Quotations", compute="_compute_travel_bookings"
    )
    travel_upcoming_booking_ids = fields.Many2many(
        "sale.order", string="Upcoming Bookings", compute="_compute_travel_bookings"
    )
    travel_past_booking_ids = fields.Many2many(
        "sale.order", string="Past Bookings", compute="_compute_travel_bookings"
    )
    travel_first_channel_id = fields.Many2one(
        "travel.sales.channel",
        string="First Channel",
        compute="_compute_travel_bookings",
        help="Sales channel of the customer's first booking.",
    )
    travel_invoice_ids = fields.Many2many(
        "account.move", string="Customer Invoices", compute="_compute_travel_invoices"
    )
    travel_invoice_count = fields.Integer(
        string="Invoice Count", compute="_compute_travel_invoices"
    )

    # ------------------------------------------------------------ COMPUTE
    def _travel_orders_domain(self):
        """Orders of the customer and of its contacts and addresses."""
        self.ensure_one()
        return [("partner_id", "child_of", self.commercial_partner_id.id)]

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_travel_bookings(self):
        today = fields.Date.context_today(self)
        SaleOrder = self.env["sale.order"]
        for partner in self:
            if not partner.id or not SaleOrder.has_access("read"):
                partner.travel_quotation_ids = SaleOrder
                partner.travel_upcoming_booking_ids = SaleOrder
                partner.travel_past_booking_ids = SaleOrder
                partner.travel_quotation_count = partner.travel_booking_count = 0
                partner.travel_first_channel_id = False
                partner.travel_company_booking_summary = False
                continue
            orders = SaleOrder.search(
                partner._travel_orders_domain() + [("state", "!=", "cancel")],
                order="date_order, id",
            )
            bookings = orders.filtered(lambda o: o.state == "sale")
            past = bookings.filtered(
                lambda o: (o.travel_date_end or o.travel_date_start or today) < today
            )
            partner.travel_quotation_ids = orders - bookings
            partner.travel_upcoming_booking_ids = bookings - past
            partner.travel_past_booking_ids = past
            partner.travel_quotation_count = len(orders - bookings)
            partner.travel_booking_count = len(bookings)
            partner.travel_first_channel_id = bookings[:1].travel_channel_id
            per_company = Counter(order.company_id.name for order in bookings)
            partner.travel_company_booking_summary = " · ".join(
                f"{name}: {count}" for name, count in sorted(per_company.items())
            )

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_travel_invoices(self):
        Move = self.env["account.move"]
        for partner in self:
            if not partner.id or not Move.has_access("read"):
                partner.travel_invoice_ids = Move
                partner.travel_invoice_count = 0
                continue
            invoices = Move.search(
                [
                    ("partner_id", "child_of", partner.commercial_partner_id.id),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("state", "!=", "cancel"),
                ],
                order="invoice_date desc, id desc",
            )
            partner.travel_invoice_ids = invoices
            partner.travel_invoice_count = len(invoices)

    @api.depends("travel_participant_ids.guardian_ids")
    def _compute_travel_guardian_ids(self):
        for partner in self:
            partner.travel_guardian_ids = partner.travel_participant_ids.guardian_ids

    @api.depends("travel_guarded_participant_ids")
    def _compute_travel_is_guardian(self):
        for partner in self:
            partner.travel_is_guardian = bool(partner.travel_guarded_participant_ids)

    def _search_travel_is_guardian(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Operation not supported"))
        positive = (operator == "=") == value
        self.env["travel.participant"].flush_model(["guardian_ids"])
        guardians = SQL("(SELECT partner_id FROM travel_participant_guardian_rel)")
        return [("id", "in" if positive else "not in", guardians)]

    # the consents are privacy.consent's: these fields read and write them
    @api.depends("privacy_consent_ids.accepted", "privacy_consent_ids.state")
    def _compute_travel_consents(self):
        accepted = self.env["privacy.consent"]._travel_accepted(self)
        for partner in self:
            for key in CONSENT_KEYS:
                partner[f"travel_consent_{key}"] = accepted[partner.id, key]

    def _inverse_travel_consent(self, key):
        Consent = self.env["privacy.consent"]
        for partner in self:
            Consent._travel_record(
                partner,
                {key: partner[f"travel_consent_{key}"]},
                channel="backoffice",
                changed_only=True,
            )

    def _inverse_travel_consent_us(self):
        self._inverse_travel_consent("us")

    def _inverse_travel_consent_partners(self):
        self._inverse_travel_consent("partners")

    def _search_travel_consent_us(self, operator, value):
        return self.env["privacy.consent"]._travel_search_accepted(
            "us", operator, value
        )

    def _search_travel_consent_partners(self, operator, value):
        return self.env["privacy.consent"]._travel_search_accepted(
            "partners", operator, value
        )

    @api.depends("privacy_consent_ids.accepted", "privacy_consent_ids.state")
    def _compute_travel_consent_answers(self):
        Consent = self.env["privacy.consent"]
        for partner in self:
            for key, answer in Consent._travel_answers(partner).items():
                partner[f"travel_consent_{key}_answer"] = answer

    def _inverse_travel_consent_answers(self):
        """Staff record what the customer said; a question never asked, or
        an answer left as it was, records nothing."""
        Consent = self.env["privacy.consent"]
        for partner in self:
            current = Consent._travel_answers(partner)
            answers = {}
            for key in CONSENT_KEYS:
                answer = partner[f"travel_consent_{key}_answer"] or "not_asked"
                if answer == current[key]:
                    continue
                if answer == "not_asked":
                    raise UserError(
                        _(
                            "%s has already answered: an answer cannot be set "
                            "back to Not asked. Record what the customer says "
                            "now (agrees or refuses).",
                            partner.display_name,
                        )
                    )
                answers[key] = answer == "accepted"
            if answers:
                Consent._travel_record(partner, answers, channel="backoffice")

    @api.depends_context("uid")
    def _compute_travel_can_edit(self):
        self.travel_can_edit = self.env.user.has_group(USER_GROUP)

    def _compute_travel_wallet(self):
        Card = self.env["loyalty.card"]
        for partner in self:
            card = Card._travel_wallet(partner, create=False) if partner.id else Card
            partner.travel_wallet_balance = card.points
            partner.travel_wallet_history_ids = card._travel_history()

    @api.depends_context("uid", "company")
    def _compute_travel_anonymize_blockers(self):
        """For privacy officers: what forbids anonymizing the customer now."""
        Privacy = self.env["travel.customer.privacy"]
        officer = self.env.user.has_group(PRIVACY_GROUP)
        blockers = Privacy._blockers(self.filtered("id")) if officer else {}
        blocked = self.browse([pid for pid, reasons in blockers.items() if reasons])
        # what would still block once every booking is old enough
        for_good = Privacy._blockers(blocked, limit_date=date.max) if blocked else {}
        for partner in self:
            reasons = blockers.get(partner.id, [])
            partner.travel_anonymize_blockers = "\n".join(reasons)
            partner.travel_can_anonymize = bool(officer and partner.id and not reasons)
            partner.travel_anonymize_later = bool(
                reasons and not for_good.get(partner.id)
            )

    # ------------------------------------------------------------ DISPLAY
    @api.depends("name", "company_name", "parent_id", "is_company", "type")
    def _compute_display_name(self):
        """The columns ``_get_complete_name`` reads, as dependencies: a
        search for names (``name_search``: every customer field's
        autocomplete) fetches them with the rows found, rather than in a
        second query of every column of each row."""
        return super()._compute_display_name()

    # ------------------------------------------------------------ SEARCH
    @api.model
    def _search_display_name(self, operator, value):
        """Every word typed found in one of the customer's fields, or else its
        name with a typo (``travel.customer.search``): "dupont 75011" or
        "muller zurich" answer as the user types."""
        if operator == "ilike" and isinstance(value, str):
            matches = self._travel_text_matches(value)
            if matches is not None:
                return [
                    ("id", "in", SQL("(SELECT id FROM %s AS travel_rank)", matches))
                ]
        return super()._search_display_name(operator, value)

    @api.model
    def _travel_text_matches(self, text, scope=None, page=None):
        return self.env["travel.customer.search"]._travel_partner_matches(
            text, scope, page
        )

    @api.model
    def _travel_booked(self, query):
        return self.env["travel.customer.search"]._travel_partner_booked(query)

    # ------------------------------------------------------------ CRUD
    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + [
            "customer_type_id",
            "travel_level_id",
            "travel_dispute",
            "travel_markup",
            "travel_all_offers",
        ]

    @api.model
    def default_get(self, fields_list):
        """Customers are shared by every company unless the setting restricts
        new ones to the company they are created in."""
        values = super().default_get(fields_list)
        if (
            "company_id" in fields_list
            and not values.get("company_id")
            and self.env["ir.config_parameter"]
            .sudo()
            .get_param("travel_customer.customer_company_restricted")
        ):
            values["company_id"] = self.env.company.id
        return values

    @api.model_create_multi
    def create(self, vals_list):
        self._travel_check_merged_into(vals_list)
        self._travel_check_staff_values(vals_list, create=True)
        self._travel_check_anonymized_parents(vals_list)
        partners = super().create(vals_list)
        partners._travel_check_created()
        return partners

    def write(self, vals):
        self._travel_check_merged_into([vals])
        self._travel_check_staff_values([vals])
        self._travel_check_protected_values(vals)
        if vals.get("travel_all_offers"):
            # a new beneficiary gets every current departure the next night
            vals["travel_offers_assigned_at"] = False
        self._travel_check_anonymized_values(vals)
        before = self._travel_protected_snapshot(vals)
        result = super().write(vals)
        self._travel_check_moved(before)
        return result

    def unlink(self):
        # Odoo's merge deletes the duplicates: the customer merge keeps them,
        # archived, so that it can be undone. Only the merge code itself can
        # ask for it (the transaction's cache), never the client's context.
        archive_into = self.env.cr.cache.get(MERGE_ARCHIVE_KEY, {})
        if self.ids and all(pid in archive_into for pid in self.ids):
            self.check_access("write")
            for master_id, duplicates in self.grouped(
                lambda p: archive_into[p.id]
            ).items():
                duplicates.sudo().write(
                    {"active": False, "travel_merged_into_id": master_id}
                )
            return True
        self.env["travel.departure.assignment"]._unlink_assignments(
            "partner_id", self.ids
        )
        return super().unlink()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_booked(self):
        """Customers with bookings or invoices are anonymized, never deleted."""
        if not self.ids:
            return
        self.env["sale.order"].flush_model(["partner_id", "state"])
        self.env["account.move"].flush_model(["partner_id", "move_type"])
        rows = self.env.execute_query(
            SQL(
                "SELECT partner_id FROM sale_order "
                "WHERE partner_id = ANY(%(ids)s) AND state = 'sale' "
                "UNION SELECT partner_id FROM account_move "
                "WHERE partner_id = ANY(%(ids)s) AND move_type IN "
                "('out_invoice', 'out_refund', 'out_receipt') LIMIT 1",
                ids=self.ids,
            )
        )
        if rows:
            raise UserError(
                _(
                    "%s has bookings or invoices: it cannot be deleted. Archive it, "
                    "or ask a privacy officer to anonymize it (System Info tab) if "
                    "the customer asked to be forgotten.",
                    self.browse(rows[0][0]).display_name,
                )
            )

    # ------------------------------------------------------------ CONSTRAINT
    @api.constrains("customer_type_id")
    def _check_customer_type_set(self):
        if any(not partner.customer_type_id for partner in self.sudo()):
            raise ValidationError(
                _(
                    "Every customer has a type: choose one (new customers get "
                    "the default type)."
                )
            )

    @api.constrains("travel_markup")
    def _check_travel_markup(self):
        for partner in self.sudo():
            if not MARKUP_MIN < partner.travel_markup <= MARKUP_MAX:
                raise ValidationError(
                    _(
                        "The markup of %(reseller)s must be above %(min)s %% (a "
                        "price is never zero or negative) and at most %(max)s %%.",
                        reseller=partner.display_name,
                        min=int(MARKUP_MIN),
                        max=int(MARKUP_MAX),
                    )
                )

    def init(self):
        """Create the customer's indexes that neither the search
        (``travel.customer.search``) nor the similarity
        (``travel.customer.similarity``) own."""
        result = super().init()
        self.env.cr.execute(SQL(PARTNER_INDEXES))
        return result

    # ------------------------------------------------------------ SIMILARITY
    def _travel_similar_customers(self, limit=10, include_archived=False):
        """Customers that look like this one, most probable first (see
        ``travel.customer.similarity``)."""
        return self.env["travel.customer.similarity"]._similar_customers(
            self, limit=limit, include_archived=include_archived
        )

    # ------------------------------------------------------------ ACTION
    def action_travel_anonymize(self):
        """Erase the customer's personal data for good (GDPR); a customer
        other companies also sold to waits for their officers' approval."""
        Privacy = self.env["travel.customer.privacy"]
        logs, requests = Privacy._anonymize_on_request(self)
        return Privacy._anonymize_notification(logs, requests)

    def action_travel_export_personal_data(self):
        """Download what we hold on the customer (JSON and documents, zipped),
        by POST: the download writes a privacy log line."""
        self.ensure_one()
        self.env["travel.customer.privacy"]._check_officer()
        return {
            "type": "ir.actions.client",
            "tag": "travel_customer.post_download",
            "params": {"url": f"/travel_customer/personal_data/{self.id}"},
        }

    def action_travel_new_booking(self):
        """Open a new quotation for this customer; a guardian's lists the
        participants it guards."""
        self.env["sale.order"].check_access("create")
        self.ensure_one()
        context = {"default_partner_id": self.id}
        if self.travel_guarded_participant_ids:
            context["default_travel_participant_ids"] = (
                self.travel_guarded_participant_ids.ids
            )
        return self.env["sale.order"]._get_records_action(
            name=_("New Booking"), context=context
        )

    def _travel_action_orders(self, states, name):
        self.env["sale.order"].check_access("read")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sale.act_res_partner_2_sale_order"
        )
        action["name"] = name
        action["domain"] = self._travel_orders_domain() + [("state", "in", states)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_travel_view_bookings(self):
        return self._travel_action_orders(["sale"], _("Bookings"))

    def action_travel_view_quotations(self):
        return self._travel_action_orders(["draft", "sent"], _("Quotations"))

    def action_travel_assign_departures(self):
        """The assignment screen: every departure, assigned or not."""
        if not self.env.user.has_group(USER_GROUP):
            raise AccessError(
                _("Only Travel customers users may assign departures to resellers.")
            )
        self.ensure_one()
        return self.env["travel.departure.offer"]._reseller_action(self)

    def action_travel_link_customer(self):
        """Link a customer to this one, with a supervised discount."""
        self.env["travel.customer.link"].check_access("create")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "travel_customer.travel_link_discount_action"
        )
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_travel_send_portal_access(self):
        """Grant portal access, or send the invitation again (res.users)."""
        return self.env["res.users"]._travel_send_portal_access(self)

    def action_travel_send_password_reset(self):
        """Odoo's password reset e-mail: nobody but the customer sets it."""
        return self.env["res.users"]._travel_send_password_reset(self)

    def action_travel_view_portal(self):
        """Open the portal as the customer sees it (res.users, logged)."""
        return self.env["res.users"]._travel_view_portal(self)

    @api.model
    def _travel_notify(self, message, reload=False):
        """A notification of what was done (then the view reloaded)."""
        params = {"message": message, "type": "success", "sticky": False}
        if reload:
            params["next"] = {"type": "ir.actions.client", "tag": "soft_reload"}
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": params,
        }

    # ------------------------------------------------------------ BUSINESS
    # one-line entry points of the controllers, wizards and templates; the
    # logic is in the model that owns it
    @api.model
    def _travel_consent_purposes(self):
        """``{key: privacy.activity}`` of the two consents we ask."""
        return self.env["privacy.consent"]._travel_purposes()

    def _travel_record_consents(self, answers, channel, **kwargs):
        """Record the customer's answers ``{key: bool}`` (privacy.consent)."""
        return self.env["privacy.consent"]._travel_record(
            self, answers, channel, **kwargs
        )

    def _travel_referral_url(self):
        return self.env["loyalty.card"]._travel_referral_url(self)

    def _travel_set_referrer(self, code):
        """At sign-up: who referred this new customer (loyalty.card)."""
        return self.env["loyalty.card"]._travel_set_referrer(self, code)

    def _travel_check_guardian_portal(self):
        """A guardian's portal account, allowed by its customers' types."""
        self.env["res.users"]._travel_check_guardian_portal(self)

    def _travel_lock(self):
        """Lock these customers for a merge or an anonymization, or refuse at
        once with a clear message if another user's operation holds them."""
        if not self:
            return
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint(flush=False):
                self.env.execute_query(
                    SQL(
                        "SELECT id FROM res_partner WHERE id IN %s "
                        "FOR NO KEY UPDATE NOWAIT",
                        tuple(self.ids),
                    )
                )
        except psycopg2.errors.LockNotAvailable as error:
            raise UserError(
                _(
                    "These customers are being merged or changed by another user: "
                    "try again in a moment."
                )
            ) from error
