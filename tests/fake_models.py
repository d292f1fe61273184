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
