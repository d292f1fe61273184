# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import http
from odoo.http import request


class TravelImpersonation(http.Controller):
    """The "Back" of the banner shown while viewing the portal as a customer:
    a POST with Odoo's CSRF token (it closes the logged session)."""

    @http.route(
        "/travel_customer/impersonate/back",
        type="http",
        auth="user",
        methods=["POST"],
    )
    def impersonate_back(self, **kw):
        if not request.session.get("impersonate_from_uid"):
            return request.redirect("/my")
        customer = request.env.user.partner_id
        # OCA impersonate_login: closes the logged session, restores the user
        # (as superuser: it reads the staff member, which a portal user cannot)
        request.env["res.users"].sudo().back_to_origin_login()
        return request.redirect(f"/odoo/contacts/{customer.id}")
