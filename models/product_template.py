# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    travel_is_stay = fields.Boolean(
        string="Is a Stay",
        help="A trip or stay sold in dated departures.",
    )
