# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.tools import SQL

HEALTH_GROUP = "travel_customer.group_travel_health"
ADDRESS_FIELDS = ("street", "street2", "zip", "city", "state_id", "country_id")


class TravelParticipant(models.Model):
    """A person who travels: a child at a holiday camp, a pupil on a school
    trip. It belongs to the customer account that books for it and may have
    legal guardians; its health data is for the Health data group only."""

    _name = "travel.participant"
    _description = "Participant"
    # travel.search.limit: the name search runs under a statement timeout
    _inherit = ["mail.thread", "travel.search.limit"]
    _order = "last_name, first_name, id"

    first_name = fields.Char(required=True, tracking=True)
    last_name = fields.Char(required=True, tracking=True)
    name = fields.Char(compute="_compute_name", store=True, index=True)
    birth_date = fields.Date(tracking=True)
    age = fields.Integer(compute="_compute_age", help="Age today, in whole years.")
    gender = fields.Selection(
        [("female", "Female"), ("male", "Male"), ("other", "Other")]
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        help="The customer account this participant belongs to.",
    )
    guardian_ids = fields.Many2many(
        "res.partner",
        "travel_participant_guardian_rel",
        "participant_id",
        "partner_id",
        string="Legal Guardians",
    )
    order_ids = fields.Many2many(
        "sale.order",
        "travel_participant_sale_order_rel",
        "participant_id",
        "order_id",
        string="Bookings",
        readonly=True,
        help="The trips this participant was booked on.",
    )
    booking_count = fields.Integer(compute="_compute_booking_count")
    membership_ids = fields.One2many(
        "travel.membership", "participant_id", string="Memberships"
    )
    street = fields.Char(compute="_compute_address", store=True, readonly=False)
    street2 = fields.Char(compute="_compute_address", store=True, readonly=False)
    zip = fields.Char(compute="_compute_address", store=True, readonly=False)
    city = fields.Char(compute="_compute_address", store=True, readonly=False)
    state_id = fields.Many2one(
        "res.country.state",
        compute="_compute_address",
        store=True,
        readonly=False,
        domain="[('country_id', '=?', country_id)]",
    )
    country_id = fields.Many2one(
        "res.country", compute="_compute_address", store=True, readonly=False
    )
    # person fields some countries' law asks of guests (travel.profile.field)
    birth_place = fields.Char()
    nationality_id = fields.Many2one("res.country", string="Nationality")
    id_type_id = fields.Many2one(
        "travel.customer.document.type", string="ID Document Type"
    )
    id_number = fields.Char(string="ID Document Number")
    id_issue_date = fields.Date(string="ID Document Issued On")
    id_country_id = fields.Many2one("res.country", string="ID Document Issued By")
    allergies = fields.Text(groups=HEALTH_GROUP)
    treatments = fields.Text(groups=HEALTH_GROUP)
    medical_notes = fields.Text(groups=HEALTH_GROUP)
    active = fields.Boolean(default=True)
    travel_duplicate_ids = fields.Many2many(
        "travel.participant",
        string="Possible duplicates",
        compute="_compute_travel_duplicate_ids",
        groups="travel_customer.group_travel_user",
        help="Participants that are probably this one registered again: in "
        "the same family, under a shared guardian or by another guardian.",
    )

    @api.depends("first_name", "last_name")
    def _compute_name(self):
        for participant in self:
            participant.name = " ".join(
                part for part in (participant.first_name, participant.last_name) if part
            )

    @api.depends("birth_date")
    @api.depends_context("travel_age_on")
    def _compute_age(self):
        """The age today, or on the date given as ``travel_age_on``."""
        on = self.env.context.get("travel_age_on")
        for participant in self:
            participant.age = participant._age_on(on) or 0

    def _age_on(self, day=None):
        """Age in whole years on ``day`` (today by default): a birthday on that
        very day counts. None without a birth date."""
        self.ensure_one()
        if not self.birth_date:
            return None
        day = fields.Date.to_date(day) or fields.Date.context_today(self)
        return relativedelta(day, self.birth_date).years

    @api.depends("partner_id")
    def _compute_address(self):
        """The customer's address by default; edited freely afterwards."""
        for participant in self:
            if any(participant[fname] for fname in ADDRESS_FIELDS):
                continue
            partner = participant.partner_id
            for fname in ADDRESS_FIELDS:
                participant[fname] = partner[fname]

    @api.constrains("birth_date")
    def _check_booked_ages(self):
        self.sudo().order_ids._check_travel_participant_ages()

    def _compute_booking_count(self):
        for participant in self:
            participant.booking_count = len(participant.order_ids)

    def _compute_travel_duplicate_ids(self):
        Similarity = self.env["travel.customer.similarity"]
        for participant in self:
            found = participant.id and Similarity._similar_participants(participant)
            participant.travel_duplicate_ids = self.browse(
                [f["participant_id"] for f in found or []]
            )._filtered_access("read")

    # ------------------------------------------------------------ SEARCH
    @api.model
    def _search_display_name(self, operator, value):
        """Every word, in first or last name, accents and case ignored (the
        first words only: ``travel.search.limit``), or else the name with a
        typo (``travel.customer.search``)."""
        if operator not in ("ilike", "=ilike") or not isinstance(value, str):
            return super()._search_display_name(operator, value)
        matches = self._travel_text_matches(value)
        if matches is None:
            return super()._search_display_name(operator, value)
        return [("id", "in", SQL("(SELECT id FROM %s AS travel_rank)", matches))]

    @api.model
    def _travel_booked(self, query):
        """When the participant of ``query``'s rows last travelled on a
        confirmed booking (one the user may read)."""
        self.flush_model(["order_ids"])
        return self.env["travel.customer.search"]._travel_last_booking(
            lambda orders: SQL(
                "%s IN (SELECT r.order_id FROM travel_participant_sale_order_rel r "
                "WHERE r.participant_id = %s)",
                SQL.identifier(orders.table, "id"),
                SQL.identifier(query.table, "id"),
            )
        )

    @api.model
    def _travel_text_matches(self, text, scope=None, page=None):
        """``(id, tier, fit, likeness)`` of the participants whose name has every
        word of ``text`` (or one with a typo), None when nothing was typed
        (``scope`` and ``page``: see ``travel.customer.search``)."""
        Search = self.env["travel.customer.search"]
        words = self._travel_bounded_text(text).split()
        if not words:
            return None
        self.flush_model(["name"])  # read by the SQL below
        name = SQL("travel_customer_normalize(travel_participant.name)")
        exact = SQL(" AND ").join(
            SQL(
                "%s LIKE %s",
                name,
                Search._travel_normalized(f"%{Search._travel_escape_like(word)}%"),
            )
            for word in words
        )
        return Search._travel_matches_sql(
            scope or Search._travel_readable(self), "name", exact, name, text, page
        )

    def init(self):
        """The name search's accent-free trigram indexes (the functions are
        made by ``travel.customer.search``, initialized before)."""
        result = super().init()
        self.env.execute_query(
            SQL(
                "CREATE INDEX IF NOT EXISTS travel_participant_name_search_idx "
                "ON travel_participant USING gin "
                "(travel_customer_normalize(name) gin_trgm_ops)"
            )
        )
        self.env.execute_query(
            SQL(
                "DROP INDEX IF EXISTS travel_participant_name_words_idx; "
                "CREATE INDEX IF NOT EXISTS travel_participant_name_words_array_idx "
                "ON travel_participant USING gin (travel_customer_name_words(name))"
            )
        )
        return result

    # ------------------------------------------------------------ ACTIONS
    @api.readonly
    def action_open_customer(self):
        self.check_access("read")
        self.ensure_one()
        return self.partner_id._get_records_action(name=_("Customer"))

    @api.readonly
    def action_open_bookings(self):
        self.env["sale.order"].check_access("read")
        self.ensure_one()
        return self.order_ids._get_records_action(name=_("Bookings"))
