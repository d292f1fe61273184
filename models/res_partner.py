# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import secrets
from collections import Counter
from datetime import date

import psycopg2

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request
from odoo.tools import SQL, mute_logger

from .travel_customer_privacy import PRIVACY_GROUP
from .travel_search_limit import MAX_CHARS

CONSENT_KEYS = ("us", "partners")
CONSENT_ANSWERS = [
    ("not_asked", "Not asked"),
    ("accepted", "Agrees"),
    ("refused", "Refuses"),
]
# Key of the transaction's cache (``cr.cache``, out of the client's reach)
# where the customer merge lists the duplicates Odoo's merge is about to
# delete: ``{duplicate id: master id}``; they are archived instead.
MERGE_ARCHIVE_KEY = "travel_customer.merge_archive_into"

# The functions and indexes that find similar customers (the search's own
# are in travel.customer.search).
SIMILARITY_FUNCTIONS = r"""
-- Keys that find duplicates: e-mail without case, spaces or "+tag"; a
-- phone's digits without the international ("00", "+") or national ("0")
-- prefix, and their last eight as the lookup key: "030 1234567" and
-- "+49 30 1234567" are the same number, "040 1234567" is another one (the
-- shorter is compared with the end of the longer); a name without accents,
-- case or punctuation.
CREATE OR REPLACE FUNCTION travel_customer_email_key(text)
RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$$ SELECT NULLIF(regexp_replace(lower(replace($1, ' ', '')), '\+[^@]*@', '@'), '') $$;

CREATE OR REPLACE FUNCTION travel_customer_phone_digits(text)
RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$$ SELECT CASE WHEN length(d) >= 6 THEN d END
   FROM regexp_replace(regexp_replace($1, '[^0-9]', '', 'g'), '^0{1,2}', '') AS d $$;

CREATE OR REPLACE FUNCTION travel_customer_phone_tail(text)
RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$$ SELECT right(travel_customer_phone_digits($1), 8) $$;

CREATE OR REPLACE FUNCTION travel_customer_name_key(text)
RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$$ SELECT trim(regexp_replace(travel_customer_normalize($1), '[^a-z0-9]+', ' ',
                           'g')) $$;

-- How much two customers look alike (0-100), and why, from their keys (the
-- phones as travel_customer_phone_digits): shared by the similar customers
-- of one customer and by the scan.
CREATE OR REPLACE FUNCTION travel_customer_key_score(
    a_email text, a_phone text, a_mobile text, a_name text,
    a_zip text, a_city text, a_street text,
    b_email text, b_phone text, b_mobile text, b_name text,
    b_zip text, b_city text, b_street text,
    OUT score int, OUT reasons text[]
) LANGUAGE sql STABLE PARALLEL SAFE AS
$$ SELECT
    LEAST(100,
        CASE WHEN same_email THEN 45 ELSE 0 END
        + CASE WHEN same_phone THEN 35 ELSE 0 END
        + CASE WHEN name_sim >= 0.5 THEN round(40 * name_sim)::int ELSE 0 END
        + CASE WHEN name_sim >= 0.4 AND same_zip THEN 10
               WHEN name_sim >= 0.4 AND same_city THEN 5 ELSE 0 END
        + CASE WHEN same_street THEN 15 ELSE 0 END
    ),
    array_remove(ARRAY[
        CASE WHEN same_email THEN 'email' END,
        CASE WHEN same_phone THEN 'phone' END,
        CASE WHEN name_sim = 1 THEN 'same_name' WHEN name_sim >= 0.5 THEN 'name' END,
        CASE WHEN name_sim >= 0.4 AND same_zip THEN 'zip'
             WHEN name_sim >= 0.4 AND same_city THEN 'city' END,
        CASE WHEN same_street THEN 'street' END
    ], NULL)
  FROM (SELECT
    coalesce(a_email = b_email, false) AS same_email,
    coalesce((
        SELECT bool_or(right(x.v, least(length(x.v), length(y.v)))
                       = right(y.v, least(length(x.v), length(y.v))))
        FROM unnest(ARRAY[a_phone, a_mobile]) AS x(v)
        CROSS JOIN unnest(ARRAY[b_phone, b_mobile]) AS y(v)
        WHERE x.v IS NOT NULL AND y.v IS NOT NULL
    ), false) AS same_phone,
    similarity(coalesce(a_name, ''), coalesce(b_name, '')) AS name_sim,
    coalesce(a_zip = b_zip, false) AS same_zip,
    coalesce(a_city = b_city, false) AS same_city,
    coalesce(a_street = b_street AND a_street != '', false) AS same_street
  ) AS compared $$;

CREATE OR REPLACE FUNCTION travel_customer_pair_score(
    a res_partner, b res_partner, OUT score int, OUT reasons text[]
) LANGUAGE sql STABLE PARALLEL SAFE AS
$$ SELECT * FROM travel_customer_key_score(
    travel_customer_email_key(a.email), travel_customer_phone_digits(a.phone),
    travel_customer_phone_digits(a.mobile), travel_customer_name_key(a.name),
    travel_customer_normalize(a.zip), travel_customer_normalize(a.city),
    travel_customer_name_key(a.street),
    travel_customer_email_key(b.email), travel_customer_phone_digits(b.phone),
    travel_customer_phone_digits(b.mobile), travel_customer_name_key(b.name),
    travel_customer_normalize(b.zip), travel_customer_normalize(b.city),
    travel_customer_name_key(b.street)
) $$;
"""
SIMILARITY_INDEXES = """
CREATE INDEX IF NOT EXISTS res_partner_travel_email_key_index
ON res_partner (travel_customer_email_key(email)) WHERE email IS NOT NULL;
-- (the former key, the last nine digits, took 030 and 040 numbers for one)
DROP INDEX IF EXISTS res_partner_travel_phone_key_index;
DROP INDEX IF EXISTS res_partner_travel_mobile_key_index;
DROP FUNCTION IF EXISTS travel_customer_phone_key(text);
CREATE INDEX IF NOT EXISTS res_partner_travel_phone_tail_index
ON res_partner (travel_customer_phone_tail(phone)) WHERE phone IS NOT NULL;
CREATE INDEX IF NOT EXISTS res_partner_travel_mobile_tail_index
ON res_partner (travel_customer_phone_tail(mobile)) WHERE mobile IS NOT NULL;
-- membership's own key has no index: a merge scanned every customer for it
CREATE INDEX IF NOT EXISTS res_partner_travel_associate_member_index
ON res_partner (associate_member) WHERE associate_member IS NOT NULL;
CREATE INDEX IF NOT EXISTS res_partner_travel_name_key_index
ON res_partner USING gin (travel_customer_name_key(name) gin_trgm_ops);
"""

# Candidates fetched per blocking key before scoring.
SIMILARITY_BLOCK = 100

USER_GROUP = "travel_customer.group_travel_user"
MANAGER_GROUP = "travel_customer.group_travel_manager"
# A reseller's price is base price x (1 + markup / 100): never zero or below.
MARKUP_MIN = -100.0
MARKUP_MAX = 1000.0
# Set by the addon's own code (with sudo) only: the nightly assignment, referrals
SYSTEM_FIELDS = (
    "travel_offers_assigned_at",
    "travel_referral_code",
    "travel_referred_by_id",
    "travel_referral_rewarded",
)


class ResPartner(models.Model):
    # travel.search.limit: the multi-word search runs under a statement timeout
    _name = "res.partner"
    _inherit = ["res.partner", "travel.search.limit"]

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

    # ------------------------------------------------------------ SEARCH
    @api.model
    def _search_display_name(self, operator, value):
        """Every word typed found in one of the customer's fields, or else its
        name with a typo (``travel.customer.search``): "dupont 75011" or
        "muller zurich" answer as the user types."""
        if operator == "ilike" and isinstance(value, str):
            matches = self.env["travel.customer.search"]._travel_partner_matches(value)
            if matches is not None:
                return [
                    ("id", "in", SQL("(SELECT id FROM %s AS travel_rank)", matches))
                ]
        return super()._search_display_name(operator, value)

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        """A search by typed text in the default order comes most relevant
        first (``travel.customer.search``)."""
        Search = self.env["travel.customer.search"]
        ranked = Search._travel_ranked_text(domain, order, self._order)
        matches = ranked and Search._travel_partner_matches(ranked[0])
        if not matches:
            return super()._search(domain, offset, limit, order)
        query = super()._search(ranked[1], offset, limit, order)
        booked = Search._travel_partner_booked(query)
        return Search._travel_order_by_relevance(self, query, matches, booked)

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

    @api.model_create_multi
    def create(self, vals_list):
        parents = self.browse(
            [vals["parent_id"] for vals in vals_list if vals.get("parent_id")]
        )
        self._travel_check_merged_into(vals_list)
        self._travel_check_staff_values(vals_list, create=True)
        anonymized = parents.filtered("travel_anonymized")
        if anonymized:
            raise UserError(
                _(
                    "%s is anonymized: no contact or address can be added to it. "
                    "Create a new customer instead.",
                    anonymized[0].display_name,
                )
            )
        partners = super().create(vals_list)
        partners._travel_check_created()
        return partners

    def _travel_check_merged_into(self, vals_list):
        """The customer merge alone sets "Merged into": what follows it (the
        master's export, anonymization...) is the result of a merge. The
        other system fields are set by the addon's own code only."""
        if self.env.su:
            return
        if any("travel_merged_into_id" in v for v in vals_list):
            raise AccessError(
                _(
                    "The Merged into field cannot be changed by hand: customers "
                    "are merged with Merge customers, and unmerged with Undo "
                    "merge (Merge Log)."
                )
            )
        for fname in SYSTEM_FIELDS:
            if any(fname in vals for vals in vals_list):
                raise AccessError(
                    _(
                        "%s is set by the application itself: it cannot be "
                        "changed by hand.",
                        self._fields[fname].get_description(self.env)["string"],
                    )
                )

    @api.model
    def _travel_staff_fields(self):
        """The addon's customer fields that only Travel customers users set
        (identity, level, dispute, consents, guardianship...): every stored
        ``travel_*`` field but the system ones and those with rules of their
        own (type, markup); one2many lines are guarded by their own model."""
        special = set(SYSTEM_FIELDS) | set(self._travel_protected_fields())
        special |= {"travel_merged_into_id", "travel_anonymized"}
        return [
            fname
            for fname, field in self._fields.items()
            if fname.startswith("travel_")
            and (field.store or field.inverse)
            and field.type != "one2many"
            and fname not in special
        ]

    def _travel_check_staff_values(self, vals_list, create=False):
        """Refuse a user outside the Travel customers groups a value of a
        staff field that changes something: a new customer's value that is
        not the default, a customer's value other than its own or (for the
        fields a company shares with its contacts) its company's."""
        if self.env.su or self.env.user.has_group(USER_GROUP):
            return
        staff = set(self._travel_staff_fields())
        shared = set(self._commercial_fields())
        for vals in vals_list:
            for fname in staff & set(vals):
                field = self._fields[fname]
                if create:
                    default = self.default_get([fname]).get(fname, False)
                    records, allowed = self.browse(), [default]
                else:
                    records, allowed = self.sudo(), []
                changed = False
                for partner in records or [self.browse()]:
                    new = field.convert_to_cache(vals[fname], partner)
                    values = [*allowed]
                    if partner:
                        values.append(partner[fname])
                        if fname in shared:
                            values.append(partner.commercial_partner_id[fname])
                    olds = [field.convert_to_cache(v, partner) for v in values]
                    if isinstance(new, tuple):  # many2many: the same set
                        new, olds = set(new), [set(o) for o in olds]
                    if new not in olds and (new or not create):
                        changed = True
                if changed:
                    raise AccessError(
                        _(
                            "Only members of the group Travel customers / User can "
                            "change %s.",
                            field.get_description(self.env)["string"],
                        )
                    )

    def write(self, vals):
        self._travel_check_merged_into([vals])
        self._travel_check_staff_values([vals])
        self._travel_check_protected_values(vals)
        if vals.get("travel_all_offers"):
            # a new beneficiary gets every current departure the next night
            vals["travel_offers_assigned_at"] = False
        if "travel_anonymized" in vals and not self.env.su:
            raise AccessError(
                _(
                    "The Anonymized flag cannot be changed by hand: a privacy "
                    "officer uses Anonymize customer (System Info tab)."
                )
            )
        anonymized = self.filtered("travel_anonymized")
        if anonymized:
            personal = set(self.env["travel.customer.privacy"]._personal_columns()) | {
                "name",
                "image_1920",
            }
            changed = [
                self._fields[fname].get_description(self.env)["string"]
                for fname, value in vals.items()
                if fname in personal and value
            ]
            if changed:
                raise UserError(
                    _(
                        "%(customer)s is anonymized: personal data (%(fields)s) "
                        "cannot be entered again. Create a new customer instead.",
                        customer=anonymized[0].display_name,
                        fields=", ".join(changed),
                    )
                )
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
        self._travel_check_unlink()
        self.env["travel.departure.assignment"]._unlink_assignments(
            "partner_id", self.ids
        )
        return super().unlink()

    def _travel_check_unlink(self):
        """Customers with bookings or invoices are anonymized, never deleted."""
        if not self.ids:
            return
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT partner_id FROM sale_order "
                "WHERE partner_id = ANY(%(ids)s) AND state = 'sale' "
                "UNION SELECT partner_id FROM account_move "
                "WHERE partner_id = ANY(%(ids)s) AND move_type IN "
                "('out_invoice', 'out_refund', 'out_receipt') LIMIT 1",
                ids=self.ids,
            )
        )
        row = self.env.cr.fetchone()
        if row:
            raise UserError(
                _(
                    "%s has bookings or invoices: it cannot be deleted. Archive it, "
                    "or ask a privacy officer to anonymize it (System Info tab) if "
                    "the customer asked to be forgotten.",
                    self.browse(row[0]).display_name,
                )
            )

    # ------------------------------------------------------------ SETTINGS
    # The customer type and the reseller markup are commercial fields that only
    # some groups set. Every path is checked: values written or created (the
    # context's default_* included), a contact attached to or detached from a
    # company, an import. Contacts and addresses take their customer's values:
    # that is no change.
    @api.model
    def _travel_protected_fields(self):
        """``{field: (group, default)}`` of the settings only ``group`` sets."""
        return {
            "customer_type_id": (
                USER_GROUP,
                self.env["travel.customer.type"].sudo()._get_default().id,
            ),
            "travel_markup": (MANAGER_GROUP, 0.0),
        }

    @api.model
    def _travel_protected_denied(self):
        """The protected fields the current user may not set."""
        if self.env.su:
            return {}
        return {
            fname: spec
            for fname, spec in self._travel_protected_fields().items()
            if not self.env.user.has_group(spec[0])
        }

    def _travel_protected_value(self, fname):
        value = self.sudo()[fname]
        if isinstance(value, models.BaseModel):
            return value.id
        if isinstance(value, float):
            return round(value, 2)
        return value

    def _travel_protected_error(self, fname):
        if fname == "travel_markup":
            return AccessError(
                _("Only a Travel customers manager can set a reseller's markup.")
            )
        return AccessError(
            _(
                "Only members of the group Travel customers / User can change "
                "a customer's type."
            )
        )

    def _travel_check_protected_values(self, vals):
        """Refuse a protected value written by a user who may not set it."""
        for fname in self._travel_protected_denied():
            if fname not in vals:
                continue
            value = vals[fname]
            if isinstance(value, float | int) and fname == "travel_markup":
                value = round(value, 2)
            for partner in self:
                allowed = (
                    partner._travel_protected_value(fname),
                    partner.sudo().commercial_partner_id._travel_protected_value(fname),
                )
                if value not in allowed:
                    raise self._travel_protected_error(fname)

    def _travel_check_created(self):
        """A new customer of a user who may not set a protected field holds its
        default; a new contact or address holds its customer's value."""
        denied = self._travel_protected_denied()
        for partner in self.sudo():
            commercial = partner.commercial_partner_id
            for fname, (_group, default) in denied.items():
                value = partner._travel_protected_value(fname)
                if value == default or (
                    commercial != partner
                    and value == commercial._travel_protected_value(fname)
                ):
                    continue
                raise self._travel_protected_error(fname)

    def _travel_protected_snapshot(self, vals):
        """Before a contact changes company: whether each partner is its own
        customer, and its protected values."""
        if not {"parent_id", "is_company"} & set(vals):
            return None
        denied = self._travel_protected_denied()
        if not denied:
            return None
        return {
            partner.id: (
                partner.commercial_partner_id == partner,
                {fname: partner._travel_protected_value(fname) for fname in denied},
            )
            for partner in self.sudo()
        }

    def _travel_check_moved(self, before):
        """After a contact changed company: a customer's own setting is never
        replaced by its new company's, and a contact that becomes a customer
        of its own (detached, or made a company) starts with the defaults,
        not with its former company's settings."""
        if not before:
            return
        denied = self._travel_protected_denied()
        for partner in self.sudo():
            was_customer, values = before[partner.id]
            is_customer = partner.commercial_partner_id == partner
            reset = {}
            for fname, (_group, default) in denied.items():
                value = partner._travel_protected_value(fname)
                if was_customer and values[fname] not in (default, value):
                    raise self._travel_protected_error(fname)
                if is_customer and not was_customer and value != default:
                    reset[fname] = default
            if reset:
                partner.write(reset)

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
        """Create the functions and indexes of the similar customers."""
        result = super().init()
        cr = self.env.cr
        cr.execute(SIMILARITY_FUNCTIONS)
        cr.execute(SIMILARITY_INDEXES)
        return result

    # ------------------------------------------------------------ SIMILARITY
    def _travel_similar_customers(self, limit=10, include_archived=False):
        """Customers that look like this one, best first.

        :return: list of dicts ``{"partner_id", "score" (0-100), "reasons"}``,
            found through the key indexes (e-mail, phones, name trigrams),
            never by loading customers into Python. The customer's own
            contacts and addresses, its parent company and the companies'
            own partners are left out.
        """
        self.ensure_one()
        if self.travel_anonymized:
            return []
        self.flush_model()
        cr = self.env.cr
        cr.execute(
            """
            SELECT travel_customer_email_key(email), travel_customer_phone_tail(phone),
                   travel_customer_phone_tail(mobile),
                   left(travel_customer_name_key(name), %s)
            FROM res_partner WHERE id = %s
            """,
            # a name's first characters find its look-alikes as well
            [MAX_CHARS, self.id],
        )
        email, phone, mobile, name = cr.fetchone()
        phones = tuple({p for p in (phone, mobile) if p}) or (None,)
        # names below this likeness score nothing: fewer rows to compare
        cr.execute("SET LOCAL pg_trgm.similarity_threshold = 0.45")
        with self._travel_statement_timeout():
            rows = self._travel_similar_rows(
                name, email, phones, limit, include_archived
            )
        labels = self._travel_similarity_reasons()
        return [
            {
                "partner_id": partner_id,
                "score": score,
                "reasons": [labels[r] for r in reasons],
            }
            for partner_id, score, reasons in rows
        ]

    def _travel_similar_rows(self, name, email, phones, limit, include_archived):
        """``(partner_id, score, reasons)`` of the customers found by the keys."""
        cr = self.env.cr
        cr.execute(
            """
            WITH candidate AS (
                (SELECT id FROM res_partner
                  WHERE travel_customer_email_key(email) = %(email)s
                    AND email IS NOT NULL LIMIT %(block)s)
                UNION
                (SELECT id FROM res_partner
                  WHERE travel_customer_phone_tail(phone) IN %(phones)s
                    AND phone IS NOT NULL LIMIT %(block)s)
                UNION
                (SELECT id FROM res_partner
                  WHERE travel_customer_phone_tail(mobile) IN %(phones)s
                    AND mobile IS NOT NULL LIMIT %(block)s)
                UNION
                (SELECT id FROM res_partner
                  WHERE travel_customer_name_key(name) %% %(name)s
                  ORDER BY travel_customer_name_key(name) <-> %(name)s
                  LIMIT %(block)s)
            )
            SELECT p.id, s.score, s.reasons
            FROM candidate c
            JOIN res_partner p ON p.id = c.id
            JOIN res_partner m ON m.id = %(id)s
            CROSS JOIN LATERAL travel_customer_pair_score(m, p) s
            WHERE p.id != m.id
              AND p.commercial_partner_id != m.commercial_partner_id
              AND (p.active OR %(archived)s)
              AND p.travel_merged_into_id IS NULL
              AND p.travel_anonymized IS NOT TRUE
              AND NOT EXISTS (
                  SELECT 1 FROM travel_duplicate_ignore i
                  WHERE i.partner_a_id = LEAST(m.id, p.id)
                    AND i.partner_b_id = GREATEST(m.id, p.id))
              AND NOT EXISTS (SELECT 1 FROM res_company co WHERE co.partner_id = p.id)
              AND s.reasons && ARRAY['email', 'phone', 'same_name', 'name', 'street']
            ORDER BY s.score DESC, p.id
            LIMIT %(limit)s
            """,
            {
                "id": self.id,
                "email": email,
                "phones": phones,
                "name": name or "",
                "archived": include_archived,
                "block": SIMILARITY_BLOCK,
                "limit": limit,
            },
        )
        return cr.fetchall()

    @api.model
    def _travel_similarity_reasons(self):
        """Why two customers look alike, as shown to the user."""
        return {
            "email": _("Same e-mail"),
            "phone": _("Same phone"),
            "same_name": _("Same name"),
            "name": _("Similar name"),
            "zip": _("Same zip"),
            "city": _("Same city"),
            "street": _("Same street"),
        }

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

    # ------------------------------------------------------------ GUARDIANS
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

    def _travel_check_guardian_portal(self):
        """Refuse a portal account to a contact who is only a guardian, unless
        a customer of its participants is of a type allowing guardian accounts."""
        for partner in self.sudo():
            participants = partner.travel_guarded_participant_ids
            customers = participants.partner_id
            if not participants or partner.commercial_partner_id in customers:
                continue
            if not customers.customer_type_id.filtered("guardian_portal_allowed"):
                raise UserError(
                    _(
                        "%(guardian)s is a legal guardian, and the customer type of "
                        "%(customers)s does not allow guardian portal accounts "
                        "(Contacts > Configuration > Customer Types).",
                        guardian=partner.display_name,
                        customers=", ".join(customers.mapped("display_name")),
                    )
                )

    # ------------------------------------------------------------ ACCOUNT
    def _travel_check_account_action(self):
        """Account actions are for customers, never for our own users."""
        self.ensure_one()
        if not self.env.user.has_group("travel_customer.group_travel_user"):
            raise AccessError(
                _("Only Travel customers users may manage customer accounts.")
            )
        if self.travel_anonymized:
            raise UserError(
                _("%s is anonymized: it has no account any more.", self.display_name)
            )
        users = self.sudo().with_context(active_test=False).user_ids
        if users.filtered(lambda u: not u.share):
            raise UserError(
                _(
                    "%s is one of our users, not a customer: manage its account "
                    "in Settings > Users.",
                    self.display_name,
                )
            )
        return users[:1]

    def action_travel_send_portal_access(self):
        """Grant portal access through Odoo's portal wizard, or send the
        invitation again; the chatter says who sent it."""
        user = self._travel_check_account_action()
        wizard = (
            self.env["portal.wizard"]
            .sudo()
            .create({"partner_ids": [Command.set(self.ids)]})
        )
        line = wizard.user_ids
        if user and user.active:
            line.action_invite_again()
            body = _("Portal access link sent again by %s.", self.env.user.name)
        else:
            line.action_grant_access()
            body = _("Portal access granted and link sent by %s.", self.env.user.name)
        self.sudo().message_post(
            body=body,
            author_id=self.env.user.partner_id.id,
            subtype_xmlid="mail.mt_note",
        )
        return self._travel_notify(_("Portal access link sent to %s.", self.email))

    def action_travel_send_password_reset(self):
        """Odoo's password reset e-mail: nobody but the customer sets it."""
        user = self._travel_check_account_action()
        if not user or not user.active:
            raise UserError(
                _(
                    "%s has no portal account: send it the portal access link "
                    "first.",
                    self.display_name,
                )
            )
        user.sudo().action_reset_password()
        self.sudo().message_post(
            body=_("Password reset e-mail sent by %s.", self.env.user.name),
            author_id=self.env.user.partner_id.id,
            subtype_xmlid="mail.mt_note",
        )
        return self._travel_notify(_("Password reset e-mail sent to %s.", self.email))

    def action_travel_view_portal(self):
        """Open the portal as the customer sees it (OCA impersonate_login):
        the session is logged and the staff member named in what it does."""
        user = self._travel_check_account_action()
        if not self.env.user.has_group(
            "travel_customer.group_travel_portal_impersonation"
        ):
            raise AccessError(
                _(
                    "Only the group Portal impersonation may view the portal as "
                    "a customer."
                )
            )
        if not user or not user.active:
            raise UserError(
                _(
                    "%s has no portal account: send it the portal access link "
                    "first.",
                    self.display_name,
                )
            )
        if not request:
            raise UserError(_("The portal can only be viewed from a browser."))
        self.sudo().message_post(
            body=_("Portal viewed as this customer by %s.", self.env.user.name),
            author_id=self.env.user.partner_id.id,
            subtype_xmlid="mail.mt_note",
        )
        user.impersonate_login()
        return {"type": "ir.actions.act_url", "url": "/my", "target": "self"}

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

    # ------------------------------------------------------------ CONSENTS
    @api.model
    def _travel_consent_purposes(self):
        """``{key: privacy.activity}`` of the two consents we ask."""
        return {
            key: self.env.ref(f"travel_customer.privacy_activity_contact_{key}").sudo()
            for key in CONSENT_KEYS
        }

    @api.depends("privacy_consent_ids.accepted", "privacy_consent_ids.state")
    def _compute_travel_consents(self):
        purposes = self._travel_consent_purposes()
        answered = {
            (consent.partner_id.id, consent.activity_id.id): consent.accepted
            for consent in self.env["privacy.consent"]
            .sudo()
            .search([("partner_id", "in", self.ids), ("state", "=", "answered")])
        }
        for partner in self:
            for key, activity in purposes.items():
                partner[f"travel_consent_{key}"] = answered.get(
                    (partner.id, activity.id), activity.default_consent
                )

    def _travel_consent_answers(self):
        """``{key: answer}`` of this customer, read from its consents."""
        self.ensure_one()
        answers = dict.fromkeys(CONSENT_KEYS, "not_asked")
        if not self.id:
            return answers
        purposes = self._travel_consent_purposes()
        consents = (
            self.env["privacy.consent"]
            .sudo()
            .search([("partner_id", "=", self.id), ("state", "=", "answered")])
        )
        for key, activity in purposes.items():
            consent = consents.filtered(lambda c, a=activity: c.activity_id == a)[:1]
            if consent:
                answers[key] = "accepted" if consent.accepted else "refused"
        return answers

    @api.depends("privacy_consent_ids.accepted", "privacy_consent_ids.state")
    def _compute_travel_consent_answers(self):
        for partner in self:
            for key, answer in partner._travel_consent_answers().items():
                partner[f"travel_consent_{key}_answer"] = answer

    def _inverse_travel_consent_answers(self):
        """Staff record what the customer said; a question never asked, or
        an answer left as it was, records nothing."""
        for partner in self:
            current = partner._travel_consent_answers()
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
                partner._travel_record_consents(answers, channel="backoffice")

    @api.depends_context("uid")
    def _compute_travel_can_edit(self):
        self.travel_can_edit = self.env.user.has_group(USER_GROUP)

    def _search_travel_consent(self, key, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Operation not supported"))
        self.env["privacy.consent"].flush_model()
        activity = self._travel_consent_purposes()[key]
        accepted = SQL(
            "(SELECT partner_id FROM privacy_consent WHERE activity_id = %s "
            "AND accepted AND state = 'answered' AND active)",
            activity.id,
        )
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", accepted)]

    def _search_travel_consent_us(self, operator, value):
        return self._search_travel_consent("us", operator, value)

    def _search_travel_consent_partners(self, operator, value):
        return self._search_travel_consent("partners", operator, value)

    def _inverse_travel_consent(self, key):
        for partner in self:
            partner._travel_record_consents(
                {key: partner[f"travel_consent_{key}"]},
                channel="backoffice",
                changed_only=True,
            )

    def _inverse_travel_consent_us(self):
        self._inverse_travel_consent("us")

    def _inverse_travel_consent_partners(self):
        self._inverse_travel_consent("partners")

    def _travel_record_consents(
        self,
        answers,
        channel,
        ip_address=None,
        text=None,
        order=None,
        changed_only=False,
    ):
        """Record the customer's answers ``{key: bool}``: the current answer in
        OCA privacy_consent, a line of history, and the e-mail blacklist for
        "contacted by us" (which mass mailing respects)."""
        self.ensure_one()
        purposes = self._travel_consent_purposes()
        Consent = self.env["privacy.consent"].sudo()
        history = self.env["travel.consent.record"].sudo()
        for key, accepted in answers.items():
            activity = purposes[key]
            consent = Consent.with_context(active_test=False).search(
                [("partner_id", "=", self.id), ("activity_id", "=", activity.id)]
            )
            current = (
                consent.accepted
                if consent.state == "answered"
                else activity.default_consent
            )
            if changed_only and bool(accepted) == current:
                continue
            if not consent:
                consent = Consent.create(
                    {"partner_id": self.id, "activity_id": activity.id}
                )
            consent.action_answer(
                bool(accepted), metadata=f"{channel} {ip_address or ''}".strip()
            )
            history |= history.create(
                {
                    "partner_id": self.id,
                    "activity_id": activity.id,
                    "accepted": bool(accepted),
                    "channel": channel,
                    "ip_address": ip_address,
                    "text_shown": text or activity.name,
                    "order_id": order.id if order else False,
                }
            )
            if key == "us" and self.email:
                blacklist = self.env["mail.blacklist"].sudo()
                if accepted:
                    blacklist._remove(self.email)
                else:
                    blacklist._add(self.email)
        self.invalidate_recordset(["travel_consent_us", "travel_consent_partners"])
        return history

    # ------------------------------------------------------------ COMPANIES
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

    def action_travel_link_customer(self):
        """Link a customer to this one, with a supervised discount."""
        self.env["travel.customer.link"].check_access("create")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "travel_customer.travel_link_discount_action"
        )
        action["context"] = {"default_partner_id": self.id}
        return action

    # ------------------------------------------------------------ WALLET
    def _compute_travel_wallet(self):
        Card = self.env["loyalty.card"]
        for partner in self:
            card = Card._travel_wallet(partner, create=False) if partner.id else Card
            partner.travel_wallet_balance = card.points
            partner.travel_wallet_history_ids = (
                self.env["loyalty.history"]
                .sudo()
                .search([("card_id", "=", card.id)], order="create_date desc, id desc")
                if card
                else False
            )

    def _travel_get_referral_code(self):
        """The customer's referral code, made on first use."""
        self.ensure_one()
        customer = self.commercial_partner_id.sudo()
        if not customer.travel_referral_code:
            customer.travel_referral_code = secrets.token_hex(4).upper()
        return customer.travel_referral_code

    def _travel_referral_url(self):
        return (
            f"{self.get_base_url()}/travel/referral/{self._travel_get_referral_code()}"
        )

    def _travel_same_person(self, other):
        """Same e-mail, same phone, or merged into one another: a customer
        cannot refer itself."""
        self.ensure_one()
        if self.commercial_partner_id == other.commercial_partner_id:
            return True
        if self.email_normalized and self.email_normalized == other.email_normalized:
            return True
        # the phone rule of the duplicate search, in one place
        self.flush_recordset(["phone", "mobile"])
        other.flush_recordset(["phone", "mobile"])
        self.env.cr.execute(
            "SELECT 'phone' = ANY((travel_customer_pair_score(a, b)).reasons) "
            "FROM res_partner a, res_partner b WHERE a.id = %s AND b.id = %s",
            [self.id, other.id],
        )
        if self.env.cr.fetchone()[0]:
            return True
        merged = self.with_context(active_test=False)
        return (
            merged.travel_merged_into_id == other
            or other.with_context(active_test=False).travel_merged_into_id == self
        )

    def _travel_set_referrer(self, code):
        """At sign-up: who referred this new customer (self-referral refused)."""
        self.ensure_one()
        referrer = self.sudo().search([("travel_referral_code", "=", code)], limit=1)
        if not referrer or self._travel_same_person(referrer):
            return False
        self.sudo().travel_referred_by_id = referrer
        return referrer

    def _travel_reward_referral(self):
        """On the first confirmed booking of a referred customer, credit both
        wallets once; a self-referral found since (merge...) gets nothing."""
        params = self.env["ir.config_parameter"].sudo()
        for customer in self.sudo().filtered(
            lambda p: p.travel_referred_by_id and not p.travel_referral_rewarded
        ):
            customer.travel_referral_rewarded = True
            referrer = customer.travel_referred_by_id
            if customer._travel_same_person(referrer):
                customer.message_post(
                    body=_(
                        "Referral by %s refused: it is the same person.", referrer.name
                    )
                )
                continue
            Card = self.env["loyalty.card"]
            for partner, key in (
                (referrer, "travel_customer.referral_referrer_amount"),
                (customer, "travel_customer.referral_referee_amount"),
            ):
                amount = params._travel_get_float(key, 0.0)
                if amount > 0:
                    Card._travel_wallet(partner)._travel_move(
                        amount,
                        _(
                            "Referral: %(referee)s, referred by %(referrer)s",
                            referee=customer.name,
                            referrer=referrer.name,
                        ),
                    )

    def _travel_lock(self):
        """Lock these customers for a merge or an anonymization, or refuse at
        once with a clear message if another user's operation holds them."""
        if not self:
            return
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
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
