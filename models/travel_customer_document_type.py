# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class TravelCustomerDocumentType(models.Model):
    """Passport, ID card, visa, medical certificate, school authorisation..."""

    _name = "travel.customer.document.type"
    _description = "Customer Document Type"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    required = fields.Boolean(
        string="Required to Travel",
        help="A valid document of this type must be on file before the customer "
        "can download its travel documents.",
    )

    _sql_constraints = [
        ("name_unique", "UNIQUE (name)", "This document type already exists."),
    ]
