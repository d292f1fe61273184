# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class IrConfigParameter(models.Model):
    _inherit = "ir.config_parameter"

    @api.model
    def _travel_get_int(self, key, default):
        """A whole-number setting of the addon; ``default`` when unset or not
        a number (the settings screen writes them, a user may too)."""
        value = (self.sudo().get_param(key) or "").strip()
        return int(value) if value.isdigit() else default

    @api.model
    def _travel_get_float(self, key, default):
        """A decimal setting of the addon; ``default`` when unset or not a
        number."""
        try:
            return float((self.sudo().get_param(key) or "").strip())
        except ValueError:
            return default
