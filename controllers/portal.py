# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from urllib.parse import urlencode

from werkzeug.exceptions import NotFound

from odoo import Command, _, fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.osv import expression

from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.addons.sale.controllers.portal import CustomerPortal, PaymentPortal

from .portal_page import portal_count

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


def travel_readonly_get(_controller):
    """A route that shows on GET and writes on POST: read-only on GET, so
    that Odoo runs it on the database replica when there is one."""
    return request.httprequest.method in ("GET", "HEAD")


def travel_flash(message, kind="success"):
    """A message shown once, on the page the visitor is sent to next (the
    POST-redirect-GET of every change confirms it there)."""
    request.session["travel_flash"] = {"kind": kind, "message": message}


def travel_participant_domain():
    """The customer's own participants and those its user is guardian of."""
    user = request.env.user
    return [
        "|",
        ("partner_id", "=", user.commercial_partner_id.id),
        ("guardian_ids", "in", user.partner_id.id),
    ]


def travel_participant_or_404(participant_id):
    """The visitor's own participant (read with its rights), else 404."""
    participant = request.env["travel.participant"].search(
        travel_participant_domain() + [("id", "=", int(participant_id))]
    )
    if not participant:
        raise NotFound()
    return participant


def travel_is_reseller():
    """The portal user's company sells our departures (a professional)."""
    customer = request.env.user.commercial_partner_id.sudo()
    return customer.customer_type_id.category == "professional"


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
        if not counters:
            # which tiles the home page shows: each to those it concerns
            values["travel_is_reseller"] = travel_is_reseller()
            values["travel_has_participants"] = self._travel_participants_concern()
        if "travel_client_quote_count" in counters:
            values["travel_client_quote_count"] = (
                request.env["sale.order"].search_count(
                    self._travel_client_orders_domain("quotes")
                )
                if travel_is_reseller()
                else 0
            )
        if "travel_client_booking_count" in counters:
            values["travel_client_booking_count"] = (
                request.env["sale.order"].search_count(
                    self._travel_client_orders_domain("bookings")
                )
                if travel_is_reseller()
                else 0
            )
        if "travel_participant_count" in counters:
            values["travel_participant_count"] = portal_count(
                "travel.participant", self._travel_participant_domain()
            )
        if "travel_departure_count" in counters:
            values["travel_departure_count"] = portal_count(
                "travel.departure.offer", self._travel_offer_domain()
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
        readonly=True,
    )
    def portal_my_departures(self, page=1, sortby=None, **kw):
        if not travel_is_reseller():
            raise NotFound()
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
        if not travel_is_reseller():
            raise NotFound()
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
        readonly=True,
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

    # ------------------------------------------------------------ CLIENT ORDERS
    _travel_client_states = {
        "quotes": [("state", "in", ("draft", "sent"))],
        "bookings": [("state", "=", "sale")],
    }

    def _travel_client_orders_domain(self, kind):
        """The reseller's orders for its end clients (read with the portal
        user's rights: the record rules show its company's own only)."""
        return [
            ("partner_id", "child_of", request.env.user.commercial_partner_id.id),
            ("travel_end_client_id", "!=", False),
        ] + self._travel_client_states[kind]

    def _prepare_quotations_domain(self, partner):
        """A reseller's quotations for its clients are listed from their
        creation on, not only once sent (the core lists sent ones only)."""
        domain = super()._prepare_quotations_domain(partner)
        if not travel_is_reseller():
            return domain
        return expression.OR([domain, self._travel_client_orders_domain("quotes")])

    def _travel_client_sortings(self):
        return {
            "date": {"label": _("Newest"), "order": "date_order desc, id desc"},
            "start": {"label": _("Travel date"), "order": "travel_date_start, id"},
            "client": {"label": _("End client"), "order": "travel_end_client_id, id"},
            "name": {"label": _("Reference"), "order": "name desc"},
            "amount": {"label": _("Amount"), "order": "amount_total desc, id"},
        }

    def _travel_client_filters(self, kind):
        today = fields.Date.context_today(request.env.user)
        filters = {
            "all": {"label": _("All"), "domain": []},
            "upcoming": {
                "label": _("Upcoming trips"),
                "domain": [("travel_date_start", ">=", today)],
            },
            "past": {
                "label": _("Past trips"),
                "domain": [("travel_date_start", "<", today)],
            },
        }
        if kind == "quotes":
            filters["draft"] = {
                "label": _("Not sent yet"),
                "domain": [("state", "=", "draft")],
            }
            filters["sent"] = {
                "label": _("Sent to the client"),
                "domain": [("state", "=", "sent")],
            }
        return filters

    def _travel_client_inputs(self):
        return {
            "all": {"input": "all", "label": _("Search in All")},
            "client": {"input": "client", "label": _("Search End client")},
            "departure": {"input": "departure", "label": _("Search Departure")},
            "name": {"input": "name", "label": _("Search Reference")},
        }

    def _travel_client_search_domain(self, search_in, search):
        fnames = {
            "client": ["travel_end_client_id.name"],
            "departure": ["travel_departure_id.name"],
            "name": ["name"],
        }.get(search_in) or [
            "travel_end_client_id.name",
            "travel_departure_id.name",
            "name",
        ]
        return expression.OR([[(fname, "ilike", search)] for fname in fnames])

    def _travel_render_client_orders(
        self, kind, page=1, sortby=None, filterby=None, search_in="all", search=None
    ):
        if not travel_is_reseller():
            raise NotFound()
        Order = request.env["sale.order"]
        url = f"/my/client_{kind}"
        sortings = self._travel_client_sortings()
        sortby = sortby if sortby in sortings else "date"
        filters = self._travel_client_filters(kind)
        filterby = filterby if filterby in filters else "all"
        inputs = self._travel_client_inputs()
        search_in = search_in if search_in in inputs else "all"
        domain = self._travel_client_orders_domain(kind) + filters[filterby]["domain"]
        search = (search or "").strip()[:128]
        if search:
            domain += self._travel_client_search_domain(search_in, search)
        pager = portal_pager(
            url=url,
            url_args={
                "sortby": sortby,
                "filterby": filterby,
                "search_in": search_in,
                "search": search,
            },
            total=Order.search_count(domain),
            page=page,
            step=self._travel_departures_per_page,
        )
        orders = Order.search(
            domain,
            order=sortings[sortby]["order"],
            limit=self._travel_departures_per_page,
            offset=pager["offset"],
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "orders": orders.sudo(),
                "kind": kind,
                "page_name": f"travel_client_{kind}",
                "pager": pager,
                "default_url": url,
                "searchbar_sortings": sortings,
                "sortby": sortby,
                "searchbar_filters": filters,
                "filterby": filterby,
                "searchbar_inputs": inputs,
                "search_in": search_in,
                "search": search,
            }
        )
        history = "my_quotations_history" if kind == "quotes" else "my_orders_history"
        request.session[history] = orders.ids[:100]
        return request.render("travel_customer.portal_my_client_orders", values)

    @http.route(
        ["/my/client_quotes", "/my/client_quotes/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
        readonly=True,
    )
    def portal_my_client_quotes(self, page=1, **kw):
        """A reseller's quotations for its clients, 20 a page."""
        return self._travel_render_client_orders("quotes", page=page, **kw)

    @http.route(
        ["/my/client_bookings", "/my/client_bookings/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
        readonly=True,
    )
    def portal_my_client_bookings(self, page=1, **kw):
        """A reseller's confirmed bookings for its clients, 20 a page."""
        return self._travel_render_client_orders("bookings", page=page, **kw)

    def _travel_client_quote(self, order_id):
        """The reseller's own quotation for a client (as superuser once the
        rules have found it), else 404: another reseller's, a missing one and
        a booking already confirmed answer alike."""
        if not travel_is_reseller():
            raise NotFound()
        order = request.env["sale.order"].search(
            self._travel_client_orders_domain("quotes") + [("id", "=", int(order_id))]
        )
        if not order:
            raise NotFound()
        return order.sudo()

    @http.route(
        "/my/client_quotes/<int:order_id>/send",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_client_quote_send(self, order_id, note=None, **kw):
        """Send the quotation to the end client by e-mail, with its link
        (Odoo's portal share), and mark it sent."""
        order = self._travel_client_quote(order_id)
        client = order.travel_end_client_id
        if not client.email:
            travel_flash(
                _("%s has no e-mail address: nothing was sent.", client.name),
                "danger",
            )
            return request.redirect(order.get_portal_url())
        share = (
            request.env["portal.share"]
            .sudo()
            .create(
                {
                    "res_model": order._name,
                    "res_id": order.id,
                    "partner_ids": [Command.set(client.ids)],
                    "note": (note or "").strip()[:2000],
                }
            )
        )
        share._send_public_link()
        if order.state == "draft":
            order.action_quotation_sent()
        travel_flash(
            _(
                "The quotation was sent to %(client)s (%(email)s).",
                client=client.name,
                email=client.email,
            )
        )
        return request.redirect(order.get_portal_url())

    @http.route(
        "/my/client_quotes/<int:order_id>/confirm",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_client_quote_confirm(self, order_id, **kw):
        """The reseller confirms its client's quotation: the seats are taken
        now (refused when the departure is full or the contact preferences
        were not confirmed for this order)."""
        order = self._travel_client_quote(order_id)
        refusal = _travel_refusal(order.id, order.access_token, self, consents=True)
        if not refusal:
            try:
                with request.env.cr.savepoint():
                    order.action_confirm()
            except (UserError, ValidationError) as error:
                refusal = error.args[0]
        if refusal:
            travel_flash(refusal, "danger")
        else:
            travel_flash(_("%s is confirmed: the seats are yours.", order.name))
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
        return travel_participant_domain()

    def _travel_participants_concern(self):
        """The participants pages are for families: anyone with participants,
        and any customer but a reseller (who may add its first child)."""
        Participant = request.env["travel.participant"]
        if not Participant.has_access("read"):
            return False
        return not travel_is_reseller() or bool(
            Participant.search_count(travel_participant_domain(), limit=1)
        )

    def _travel_health_shown(self):
        """Health data is the family's own; a staff member viewing the portal
        as the customer sees it only from the Health data group."""
        real_user = request.env["res.users"]._travel_real_user()
        return real_user == request.env.user or real_user.has_group(HEALTH_GROUP)

    def _travel_participant(self, participant_id):
        return travel_participant_or_404(participant_id)

    @http.route(
        "/my/participants",
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
        readonly=True,
    )
    def portal_my_participants(self, **kw):
        if not self._travel_participants_concern():
            raise NotFound()
        return self._travel_render_participants()

    def _travel_render_participants(self, error=None, form=None, status=200):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "participants": request.env["travel.participant"].search(
                    self._travel_participant_domain()
                ),
                "page_name": "travel_participants",
                "show_health": self._travel_health_shown(),
                "error": error,
                "form": form or {},
            }
        )
        return request.render(
            "travel_customer.portal_my_participants", values, status=status
        )

    @http.route(
        "/my/participants/new",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_participant_new(self, **post):
        """A guardian adds a child: it belongs to the guardian's account and
        the guardian is its legal guardian. Health data as on the
        participant's page: only the family itself (or the Health data group)
        writes it."""
        if not self._travel_participants_concern():
            raise NotFound()
        names = ("first_name", "last_name")
        form = {
            f: (post.get(f) or "").strip()
            for f in names + ("birth_date",) + self._travel_health_fields
        }
        health = {f: form[f] for f in self._travel_health_fields if form[f]}
        birth_date, errors = self._travel_check_new_participant(form, health)
        if errors:
            return self._travel_render_participants(
                error="\n".join(errors), form=form, status=400
            )
        user = request.env.user
        participant = (
            request.env["travel.participant"]
            .sudo()
            .create(
                {
                    "first_name": form["first_name"],
                    "last_name": form["last_name"],
                    "birth_date": birth_date,
                    "partner_id": user.commercial_partner_id.id,
                    "guardian_ids": [Command.link(user.partner_id.id)],
                    **health,
                }
            )
        )
        travel_flash(_("%s is added.", participant.name))
        return request.redirect(f"/my/participants/{participant.id}")

    def _travel_check_new_participant(self, form, health):
        """What is wrong in the new participant's ``form``, every reason at
        once: ``(birth date, [error, ...])``."""
        names = ("first_name", "last_name")
        errors = []
        if not all(form[f] for f in names):
            errors.append(_("Enter the first and last name."))
        if any(len(form[f]) > 128 for f in names):
            errors.append(_("The name is too long (128 characters)."))
        birth_date = False
        try:
            birth_date = fields.Date.to_date(form["birth_date"] or None)
        except ValueError:
            errors.append(_("The birth date is not a date."))
        if birth_date and birth_date > fields.Date.context_today(request.env.user):
            errors.append(_("The birth date is in the future."))
        if health and not self._travel_health_shown():
            errors.append(
                _(
                    "Only the Health data group may see or change allergies and "
                    "treatments: nothing was saved."
                )
            )
        if any(len(v) > self._travel_max_length(f) for f, v in health.items()):
            errors.append(_("Allergies and treatments: 2000 characters at most."))
        return birth_date, errors

    @http.route(
        "/my/participants/<int:participant_id>",
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
        readonly=travel_readonly_get,
    )
    def portal_my_participant(self, participant_id, **post):
        """A participant, its bookings, and what its family may update:
        address, allergies and treatments. Health data is written as superuser
        once the rules have shown the participant is the user's own; it is
        neither shown nor written for staff outside the Health data group
        viewing the portal as the customer."""
        participant = self._travel_participant(participant_id)
        show_health = self._travel_health_shown()
        error = None
        status = 200
        if request.httprequest.method == "POST":
            error, status = self._travel_update_participant(
                participant, post, show_health
            )
            if not error:
                travel_flash(_("Saved."))
                return request.redirect(f"/my/participants/{participant.id}")
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "participant": participant,
                "participant_sudo": participant.sudo(),
                "documents": request.env["travel.customer.document"]
                .sudo()
                .search([("participant_id", "=", participant.id)]),
                "document_types": request.env["travel.customer.document.type"].search(
                    []
                ),
                "max_size_mb": request.env["travel.customer.document"]._max_size_mb(),
                "countries": request.env["res.country"].sudo().search([]),
                "page_name": "travel_participant",
                "error": error,
                "show_health": show_health,
            }
        )
        return request.render(
            "travel_customer.portal_my_participant", values, status=status
        )

    def _travel_update_participant(self, participant, post, show_health):
        """Write the family's changes to ``participant`` (as superuser: the
        rules have shown it is the user's own), or nothing at all with the
        reason: ``(error or None, HTTP status)``."""
        error, status = None, 200
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
            f for f in fnames if vals[f] and len(vals[f]) > self._travel_max_length(f)
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
        return error, status
