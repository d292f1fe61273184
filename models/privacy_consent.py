# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

# The two consents we ask: contacted by us, contacted by our partners.
CONSENT_KEYS = ("us", "partners")


class PrivacyConsent(models.Model):
    """A customer's answer to one of our two consent questions is its OCA
    ``privacy.consent`` of that activity; each answer also leaves a line of
    history (``travel.consent.record``) and, for "contacted by us", the
    e-mail blacklist that mass mailing respects."""

    _inherit = "privacy.consent"

    @api.model
    def _travel_purposes(self):
        """``{key: privacy.activity}`` of the two consents we ask."""
        return {
            key: self.env.ref(f"travel_customer.privacy_activity_contact_{key}").sudo()
            for key in CONSENT_KEYS
        }

    @api.model
    def _travel_answered(self, partners):
        """The answered consents of ``partners``, as superuser."""
        return self.sudo().search(
            [("partner_id", "in", partners.ids), ("state", "=", "answered")]
        )

    @api.model
    def _travel_accepted(self, partners):
        """``{(partner id, key): bool}``: whether each partner agrees, its
        answer or, never asked, the activity's default."""
        purposes = self._travel_purposes()
        answered = {
            (consent.partner_id.id, consent.activity_id.id): consent.accepted
            for consent in self._travel_answered(partners)
        }
        return {
            (partner.id, key): answered.get(
                (partner.id, activity.id), activity.default_consent
            )
            for partner in partners
            for key, activity in purposes.items()
        }

    @api.model
    def _travel_answers(self, partner):
        """``{key: "not_asked" | "accepted" | "refused"}`` of ``partner``."""
        answers = dict.fromkeys(CONSENT_KEYS, "not_asked")
        if not partner.id:
            return answers
        consents = self._travel_answered(partner)
        for key, activity in self._travel_purposes().items():
            consent = consents.filtered(lambda c, a=activity: c.activity_id == a)[:1]
            if consent:
                answers[key] = "accepted" if consent.accepted else "refused"
        return answers

    @api.model
    def _travel_search_accepted(self, key, operator, value):
        """Domain on ``res.partner``: the customers who agree (or not) to the
        consent ``key``."""
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Operation not supported"))
        self.flush_model(["partner_id", "activity_id", "accepted", "state", "active"])
        activity = self._travel_purposes()[key]
        accepted = SQL(
            "(SELECT partner_id FROM privacy_consent WHERE activity_id = %s "
            "AND accepted AND state = 'answered' AND active)",
            activity.id,
        )
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", accepted)]

    @api.model
    def _travel_record(
        self,
        partner,
        answers,
        channel,
        ip_address=None,
        text=None,
        order=None,
        changed_only=False,
    ):
        """Record ``partner``'s answers ``{key: bool}``: the current answer in
        OCA privacy_consent, a line of history, and the e-mail blacklist for
        "contacted by us" (which mass mailing respects)."""
        partner.ensure_one()
        purposes = self._travel_purposes()
        Consent = self.sudo()
        history = self.env["travel.consent.record"].sudo()
        for key, accepted in answers.items():
            activity = purposes[key]
            consent = Consent.with_context(active_test=False).search(
                [("partner_id", "=", partner.id), ("activity_id", "=", activity.id)]
            )
            current = (
                consent.accepted
                if consent.state == "answered"
                else activity.default_consent
            )
            if changed_only and bool(accepted) == current:
                continue
            if not consent:
                consent = Consent.create(
                    {"partner_id": partner.id, "activity_id": activity.id}
                )
            consent.action_answer(
                bool(accepted), metadata=f"{channel} {ip_address or ''}".strip()
            )
            history |= history.create(
                {
                    "partner_id": partner.id,
                    "activity_id": activity.id,
                    "accepted": bool(accepted),
                    "channel": channel,
                    "ip_address": ip_address,
                    "text_shown": text or activity.name,
                    "order_id": order.id if order else False,
                }
            )
            if key == "us" and partner.email:
                blacklist = self.env["mail.blacklist"].sudo()
                if accepted:
                    blacklist._remove(partner.email)
                else:
                    blacklist._add(partner.email)
        partner.invalidate_recordset(["travel_consent_us", "travel_consent_partners"])
        return history
