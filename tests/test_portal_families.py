# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import re
from datetime import date, timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .test_document import PDF

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class PortalMixin:
    def _csrf(self, url="/my/consents"):
        return CSRF.search(self.url_open(url).text)[1]

    def _post(self, url, data=None, files=None, token_url="/my/consents"):
        return self.url_open(
            url,
            data={"csrf_token": self._csrf(token_url), **(data or {})},
            files=files,
        )


@tagged("post_install", "-at_install")
class TestResellerClientOrders(PortalMixin, HttpCase):
    """A reseller finds, sends and confirms its clients' quotations; another
    reseller's answer 404; the other customers see no reseller page."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.context_today(cls.env.user)
        cls.stay = cls.env["product.product"].create(
            {"name": "Portal Corsica", "type": "service", "travel_is_stay": True}
        )
        professional = cls.env.ref("travel_customer.customer_type_professional")
        cls.agency, cls.council = cls.env["res.partner"].create(
            [
                {
                    "name": name,
                    "is_company": True,
                    "customer_type_id": professional.id,
                }
                for name in ("Agence Mistral", "Comité Est")
            ]
        )
        cls.departures = cls.env["travel.departure"].create(
            [
                {
                    "product_id": cls.stay.id,
                    "date_start": today + timedelta(days=days),
                    "date_end": today + timedelta(days=days + 7),
                    "capacity": 30,
                    "price": price,
                }
                for days, price in ((20, 1000.0), (40, 1500.0))
            ]
        )
        Assignment = cls.env["travel.departure.assignment"]
        Assignment._assign(cls.agency, cls.departures)
        Assignment._assign(cls.council, cls.departures)
        cls.agency_user = cls._user("mistral_portal", cls.agency)
        cls.council_user = cls._user("est_portal", cls.council)
        cls.walk_in = new_test_user(
            cls.env, login="plain_portal", groups="base.group_portal"
        )

    @classmethod
    def _user(cls, login, company):
        user = new_test_user(cls.env, login=login, groups="base.group_portal")
        user.partner_id.parent_id = company
        return user

    def _quote(self, reseller, client, departure=None, seats=2):
        offer = self.env["travel.departure.offer"].search(
            [
                ("partner_id", "=", reseller.id),
                ("departure_id", "=", (departure or self.departures[0]).id),
            ]
        )
        user = self.agency_user if reseller == self.agency else self.council_user
        return offer.with_user(user)._create_quotation(
            client, f"{client.split()[0].lower()}@client.example", seats
        )

    def _rows(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return re.findall(r'class="o_travel_end_client">([^<]+)<', response.text)

    def test_quotation_found_again_in_the_lists(self):
        """The quote made on the portal is draft: it used to vanish (Odoo's
        portal lists sent quotations only)."""
        self.authenticate("mistral_portal", "mistral_portal")
        response = self._post(
            f"/my/departures/{self.departures[0].id}/quotation",
            {
                "client_name": "Lycée Fabre",
                "client_email": "fabre@client.example",
                "participants": "4",
            },
        )
        order = self.departures[0].order_ids
        self.assertIn("Lycée Fabre", response.text)  # the quote names its client
        self.assertIn("o_travel_order_dates", response.text)
        self.assertEqual(order.state, "draft")
        self.assertEqual(self._rows("/my/client_quotes"), ["Lycée Fabre"])
        self.assertIn(order.name, self.url_open("/my/quotes").text)
        self.assertEqual(self._rows("/my/client_bookings"), [])
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["travel_client_quote_count"]}
        )
        self.assertEqual(counters["travel_client_quote_count"], 1)

    def test_sort_filter_search_and_pages(self):
        self._quote(self.agency, "Zola Club", self.departures[1])
        self._quote(self.agency, "Alpha Club", self.departures[0])
        self._quote(self.council, "Council Client")
        self.authenticate("mistral_portal", "mistral_portal")
        self.assertEqual(
            self._rows("/my/client_quotes?sortby=start"), ["Alpha Club", "Zola Club"]
        )
        self.assertEqual(
            self._rows("/my/client_quotes?sortby=client"), ["Alpha Club", "Zola Club"]
        )
        self.assertEqual(
            self._rows("/my/client_quotes?search_in=client&search=zola"),
            ["Zola Club"],
        )
        self.assertEqual(self._rows("/my/client_quotes?filterby=sent"), [])
        self.assertEqual(len(self._rows("/my/client_quotes?filterby=upcoming")), 2)
        for index in range(20):
            self._quote(self.agency, f"Client {index:02d}", seats=1)
        self.assertEqual(len(self._rows("/my/client_quotes")), 20)
        self.assertEqual(len(self._rows("/my/client_quotes/page/2")), 2)
        self.assertNotIn("Council Client", self.url_open("/my/client_quotes").text)

    def test_send_and_confirm(self):
        order = self._quote(self.agency, "Mairie Bastia")
        self.authenticate("mistral_portal", "mistral_portal")
        token_url = order.get_portal_url()
        page = self.url_open(token_url).text
        self.assertIn("o_travel_client_send", page)
        response = self._post(
            f"/my/client_quotes/{order.id}/send",
            {"note": "Bonne lecture"},
            token_url=token_url,
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("The quotation was sent to Mairie Bastia", response.text)
        self.assertEqual(order.state, "sent")
        mail = self.env["mail.message"].search(
            [
                ("model", "=", "sale.order"),
                ("res_id", "=", order.id),
                ("partner_ids", "in", order.travel_end_client_id.id),
            ]
        )
        self.assertTrue(mail)
        self.assertIn("Bonne lecture", mail[0].body)
        # the contact preferences are confirmed at each online order first
        response = self._post(
            f"/my/client_quotes/{order.id}/confirm", token_url=token_url
        )
        self.assertIn("confirm your contact preferences", response.text)
        self.assertEqual(order.state, "sent")
        order.travel_consent_confirmed = True
        response = self._post(
            f"/my/client_quotes/{order.id}/confirm", token_url=token_url
        )
        self.assertIn("is confirmed", response.text)
        self.assertEqual(order.state, "sale")
        self.assertEqual(self._rows("/my/client_bookings"), ["Mairie Bastia"])

    @mute_logger("odoo.http", "werkzeug")
    def test_other_resellers_quote_and_booking_not_found(self):
        theirs = self._quote(self.council, "Council Secret")
        booking = self._quote(self.council, "Council Booked")
        booking.action_confirm()
        self.authenticate("mistral_portal", "mistral_portal")
        for order in (theirs, booking):
            for action in ("send", "confirm"):
                response = self._post(f"/my/client_quotes/{order.id}/{action}")
                self.assertEqual(response.status_code, 404)
            # Odoo's own order page sends it back to /my, as for any order it
            # may not see
            response = self.url_open(f"/my/orders/{order.id}", allow_redirects=False)
            self.assertEqual(response.status_code, 303)
            self.assertTrue(response.headers["Location"].endswith("/my"))
            response = self.url_open(f"/my/trips/{order.id}")
            self.assertEqual(response.status_code, 404)
        missing = self._post("/my/client_quotes/999999999/send")
        self.assertEqual(missing.status_code, 404)
        self.assertEqual(theirs.state, "draft")
        self.assertEqual(booking.state, "sale")
        self.assertFalse(
            self.env["mail.message"].search_count(
                [("res_id", "=", theirs.id), ("model", "=", "sale.order")]
                + [("partner_ids", "in", theirs.travel_end_client_id.id)]
            )
        )
        for url in ("/my/client_quotes", "/my/client_bookings"):
            self.assertNotIn("Council", self.url_open(url).text)

    @mute_logger("odoo.http", "werkzeug")
    def test_reseller_pages_for_resellers_only(self):
        self.authenticate("plain_portal", "plain_portal")
        for url in (
            "/my/departures",
            f"/my/departures/{self.departures[0].id}",
            "/my/client_quotes",
            "/my/client_bookings",
        ):
            self.assertEqual(self.url_open(url).status_code, 404, url)
        home = self.url_open("/my").text
        self.assertNotIn('href="/my/departures"', home)
        self.assertNotIn('href="/my/client_quotes"', home)
        self.authenticate("mistral_portal", "mistral_portal")
        home = self.url_open("/my").text
        self.assertIn('href="/my/departures"', home)
        self.assertIn('href="/my/client_quotes"', home)
        self.assertIn("travel-departures.svg", home)

    def test_tour_reseller_quote_send_confirm(self):
        self.start_tour(
            "/my/departures", "travel_customer_reseller_portal", login="mistral_portal"
        )
        order = self.departures.order_ids
        self.assertEqual(order.travel_end_client_id.name, "Mairie de Calvi")
        self.assertEqual(order.state, "sale")


@tagged("post_install", "-at_install")
class TestFamilyPortal(PortalMixin, HttpCase):
    """Guardians add children, send their documents, see their trips; never
    another family's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lang in ("fr_FR", "de_DE"):
            cls.env["res.lang"]._activate_lang(lang)
        cls.env["ir.module.module"]._load_module_terms(
            ["travel_customer"], ["fr_FR", "de_DE"], overwrite=True
        )
        Participant = cls.env["travel.participant"]
        cls.guardian = new_test_user(
            cls.env, login="family_one", groups="base.group_portal", name="Gina Fam"
        )
        cls.other = new_test_user(
            cls.env, login="family_two", groups="base.group_portal", name="Gus Fam"
        )
        cls.tom = Participant.create(
            {
                "first_name": "Tom",
                "last_name": "Guardianed",
                "birth_date": date(2015, 5, 4),
                "partner_id": cls.guardian.partner_id.id,
                "guardian_ids": [(4, cls.guardian.partner_id.id)],
            }
        )
        cls.ines = Participant.create(
            {
                "first_name": "Inès",
                "last_name": "Secret",
                "partner_id": cls.other.partner_id.id,
                "guardian_ids": [(4, cls.other.partner_id.id)],
            }
        )
        today = fields.Date.context_today(cls.env.user)
        stay = cls.env["product.product"].create(
            {"name": "Family Crete", "type": "service", "travel_is_stay": True}
        )
        cls.departure = cls.env["travel.departure"].create(
            {
                "product_id": stay.id,
                "date_start": today + timedelta(days=30),
                "date_end": today + timedelta(days=37),
                "capacity": 10,
                "price": 700.0,
            }
        )
        cls.id_card = cls.env.ref("travel_customer.document_type_id_card")
        cls.id_card.write({"required": True, "sequence": -1})  # first offered
        cls.orders = cls.env["sale.order"].create(
            [
                {
                    "partner_id": family.partner_id.id,
                    "travel_departure_id": cls.departure.id,
                    "travel_participant_ids": [(6, 0, child.ids)],
                    "order_line": [(0, 0, {"product_id": stay.id})],
                }
                for family, child in ((cls.guardian, cls.tom), (cls.other, cls.ines))
            ]
        )
        cls.orders.action_confirm()

    def test_add_a_child(self):
        self.authenticate("family_one", "family_one")
        response = self._post(
            "/my/participants/new",
            {
                "first_name": "Zoé",
                "last_name": "Guardianed",
                "birth_date": "2018-03-14",
                "allergies": "Kiwi",
            },
        )
        child = self.env["travel.participant"].search([("first_name", "=", "Zoé")])
        self.assertEqual(child.partner_id, self.guardian.partner_id)
        self.assertEqual(child.guardian_ids, self.guardian.partner_id)
        self.assertEqual(child.sudo().allergies, "Kiwi")
        self.assertIn(f"/my/participants/{child.id}", response.url)
        self.assertIn("Zoé Guardianed is added.", response.text)
        # refused: nothing written, the form kept
        response = self._post(
            "/my/participants/new",
            {"first_name": "Max", "last_name": "", "birth_date": "2999-01-01"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("Enter the first and last name.", response.text)
        self.assertIn("The birth date is in the future.", response.text)
        self.assertFalse(
            self.env["travel.participant"].search_count([("first_name", "=", "Max")])
        )
        # the other family does not see the child
        self.authenticate("family_two", "family_two")
        self.assertNotIn("Zoé", self.url_open("/my/participants").text)

    def test_document_for_a_child_and_its_trip(self):
        self.authenticate("family_one", "family_one")
        trip = self.url_open(f"/my/trips/{self.orders[0].id}").text
        self.assertIn("o_travel_trip_document_missing", trip)
        response = self._post(
            f"/my/participants/{self.tom.id}/documents/upload",
            {"type_id": str(self.id_card.id), "number": "TOM-1"},
            files={"file": ("tom.pdf", PDF)},
        )
        self.assertIn("TOM-1", response.text)
        self.assertIn("is received, thank you", response.text)
        document = self.env["travel.customer.document"].search(
            [("participant_id", "=", self.tom.id)]
        )
        self.assertEqual(document.partner_id, self.guardian.partner_id)
        trip = self.url_open(f"/my/trips/{self.orders[0].id}").text
        self.assertIn("o_travel_trip_document_given", trip)
        self.assertIn("Tom Guardianed", trip)
        page = self.url_open(f"/my/participants/{self.tom.id}").text
        self.assertIn(f"/my/trips/{self.orders[0].id}", page)
        response = self.url_open(f"/my/documents/{document.id}/file")
        self.assertEqual(response.content, PDF)

    def test_guardian_of_another_account(self):
        """A guardian who is not the account holder still sees the child's
        trip and sends its documents."""
        nanny = new_test_user(
            self.env, login="family_guardian", groups="base.group_portal"
        )
        self.tom.guardian_ids = [(4, nanny.partner_id.id)]
        self.authenticate("family_guardian", "family_guardian")
        trip = self.url_open(f"/my/trips/{self.orders[0].id}")
        self.assertEqual(trip.status_code, 200)
        self.assertIn("Tom Guardianed", trip.text)
        self.assertIn("The customer who booked downloads them.", trip.text)

    @mute_logger("odoo.http", "werkzeug")
    def test_other_family_not_found(self):
        self.authenticate("family_one", "family_one")
        before = self.env["travel.customer.document"].search_count([])
        response = self._post(
            f"/my/participants/{self.ines.id}/documents/upload",
            {"type_id": str(self.id_card.id), "number": "X"},
            files={"file": ("x.pdf", PDF)},
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.env["travel.customer.document"].search_count([]), before)
        theirs = self.env["travel.customer.document"].create(
            {
                "partner_id": self.other.partner_id.id,
                "participant_id": self.ines.id,
                "type_id": self.id_card.id,
                "file": base64.b64encode(PDF),
                "file_name": "ines.pdf",
            }
        )
        for url in (
            f"/my/trips/{self.orders[1].id}",
            "/my/trips/999999999",
            f"/my/participants/{self.ines.id}",
            f"/my/documents/{theirs.id}/file",
        ):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 404, url)
            self.assertNotIn("Inès", response.text)
        self.assertNotIn("Inès", self.url_open("/my/participants").text)
        self.assertNotIn("ines.pdf", self.url_open("/my/documents").text)

    def test_tiles_and_wallet_unit(self):
        self.authenticate("family_one", "family_one")
        home = self.url_open("/my").text
        self.assertIn('href="/my/participants"', home)
        self.assertNotIn('href="/my/wallet"', home)
        card = self.env["loyalty.card"]._travel_wallet(self.guardian.partner_id)
        card._travel_move(38.4, "Cashback")
        home = self.url_open("/my").text
        self.assertIn('href="/my/wallet"', home)
        symbol = self.env.company.currency_id.symbol
        tile = re.search(r'o_travel_wallet_tile_balance">(.*?)</span>\s*</', home, re.S)
        self.assertIn("38.40", tile[1])
        self.assertIn(symbol, tile[1])
        self.assertNotIn("Points", home)
        self.assertIn(symbol, card.points_display)

    def test_tour_guardian_family(self):
        self.start_tour("/my", "travel_customer_family_portal", login="family_one")
        self.assertTrue(
            self.env["travel.participant"].search([("first_name", "=", "Zoé")])
        )
        self.assertTrue(
            self.env["travel.customer.document"].search(
                [("participant_id", "=", self.tom.id), ("number", "=", "TOM-ID-1")]
            )
        )

    def test_tour_guardian_family_in_german(self):
        self.guardian.lang = "de_DE"
        self.start_tour("/my", "travel_customer_family_portal", login="family_one")
        self.assertTrue(
            self.env["travel.participant"].search([("first_name", "=", "Zoé")])
        )

    def test_tour_customer_sees_dates_in_french(self):
        self.guardian.lang = "fr_FR"
        self.tom.partner_id = self.guardian.partner_id
        self.start_tour("/my", "travel_customer_order_trip", login="family_one")
