# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, api, fields, models


class TravelMembership(models.Model):
    """A participant's association membership for one year: paying, or an
    associate member of its family's collective membership."""

    _name = "travel.membership"
    _description = "Association Membership"
    _order = "year desc, partner_id, id"
    _rec_name = "participant_id"

    participant_id = fields.Many2one(
        "travel.participant", required=True, index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    year = fields.Integer(required=True, index=True)
    order_id = fields.Many2one("sale.order", string="Booking", ondelete="set null")
    paid = fields.Boolean(
        string="Paying Member",
        help="Unticked: an associate member, covered by its family's paying "
        "members (collective membership).",
    )

    _sql_constraints = [
        (
            "participant_year_unique",
            "UNIQUE (participant_id, year)",
            "This participant is already a member for this year.",
        ),
    ]

    @api.model
    def _order_year(self, order):
        """The year ``order`` makes its participants members for: its stay's."""
        order.ensure_one()
        day = order.travel_date_start or order.date_order or fields.Date.today()
        return day.year

    @api.model
    def _order_plan(self, order):
        """``(paying, associates)``: ``order``'s participants not yet members
        for its year, as the customer type's membership mode bills them."""
        order.ensure_one()
        customer = order.partner_id.commercial_partner_id
        mode = customer.customer_type_id.membership_mode or "individual"
        participants = order.travel_participant_ids
        Participant = self.env["travel.participant"]
        if not participants:
            return Participant, Participant
        year = self._order_year(order)
        Membership = self.sudo()
        members = Membership.search(
            [("participant_id", "in", participants.ids), ("year", "=", year)]
        ).participant_id
        newcomers = participants - members
        if customer.customer_type_id.membership_group_exempt and len(participants) > 1:
            # a group order makes no one a member: alone later, one pays
            return Participant, Participant
        if mode != "collective":
            return newcomers, Participant
        family_max = (
            self.env["ir.config_parameter"]
            .sudo()
            ._travel_get_int("travel_customer.membership_family_max", 2)
        )
        already_paying = Membership.search_count(
            [("partner_id", "=", customer.id), ("year", "=", year), ("paid", "=", True)]
        )
        room = max(family_max - already_paying, 0)
        return newcomers[:room], newcomers[room:]

    @api.model
    def _update_order_lines(self, orders):
        """One membership line on each quotation for its paying newcomers,
        none otherwise."""
        product = self.env.ref(
            "travel_customer.product_membership", raise_if_not_found=False
        )
        if not product:
            return
        for order in orders.filtered(lambda o: o.state in ("draft", "sent")):
            paying, _associates = self._order_plan(order)
            line = order.order_line.filtered(lambda ln, p=product: ln.product_id == p)
            order = order.with_context(travel_membership_update=True)
            if not paying:
                line.unlink()
            elif line:
                line[:1].product_uom_qty = len(paying)
                (line - line[:1]).unlink()
            else:
                order.order_line = [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": len(paying),
                            "sequence": 9999,
                        }
                    )
                ]

    @api.model
    def _record_orders(self, orders):
        """On confirmation: the year's memberships, paying or associate."""
        for order in orders:
            paying, associates = self._order_plan(order)
            customer = order.partner_id.commercial_partner_id
            self.sudo().create(
                [
                    {
                        "participant_id": participant.id,
                        "partner_id": customer.id,
                        "year": self._order_year(order),
                        "order_id": order.id,
                        "paid": participant in paying,
                    }
                    for participant in paying | associates
                ]
            )
