# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

# The customer merge dialog's models: their rows are not data to move.
MERGE_DIALOG_MODELS = (
    "travel.customer.merge",
    "travel.customer.merge.line",
    "travel.customer.merge.field",
)


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    """Odoo's merge machinery, which the customer merge reuses as it is."""

    _inherit = "base.partner.merge.automatic.wizard"

    def _get_fk_on(self, table):
        dialog = self._travel_tables(self.env[name] for name in MERGE_DIALOG_MODELS)
        return [
            (fk_table, column)
            for fk_table, column in super()._get_fk_on(table)
            if fk_table not in dialog
        ]

    @api.model
    def _travel_tables(self, models_):
        """The tables of ``models_`` and of their many2many relations."""
        tables = set()
        for model in models_:
            tables.add(model._table)
            tables.update(
                field.relation
                for field in model._fields.values()
                if field.type == "many2many" and field.store
            )
        return tables
