# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Models of a made-up addon, loaded by tests only (odoo-test-helper)."""

from odoo import fields, models


class TravelTestHolder(models.Model):
    """Points to a customer in the two ways Odoo's merge rewrites in place: a
    reference field and a company-dependent many2one."""

    _name = "travel.test.holder"
    _description = "Test: a record of another addon pointing to a customer"

    name = fields.Char()
    partner_ref = fields.Reference([("res.partner", "Customer")])
    partner_id = fields.Many2one("res.partner", company_dependent=True)


class TravelTestBadge(models.Model):
    """A made-up addon's row of a customer, unique per customer and code
    (whatever its case) among the active ones: a partial expression index,
    which Odoo's merge knows nothing of."""

    _name = "travel.test.badge"
    _description = "Test: a badge of a customer, unique among the active ones"

    name = fields.Char()
    partner_id = fields.Many2one("res.partner", ondelete="cascade")
    active = fields.Boolean(default=True)

    def init(self):
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS travel_test_badge_code_unique "
            "ON travel_test_badge (partner_id, lower(name)) WHERE active"
        )
