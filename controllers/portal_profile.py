# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, fields
from odoo.http import request

from .portal import TravelResellerPortal

MAX_TEXT = 128


class TravelProfilePortal(TravelResellerPortal):
    """The profile fields of the business's own on the participant's page:
    shown and updated by its family with the shipped ones."""

    def _travel_custom_profile_fields(self):
        return request.env["travel.profile.custom.field"].sudo().search([])

    def _travel_update_participant(self, participant, post, show_health):
        custom = self._travel_custom_profile_fields()
        vals, errors = {}, []
        for field in custom:
            if field.ttype == "boolean":
                vals[field.name] = bool(post.get(field.name))
                continue
            raw = (post.get(field.name) or "").strip()
            if not raw:
                vals[field.name] = False
            elif field.ttype == "char":
                if len(raw) > MAX_TEXT:
                    errors.append(field.label)
                vals[field.name] = raw
            elif field.ttype == "date":
                try:
                    vals[field.name] = fields.Date.to_date(raw)
                except ValueError:
                    errors.append(field.label)
            elif field.ttype == "integer":
                if not raw.lstrip("-").isdigit() or len(raw) > 9:
                    errors.append(field.label)
                else:
                    vals[field.name] = int(raw)
        if errors:
            # nothing at all is saved, as for the shipped fields
            return (
                _(
                    "Not valid: %(fields)s. Correct them and save again.",
                    fields=", ".join(errors),
                ),
                200,
            )
        error, status = super()._travel_update_participant(
            participant, post, show_health
        )
        if not error and vals:
            participant.sudo().write(vals)
        return error, status

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        values["travel_custom_profile_fields"] = self._travel_custom_profile_fields()
        return values
