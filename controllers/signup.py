# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, http
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.auth_signup.controllers.main import AuthSignupHome

from .consent import record_online_consents


class TravelSignup(AuthSignupHome):
    """Sign-up with a customer type, among those marked "sign-up selectable"."""

    def _travel_signup_types(self):
        return (
            request.env["travel.customer.type"]
            .sudo()
            .search([("signup_selectable", "=", True)])
        )

    def get_auth_signup_qcontext(self):
        qcontext = super().get_auth_signup_qcontext()
        qcontext["travel_signup_types"] = self._travel_signup_types()
        for name in ("travel_consent_us", "travel_consent_partners"):
            if name in request.params:
                qcontext[name] = request.params[name]
        if "travel_customer_type_id" in request.params:
            qcontext["travel_customer_type_id"] = request.params[
                "travel_customer_type_id"
            ]
        return qcontext

    def do_signup(self, qcontext):
        """Record the contact preferences given at sign-up."""
        result = super().do_signup(qcontext)
        if qcontext.get("token"):
            return result
        user = (
            request.env["res.users"]
            .sudo()
            .search([("login", "=", qcontext.get("login"))], limit=1)
        )
        if user:
            record_online_consents(user.partner_id, qcontext, "signup")
            code = request.session.pop("travel_referral_code", None)
            if code:
                user.partner_id._travel_set_referrer(code)
        return result

    @http.route(
        "/travel/referral/<string:code>", type="http", auth="public", website=True
    )
    def travel_referral(self, code, **kw):
        """A referral link: remembered until the visitor signs up."""
        request.session["travel_referral_code"] = code[:32]
        return request.redirect("/web/signup")

    def _prepare_signup_values(self, qcontext):
        values = super()._prepare_signup_values(qcontext)
        raw = qcontext.get("travel_customer_type_id")
        if raw and not qcontext.get("token"):
            allowed = self._travel_signup_types()
            if not raw.isdigit() or int(raw) not in allowed.ids:
                raise UserError(_("This customer type cannot be chosen at sign-up."))
            values["customer_type_id"] = int(raw)
        return values
