# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.exceptions import AccessError


class TravelCodeOnlyMixin(models.AbstractModel):
    """A log that only the code writes (as superuser) and people only read:
    nobody may forge, change or erase an entry by hand, whatever the ACL or
    the client says."""

    _name = "travel.code.only.mixin"
    _description = "Written by Code Only"

    @api.model_create_multi
    def create(self, vals_list):
        self._travel_check_written_by_code()
        return super().create(vals_list)

    def write(self, vals):
        self._travel_check_written_by_code()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_by_hand(self):
        self._travel_check_written_by_code()

    @api.model
    def _travel_check_written_by_code(self):
        if not self.env.su:
            raise AccessError(self._travel_code_only_message())

    @api.model
    def _travel_code_only_message(self):
        """The refusal, naming the log: each log says it in its own words."""
        raise NotImplementedError(self._name)
