# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    """Odoo's merge machinery, which the customer merge reuses as it is."""

    _inherit = "base.partner.merge.automatic.wizard"

    def _get_fk_on(self, table):
        # the customer merge dialog's own lines are not data to move
        return [
            (fk_table, column)
            for fk_table, column in super()._get_fk_on(table)
            if not fk_table.startswith("travel_customer_merge_")
            and fk_table != "travel_customer_merge"
        ]
