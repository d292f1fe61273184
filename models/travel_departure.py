# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date


class TravelDeparture(models.Model):
    """One dated session of a stay, with its capacity and base price."""

    _name = "travel.departure"
    _description = "Departure"
    _order = "date_start, id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    product_id = fields.Many2one(
        "product.product",
        string="Stay",
        required=True,
        index=True,
        ondelete="restrict",
        domain=[("travel_is_stay", "=", True)],
        check_company=True,
    )
    date_start = fields.Date(string="Start", required=True, index=True)
    date_end = fields.Date(string="End", required=True, index=True)
    capacity = fields.Integer(default=20, help="Seats on sale for this departure.")
    price = fields.Monetary(
        string="Base Price",
        currency_field="currency_id",
        groups="base.group_user",
        help="Price per seat.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    active = fields.Boolean(default=True)
    age_min = fields.Integer(
        string="Minimum Age", help="On the start date; 0 for no minimum."
    )
    age_max = fields.Integer(
        string="Maximum Age", help="On the start date; 0 for no maximum."
    )
    order_ids = fields.One2many("sale.order", "travel_departure_id", string="Orders")
    seats_taken = fields.Integer(
        compute="_compute_seats", help="Seats of the confirmed bookings."
    )
    seats_left = fields.Integer(compute="_compute_seats")

    _sql_constraints = [
        (
            "capacity_positive",
            "CHECK (capacity >= 0)",
            "The capacity of a departure cannot be negative.",
        ),
    ]

    @api.depends("product_id.name", "date_start", "date_end")
    def _compute_name(self):
        for departure in self:
            departure.name = (
                f"{departure.product_id.name or ''} "
                f"{departure.date_start or ''} → {departure.date_end or ''}"
            )

    @api.depends("product_id", "date_start", "date_end")
    @api.depends_context("lang")
    def _compute_display_name(self):
        """The stay's name and dates in the reader's language and date format
        (``name`` keeps them for searching)."""
        for departure in self:
            departure.display_name = departure._label(
                departure.product_id, departure.date_start, departure.date_end
            )

    @api.model
    def _label(self, product, date_start, date_end):
        return (
            f"{product.sudo().name or ''} "
            f"{format_date(self.env, date_start)} → {format_date(self.env, date_end)}"
        ).strip()

    @api.depends("capacity", "order_ids.state", "order_ids.travel_seats")
    def _compute_seats(self):
        taken = dict(
            self.env["sale.order"]
            .sudo()
            ._read_group(
                [("travel_departure_id", "in", self.ids), ("state", "=", "sale")],
                ["travel_departure_id"],
                ["travel_seats:sum"],
            )
        )
        for departure in self:
            departure.seats_taken = taken.get(departure._origin, 0)
            departure.seats_left = departure.capacity - departure.seats_taken

    @api.ondelete(at_uninstall=False)
    def _unlink_cascade_assignments(self):
        """The assignments go with their departure (what ``ON DELETE
        CASCADE`` did, see ``UncheckedMany2one``)."""
        self.env["travel.departure.assignment"]._unlink_assignments(
            "departure_id", self.ids
        )

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for departure in self:
            if departure.date_end < departure.date_start:
                raise ValidationError(
                    _(
                        "The departure %(name)s ends (%(end)s) before it starts "
                        "(%(start)s).",
                        name=departure.display_name,
                        end=format_date(self.env, departure.date_end),
                        start=format_date(self.env, departure.date_start),
                    )
                )

    @api.constrains("age_min", "age_max")
    def _check_age_range(self):
        for departure in self:
            if departure.age_min < 0 or departure.age_max < 0:
                raise ValidationError(_("An age limit cannot be negative."))
            if departure.age_max and departure.age_min > departure.age_max:
                raise ValidationError(
                    _(
                        "The minimum age (%(min)s) of %(name)s is above its maximum "
                        "age (%(max)s).",
                        min=departure.age_min,
                        max=departure.age_max,
                        name=departure.display_name,
                    )
                )
        self.sudo().order_ids._check_travel_participant_ages()

    def _age_allowed(self, age):
        self.ensure_one()
        return (not self.age_min or age >= self.age_min) and (
            not self.age_max or age <= self.age_max
        )

    def _age_range_label(self):
        self.ensure_one()
        if self.age_min and self.age_max:
            return _("%(min)s to %(max)s", min=self.age_min, max=self.age_max)
        if self.age_min:
            return _("%s and over", self.age_min)
        return _("up to %s", self.age_max)

    @api.constrains("capacity")
    def _check_seats(self):
        """The confirmed bookings of a departure never exceed its capacity."""
        for departure in self.sudo():
            # a negative capacity is refused by the database itself
            if departure.capacity >= 0 and departure.seats_left < 0:
                raise ValidationError(
                    _(
                        "%(departure)s would be overbooked: %(taken)s seats "
                        "booked for a capacity of %(capacity)s.",
                        departure=departure.display_name,
                        taken=departure.seats_taken,
                        capacity=departure.capacity,
                    )
                )
