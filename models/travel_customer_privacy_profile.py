# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.tools import SQL


class TravelCustomerPrivacy(models.AbstractModel):
    """The profile fields of the business's own are personal data: exported
    with the identity and emptied by the anonymization."""

    _inherit = "travel.customer.privacy"

    @api.model
    def _anonymize_steps(self):
        steps = super()._anonymize_steps()
        steps.insert(
            steps.index("_anonymize_step_chatter"), "_anonymize_step_custom_profile"
        )
        return steps

    @api.model
    def _anonymize_step_custom_profile(self, erasure):
        """The custom profile fields of the customers and their participants."""
        names = self.env["travel.profile.custom.field"]._names()
        if not names or not erasure.ids:
            return
        columns = SQL(", ").join(SQL("%s = NULL", SQL.identifier(n)) for n in names)
        self.env["res.partner"].flush_model(names)
        self.env["travel.participant"].flush_model(names)
        self.env.cr.execute(
            SQL("UPDATE res_partner SET %s WHERE id = ANY(%s)", columns, erasure.ids)
        )
        self.env.cr.execute(
            SQL(
                "UPDATE travel_participant SET %s WHERE partner_id = ANY(%s)",
                columns,
                erasure.ids,
            )
        )
        self.env["res.partner"].invalidate_model(names)
        self.env["travel.participant"].invalidate_model(names)

    @api.model
    def _export_identity(self, partner):
        values = super()._export_identity(partner)
        for fname in self.env["travel.profile.custom.field"]._names():
            values[fname] = self._export_value(partner, fname)
        return values

    @api.model
    def _export_participant(self, participant, with_health=True):
        values = super()._export_participant(participant, with_health=with_health)
        for fname in self.env["travel.profile.custom.field"]._names():
            values[fname] = self._export_value(participant, fname)
        return values
