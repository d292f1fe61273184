# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user

from .test_departure import DepartureCommon


class TestAssignmentScreen(DepartureCommon):
    """The reseller's assignment screen and the portal quotation, as models."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Offer = cls.env["travel.departure.offer"]
        cls.august = cls._departure(90, price=800.0, capacity=30)
        cls.other_stay = cls.env["product.product"].create(
            {"name": "Alps trek", "type": "service", "travel_is_stay": True}
        )
        cls.alps = cls.Departure.create(
            {
                "product_id": cls.other_stay.id,
                "date_start": cls.today,
                "date_end": cls.today,
                "price": 300.0,
            }
        )

    def _offers(self, reseller=None, domain=(), order=None):
        self.env.flush_all()
        self.env.invalidate_all()
        # the stays of this test only, whatever departures the database holds
        stays = (self.stay | self.other_stay).ids
        return self.Offer.search(
            [
                ("partner_id", "=", (reseller or self.town_hall).id),
                ("product_id", "in", stays),
                *domain,
            ],
            order=order,
        )

    def _assigned(self, reseller=None):
        return self._offers(reseller, [("assigned", "=", True)]).departure_id

    def test_lists_every_active_departure_with_reseller_price(self):
        offers = self._offers()
        departures = self.june | self.july | self.august | self.alps
        self.assertEqual(offers.departure_id, departures)
        self.assertFalse(any(offers.mapped("assigned")))
        june = offers.filtered(lambda o: o.departure_id == self.june)
        self.assertEqual(june.markup, 10.0)
        self.assertAlmostEqual(june.reseller_price, 1100.0)
        self.assertEqual(june.seats_left, 10)
        self.alps.active = False
        self.assertNotIn(self.alps, self._offers().departure_id)
        # a customer who is not a reseller has no screen
        self.assertFalse(self._offers(self.customer))

    def test_filters_and_sort(self):
        self.assertEqual(
            self._offers(domain=[("product_id", "=", self.stay.id)]).departure_id,
            self.june | self.july | self.august,
        )
        self.assertEqual(
            self._offers(
                domain=[
                    ("date_start", ">=", self.july.date_start),
                    ("date_end", "<=", self.july.date_end),
                ]
            ).departure_id,
            self.july,
        )
        # reseller prices: june 1100, july 1320, august 880, alps 330
        self.assertEqual(
            self._offers(domain=[("reseller_price", ">", 1100)]).departure_id,
            self.july,
        )
        self.assertEqual(
            self._offers(domain=[("reseller_price", "<", 1100)]).departure_id,
            self.august | self.alps,
        )
        by_price = self._offers(order="reseller_price desc").departure_id
        self.assertEqual(
            by_price.ids, (self.july | self.june | self.august | self.alps).ids
        )
        by_seats = self._offers(order="seats_left desc, date_start").departure_id
        self.assertEqual(by_seats[0], self.august)
        for column in ("product_id", "date_end", "price", "markup", "assigned"):
            self.assertEqual(len(self._offers(order=f"{column} desc")), 4)

    def test_assign_remove_and_markup_on_selected_lines(self):
        offers = self._offers(
            domain=[("departure_id", "in", (self.june | self.july).ids)]
        )
        offers.action_assign()
        self.assertEqual(self._assigned(), self.june | self.july)
        self.assertFalse(self._assigned(self.works_council))
        # assigning again changes nothing
        self._offers(domain=[("departure_id", "=", self.june.id)]).action_assign()
        self.assertEqual(len(self.town_hall.travel_assignment_ids), 2)

        action = self._offers(
            domain=[("departure_id", "=", self.july.id)]
        ).action_set_markup()
        wizard = (
            self.env[action["res_model"]]
            .with_context(**action["context"])
            .create({"markup": 25.0})
        )
        self.assertEqual(wizard.partner_id, self.town_hall)
        wizard.action_apply()
        july = self._offers(domain=[("departure_id", "=", self.july.id)])
        self.assertTrue(july.markup_override)
        self.assertAlmostEqual(july.reseller_price, 1500.0)

        wizard = (
            self.env[action["res_model"]]
            .with_context(**action["context"])
            .create({"reseller_default": True})
        )
        wizard.action_apply()
        july = self._offers(domain=[("departure_id", "=", self.july.id)])
        self.assertFalse(july.markup_override)
        self.assertAlmostEqual(july.reseller_price, 1320.0)

        self._offers(domain=[("departure_id", "=", self.june.id)]).action_unassign()
        self.assertEqual(self._assigned(), self.july)

    def test_markup_refusals_leave_data_unchanged(self):
        offers = self._offers(domain=[("departure_id", "=", self.june.id)])
        offers.action_assign()
        action = offers.action_set_markup()
        wizard = (
            self.env[action["res_model"]]
            .with_context(**action["context"])
            .create({"markup": -100.0})
        )
        with self.assertRaisesRegex(UserError, "zero or negative"):
            wizard.action_apply()
        june = self._offers(domain=[("departure_id", "=", self.june.id)])
        self.assertFalse(june.markup_override)
        self.assertAlmostEqual(june.reseller_price, 1100.0)
        # two resellers at once are refused
        both = self.Offer.search(
            [
                ("partner_id", "in", (self.town_hall | self.works_council).ids),
                ("departure_id", "=", self.july.id),
            ]
        )
        with self.assertRaisesRegex(UserError, "one reseller at a time"):
            both.action_assign()
        self.assertFalse(self._assigned(self.works_council))

    def test_assign_all_listed_is_a_snapshot(self):
        self.Offer.with_context(
            travel_all=True,
            active_domain=[
                ("partner_id", "=", self.town_hall.id),
                ("product_id", "=", self.stay.id),
            ],
        ).action_assign()
        self.assertEqual(self._assigned(), self.june | self.july | self.august)
        later = self._departure(120, price=900.0)
        self.assertNotIn(later, self._assigned())
        self.Offer.with_context(
            travel_all=True,
            active_domain=[
                ("partner_id", "=", self.town_hall.id),
                ("product_id", "=", self.stay.id),
            ],
        ).action_unassign()
        self.assertFalse(self._assigned())

    def test_salesman_without_travel_rights_cannot_assign(self):
        clerk = new_test_user(self.env, login="clerk", groups="base.group_user")
        offers = self._offers(domain=[("departure_id", "=", self.june.id)])
        with self.assertRaises(AccessError):
            offers.with_user(clerk).action_assign()
        self.assertFalse(self._assigned())

    def test_open_from_reseller(self):
        action = self.town_hall.action_travel_assign_departures()
        self.assertEqual(action["res_model"], "travel.departure.offer")
        self.assertEqual(action["domain"], [("partner_id", "=", self.town_hall.id)])
        self.assertIn(self.town_hall.name, action["display_name"])

    def test_quotation_for_end_client(self):
        self._offers(domain=[("departure_id", "=", self.june.id)]).action_assign()
        offer = self._offers(domain=[("departure_id", "=", self.june.id)])
        order = offer._create_quotation(
            "Mairie de Bastia", "Accueil@Bastia.example ", 4
        )
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.partner_id, self.town_hall)
        self.assertEqual(order.travel_departure_id, self.june)
        self.assertEqual(order.travel_seats, 4)
        self.assertEqual(order.order_line.product_uom_qty, 4)
        self.assertAlmostEqual(order.amount_untaxed, 4400.0)
        client = order.travel_end_client_id
        self.assertEqual(client.parent_id, self.town_hall)
        self.assertEqual(client.email, "accueil@bastia.example")
        # a quotation takes no seat, its confirmation does
        self.june.invalidate_recordset()
        self.assertEqual(self.june.seats_left, 10)
        order.action_confirm()
        self.june.invalidate_recordset()
        self.assertEqual(self.june.seats_left, 6)
        # the same client again is the same contact
        again = offer._create_quotation("Mairie de Bastia", "accueil@bastia.example", 1)
        self.assertEqual(again.travel_end_client_id, client)

    def test_quotation_refusals(self):
        self._offers(domain=[("departure_id", "=", self.june.id)]).action_assign()
        offer = self._offers(domain=[("departure_id", "=", self.june.id)])
        orders = self.env["sale.order"].search_count([])
        for name, email, count, message in (
            ("", "a@b.example", 1, "name of your client"),
            ("Client", "not an e-mail", 1, "valid e-mail"),
            ("Client", "a@b.example", 0, "number of participants"),
            ("Client", "a@b.example", 11, "Only 10 seats are left"),
        ):
            with self.assertRaisesRegex(ValidationError, message):
                offer._create_quotation(name, email, count)
        self.assertEqual(self.env["sale.order"].search_count([]), orders)
        self.assertEqual(self.town_hall.child_ids.mapped("email"), [])
