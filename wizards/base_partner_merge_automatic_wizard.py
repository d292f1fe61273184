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
        references = [
            (fk_table, column)
            for fk_table, column in super()._get_fk_on(table)
            if fk_table not in dialog
        ]
        # a reseller's assignments point to it without a database foreign key
        # (see travel.departure.assignment): they move to the master too
        if table == "res_partner":
            references.append(("travel_departure_assignment", "partner_id"))
        return references

    def _update_foreign_keys(self, src_partners, dst_partner):
        # Odoo's merge drops all of a duplicate's rows of a table when one
        # clashes with a unique index: a departure assigned to the master too
        # stays the master's (its markup), the duplicates' others move first
        self.env.flush_all()
        self.env.cr.execute(
            """
            UPDATE travel_departure_assignment a SET partner_id = %(master)s
            WHERE a.partner_id IN %(duplicates)s
              AND a.id = (
                  SELECT min(o.id) FROM travel_departure_assignment o
                  WHERE o.partner_id IN %(duplicates)s
                    AND o.departure_id = a.departure_id)
              AND NOT EXISTS (
                  SELECT 1 FROM travel_departure_assignment m
                  WHERE m.partner_id = %(master)s
                    AND m.departure_id = a.departure_id)
            """,
            {"master": dst_partner.id, "duplicates": tuple(src_partners.ids)},
        )
        return super()._update_foreign_keys(src_partners, dst_partner)

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
