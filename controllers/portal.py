# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from urllib.parse import urlencode

from werkzeug.exceptions import NotFound

from odoo import _, fields, http
from odoo.exceptions import AccessError, MissingError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.addons.sale.controllers.portal import CustomerPortal, PaymentPortal

HEALTH_GROUP = "travel_customer.group_travel_health"


def travel_order_or_404(portal, order_id, access_token):
    """The order (as superuser) if the visitor may reach it, else 404: the
    other customers' orders are not shown to exist."""
    try:
        return portal._document_check_access("sale.order", order_id, access_token)
    except (AccessError, MissingError) as error:
        raise NotFound() from error


def _travel_refusal(order_id, access_token, portal, consents=False):
    """Why the visitor may not confirm this order online (its customer type,
    or its contact preferences not confirmed yet), or False."""
    try:
        order_sudo = portal._document_check_access("sale.order", order_id, access_token)
    except (AccessError, MissingError):
        return False  # the core answers those
    refusal = order_sudo._travel_online_ordering_refusal()
    if not refusal and consents and not order_sudo.travel_consent_confirmed:
        refusal = _(
            "Please confirm your contact preferences (just above) before "
            "confirming the order."
        )
    return refusal


class TravelPaymentPortal(PaymentPortal):
    """The portal's payment of a quotation says why it is refused (customer
    type, contact preferences) before any transaction; payment links and the
    shop are refused by ``payment.transaction`` itself."""

    @http.route()
    def portal_order_transaction(self, order_id, access_token, **kwargs):
        refusal = _travel_refusal(order_id, access_token, self, consents=True)
        if refusal:
            raise ValidationError(refusal)
        return super().portal_order_transaction(order_id, access_token, **kwargs)


class TravelResellerPortal(CustomerPortal):
    """ "My departures" of a reseller: its assigned departures, and a quotation
    for one of its clients from any of them.

    Everything is read with the portal user's own rights: the record rules
    show a reseller its own assigned departures only.
    """

    _travel_departures_per_page = 20

    def _travel_offer_domain(self):
        return [
            ("partner_id", "=", request.env.user.commercial_partner_id.id),
            ("assigned", "=", True),
            ("date_end", ">=", fields.Date.context_today(request.env.user)),
        ]

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "travel_participant_count" in counters:
            Participant = request.env["travel.participant"]
            values["travel_participant_count"] = (
                Participant.search_count(self._travel_participant_domain())
                if Participant.has_access("read")
                else 0
            )
        if "travel_departure_count" in counters:
            Offer = request.env["travel.departure.offer"]
            values["travel_departure_count"] = (
                Offer.search_count(self._travel_offer_domain())
                if Offer.has_access("read")
                else 0
            )
        return values

    def _travel_sortings(self):
        return {
            "date": {"label": _("Start"), "order": "date_start, departure_id"},
            "end": {"label": _("End"), "order": "date_end, departure_id"},
            "stay": {"label": _("Stay"), "order": "name, departure_id"},
            "price": {
                "label": _("Price: low to high"),
                "order": "reseller_price, departure_id",
            },
            "price_desc": {
                "label": _("Price: high to low"),
                "order": "reseller_price desc, departure_id",
            },
            "seats": {
                "label": _("Seats left"),
                "order": "seats_left desc, departure_id",
            },
        }

    def _travel_filters(self, kw):
        """The domain of the filters given, and the filters kept (as typed)."""
        domain, kept, errors = [], {}, []
        for key, fname, operator, convert in (
            ("start", "date_start", ">=", fields.Date.to_date),
            ("end", "date_end", "<=", fields.Date.to_date),
            ("price_above", "reseller_price", ">", float),
            ("price_below", "reseller_price", "<", float),
            ("stay", "product_id", "=", int),
        ):
            raw = (kw.get(key) or "").strip()
            if not raw:
                continue
            try:
                value = convert(raw)
            except ValueError:
                errors.append(_("%s is not a valid filter value.", raw))
                continue
            domain.append((fname, operator, value))
            kept[key] = raw
        return domain, kept, errors

    @http.route(
        ["/my/departures", "/my/departures/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_departures(self, page=1, sortby=None, **kw):
        Offer = request.env["travel.departure.offer"]
        sortings = self._travel_sortings()
        sortby = sortby if sortby in sortings else "date"
        filter_domain, filters, errors = self._travel_filters(kw)
        base_domain = self._travel_offer_domain()
        domain = base_domain + filter_domain
        total = Offer.search_count(domain)
        pager = portal_pager(
            url="/my/departures",
            url_args={"sortby": sortby, **filters},
            total=total,
            page=page,
            step=self._travel_departures_per_page,
        )
        offers = Offer.search(
            domain,
            order=sortings[sortby]["order"],
            limit=self._travel_departures_per_page,
            offset=pager["offset"],
        )
        stays = Offer.read_group(base_domain, ["product_id"], ["product_id"])
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "offers": offers,
                "page_name": "travel_departures",
                "pager": pager,
                "sortings": sortings,
                "sortby": sortby,
                "filters": filters,
                "filter_errors": errors,
                "stays": [group["product_id"] for group in stays],
                "default_url": "/my/departures",
            }
        )
        return request.render("travel_customer.portal_my_departures", values)

    def _travel_offer(self, departure_id):
        """The reseller's offer of this departure; any other answers 404."""
        offer = request.env["travel.departure.offer"].search(
            self._travel_offer_domain() + [("departure_id", "=", departure_id)],
            limit=1,
        )
        if not offer:
            raise NotFound()
        return offer

    @http.route(
        "/my/departures/<int:departure_id>",
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
    )
    def portal_my_departure(self, departure_id, **kw):
        return self._travel_render_departure(self._travel_offer(departure_id))

    def _travel_render_departure(self, offer, error=None, form=None):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "offer": offer,
                "page_name": "travel_departure",
                "error": error,
                "form": form or {"participants": 1},
            }
        )
        return request.render("travel_customer.portal_my_departure", values)

    @http.route(
        "/my/departures/<int:departure_id>/quotation",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_departure_quotation(
        self, departure_id, client_name=None, client_email=None, participants=None
    ):
        offer = self._travel_offer(departure_id)
        form = {
            "client_name": client_name or "",
            "client_email": client_email or "",
            "participants": participants or "",
        }
        try:
            count = int(participants or 0)
        except ValueError:
            count = 0
        try:
            order = offer._create_quotation(client_name, client_email, count)
        except ValidationError as error:
            return self._travel_render_departure(offer, error=error.args[0], form=form)
        return request.redirect(order.get_portal_url())

    @http.route()
    def portal_quote_accept(self, order_id, access_token=None, **kw):
        """Signing online is refused where the customer type forbids ordering."""
        refusal = _travel_refusal(order_id, access_token, self, consents=True)
        if refusal:
            return {"error": refusal}
        return super().portal_quote_accept(order_id, access_token=access_token, **kw)

    @http.route()
    def portal_order_page(self, order_id, report_type=None, access_token=None, **kw):
        """An order the visitor may not see answers as a missing one: a
        logged-out visitor is sent to log in (and back to the order), a
        logged-in one to its portal home, as Odoo does (its own tests expect
        it)."""
        try:
            self._document_check_access("sale.order", order_id, access_token)
        except (AccessError, MissingError):
            if request.env.user._is_public():
                query = urlencode({"redirect": f"/my/orders/{int(order_id)}"})
                return request.redirect(f"/web/login?{query}")
            return request.redirect("/my")
        return super().portal_order_page(
            order_id, report_type=report_type, access_token=access_token, **kw
        )

    # ------------------------------------------------------------ PARTICIPANTS
    _travel_participant_fields = ("street", "street2", "zip", "city")
    _travel_health_fields = ("allergies", "treatments")

    def _travel_max_length(self, fname):
        return 2000 if fname in self._travel_health_fields else 128

    def _travel_participant_domain(self):
        """The customer's own participants and those its user is guardian of."""
        user = request.env.user
        return [
            "|",
            ("partner_id", "=", user.commercial_partner_id.id),
            ("guardian_ids", "in", user.partner_id.id),
        ]

    def _travel_health_shown(self):
        """Health data is the family's own; a staff member viewing the portal
        as the customer sees it only from the Health data group."""
        real_user = request.env["res.users"]._travel_real_user()
        return real_user == request.env.user or real_user.has_group(HEALTH_GROUP)

    def _travel_participant(self, participant_id):
        participant = request.env["travel.participant"].search(
            self._travel_participant_domain() + [("id", "=", participant_id)]
        )
        if not participant:
            raise NotFound()
        return participant

    @http.route("/my/participants", type="http", auth="user", website=True)
    def portal_my_participants(self, **kw):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "participants": request.env["travel.participant"].search(
                    self._travel_participant_domain()
                ),
                "page_name": "travel_participants",
            }
        )
        return request.render("travel_customer.portal_my_participants", values)

    @http.route(
        "/my/participants/<int:participant_id>",
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def portal_my_participant(self, participant_id, **post):
        """A participant, its bookings, and what its family may update:
        address, allergies and treatments. Health data is written as superuser
        once the rules have shown the participant is the user's own; it is
        neither shown nor written for staff outside the Health data group
        viewing the portal as the customer."""
        participant = self._travel_participant(participant_id)
        show_health = self._travel_health_shown()
        saved = False
        error = None
        status = 200
        if request.httprequest.method == "POST":
            fnames = self._travel_participant_fields
            if show_health:
                fnames += self._travel_health_fields
            elif any(f in post for f in self._travel_health_fields):
                error = _(
                    "Only the Health data group may see or change allergies and "
                    "treatments: nothing was saved."
                )
                status = 403
            vals = {f: (post.get(f) or "").strip() or False for f in fnames}
            too_long = [
                f
                for f in fnames
                if vals[f] and len(vals[f]) > self._travel_max_length(f)
            ]
            if too_long:
                error = _(
                    "Too long: %(fields)s. Shorten the text and save again.",
                    fields=", ".join(
                        participant._fields[f].get_description(request.env)["string"]
                        for f in too_long
                    ),
                )
            country = post.get("country_id")
            if country and country.isdigit():
                country = request.env["res.country"].sudo().browse(int(country))
                vals["country_id"] = country.exists().id or False
            if not error:
                participant.sudo().write(vals)
                saved = True
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "participant": participant,
                "participant_sudo": participant.sudo(),
                "countries": request.env["res.country"].sudo().search([]),
                "page_name": "travel_participant",
                "saved": saved,
                "error": error,
                "show_health": show_health,
            }
        )
        return request.render(
            "travel_customer.portal_my_participant", values, status=status
        )
