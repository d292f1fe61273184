# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL


class TravelReportDeparture(models.Model):
    """How full each departure is: seats of its confirmed bookings against
    its capacity, by stay and date."""

    _name = "travel.report.departure"
    _description = "Departures Fill Rate"
    _auto = False
    _order = "date_start, id"
    _rec_name = "departure_id"
    _depends = {
        "travel.departure": [
            "product_id",
            "date_start",
            "date_end",
            "capacity",
            "company_id",
            "active",
        ],
        "sale.order": ["travel_departure_id", "travel_seats", "state"],
    }

    departure_id = fields.Many2one(
        "travel.departure", string="Departure", readonly=True
    )
    product_id = fields.Many2one("product.product", string="Stay", readonly=True)
    date_start = fields.Date(string="Start", readonly=True)
    date_end = fields.Date(string="End", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    capacity = fields.Integer(readonly=True)
    seats_taken = fields.Integer(readonly=True)
    seats_left = fields.Integer(readonly=True)
    booking_count = fields.Integer(string="Bookings", readonly=True)
    upcoming = fields.Boolean(
        readonly=True, help="Not over yet: it ends today or later."
    )
    fill_rate = fields.Float(
        string="Fill Rate (%)",
        digits=(5, 1),
        aggregator="avg",
        readonly=True,
        help="Seats taken / capacity. Grouped, the average of the departures' "
        "rates: compare the seats taken with the capacity for the overall rate.",
    )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT d.id, d.id AS departure_id, d.product_id, d.date_start,
                   d.date_end, d.company_id, d.capacity,
                   COALESCE(s.seats, 0) AS seats_taken,
                   d.capacity - COALESCE(s.seats, 0) AS seats_left,
                   COALESCE(s.bookings, 0) AS booking_count,
                   CASE WHEN d.capacity > 0
                        THEN 100.0 * COALESCE(s.seats, 0) / d.capacity
                        ELSE 0 END AS fill_rate,
                   d.date_end >= %(today)s AS upcoming
              FROM travel_departure d
              LEFT JOIN (
                    SELECT travel_departure_id, SUM(travel_seats) AS seats,
                           COUNT(*) AS bookings
                      FROM sale_order
                     WHERE state = 'sale' AND travel_departure_id IS NOT NULL
                     GROUP BY travel_departure_id
                   ) s ON s.travel_departure_id = d.id
             WHERE d.active
            """,
            today=fields.Date.context_today(self),
        )
