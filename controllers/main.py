# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from .portal_page import render_portal_page


class TravelCustomerPersonalData(CustomerPortal):
    """Personal-data export: by a privacy officer, or by the customer itself.

    Each download writes a privacy log line: POST only, with Odoo's CSRF
    token (a link or an image on another site cannot trigger it)."""

    def _download(self, partner, by_customer=False):
        filename, content = request.env["travel.customer.privacy"]._export(
            partner, by_customer=by_customer
        )
        return request.make_response(
            content,
            headers=[
                ("Content-Type", "application/zip"),
                ("Content-Disposition", http.content_disposition(filename)),
                ("Cache-Control", "no-store"),
            ],
        )

    @http.route(
        "/travel_customer/personal_data/<int:partner_id>",
        type="http",
        auth="user",
        methods=["POST"],
    )
    def personal_data(self, partner_id, **kw):
        if not request.env.user.has_group("travel_customer.group_travel_privacy"):
            raise request.not_found()
        partner = request.env["res.partner"].browse(partner_id).exists()
        if not partner:
            raise request.not_found()
        partner.check_access("read")
        return self._download(partner)

    @http.route(
        "/my/personal_data",
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def my_personal_data(self, **kw):
        """The logged-in customer's own data, and nobody else's: GET shows
        the page with the download button, POST downloads."""
        if request.httprequest.method == "POST":
            return self._download(request.env.user.partner_id, by_customer=True)
        return render_portal_page(
            self,
            "travel_customer.portal_my_personal_data",
            {"page_name": "travel_personal_data"},
        )
