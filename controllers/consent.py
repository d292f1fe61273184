# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from urllib.parse import quote

from odoo import _, http
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from .portal import travel_flash, travel_order_or_404, travel_readonly_get
from .portal_page import render_portal_page

CONSENT_FIELDS = {"us": "travel_consent_us", "partners": "travel_consent_partners"}


def consent_answers(params):
    """The answers ticked in a consent form (an unticked box is not sent)."""
    return {key: bool(params.get(name)) for key, name in CONSENT_FIELDS.items()}


def consent_text(partner):
    """What the form showed, kept with the answer."""
    purposes = partner._travel_consent_purposes()
    return "\n".join(
        f"{purpose.name}: {purpose.description or ''}" for purpose in purposes.values()
    )


def record_online_consents(partner, params, channel, order=None):
    return partner.sudo()._travel_record_consents(
        consent_answers(params),
        channel=channel,
        ip_address=request.httprequest.remote_addr,
        text=consent_text(partner.sudo()),
        order=order,
    )


class TravelConsentPortal(CustomerPortal):
    """A customer's contact preferences: on its portal, and at each order."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if not counters:
            # the e-wallet tile is for wallet holders only, in the company's
            # currency as on the wallet page
            values["travel_wallet_card"] = request.env["loyalty.card"]._travel_wallet(
                request.env.user.partner_id, create=False
            )
            values["travel_wallet_currency"] = request.env.company.currency_id
        return values

    @http.route(
        "/my/consents",
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
        readonly=travel_readonly_get,
    )
    def portal_my_consents(self, **post):
        partner = request.env.user.partner_id
        if request.httprequest.method == "POST":
            record_online_consents(partner, post, "portal")
            travel_flash(_("Your answers are recorded."))
            return request.redirect("/my/consents")
        return render_portal_page(
            self,
            "travel_customer.portal_my_consents",
            {
                "partner_sudo": partner.sudo(),
                "purposes": partner._travel_consent_purposes(),
                "page_name": "travel_consents",
            },
        )

    @http.route(
        "/my/orders/<int:order_id>/consents",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
    )
    def portal_order_consents(self, order_id, access_token=None, **post):
        """Confirm or change the contact preferences before confirming the
        order: recorded with the order."""
        order_sudo = travel_order_or_404(self, order_id, access_token)
        if order_sudo.state not in ("draft", "sent"):
            return request.redirect(order_sudo.get_portal_url())
        record_online_consents(order_sudo.partner_id, post, "order", order=order_sudo)
        order_sudo.travel_consent_confirmed = True
        return request.redirect(order_sudo.get_portal_url(anchor="travel_consents"))

    @http.route("/my/wallet", type="http", auth="user", website=True)
    def portal_my_wallet(self, **kw):
        """The customer's e-wallet: balance, history, referral link."""
        partner = request.env.user.partner_id
        card = request.env["loyalty.card"]._travel_wallet(partner, create=False)
        return render_portal_page(
            self,
            "travel_customer.portal_my_wallet",
            {
                "card": card,
                "history": card.history_ids.sorted(
                    lambda h: (h.create_date, h.id), reverse=True
                )
                if card
                else [],
                "currency": request.env.company.currency_id,
                "referral_url": partner.sudo()._travel_referral_url(),
                "page_name": "travel_wallet",
            },
        )

    @http.route(
        "/my/orders/<int:order_id>/wallet",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
    )
    def portal_order_wallet(self, order_id, access_token=None, **post):
        """Pay part of a quotation with the customer's e-wallet."""
        order_sudo = travel_order_or_404(self, order_id, access_token)
        try:
            order_sudo._travel_apply_wallet()
        except UserError as error:
            return request.redirect(
                order_sudo.get_portal_url(
                    query_string=f"&travel_wallet_error={quote(error.args[0])}"
                )
            )
        return request.redirect(order_sudo.get_portal_url(anchor="travel_wallet"))
