# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime

from odoo.tests import tagged

from .common import TravelCustomerCommon


@tagged("post_install", "-at_install")
class TestSearchRanking(TravelCustomerCommon):
    """The customer typed comes first: the text as the name, then as a phrase
    in the name, then its words in the name, then across the other fields;
    ties by the most recent booking, then by name. A typo still finds it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        names = {
            "across": ("Jean Dupont", {"street": "3 rue Martin"}),
            "any_order": ("Martin Jean", {}),
            "in_order": ("Jean-Claude Martin", {}),
            "substring": ("Jean Martinez", {}),
            "phrase": ("Pierre Jean Martin", {}),
            "name_old": ("Jean Martin", {"zip": "75011"}),
            "name_none": ("Jean Martin", {"zip": "69002"}),
            "name_recent": ("Jean Martin", {"city": "Lyon"}),
            "typo": ("Anna Kowalczyk", {}),
            "short": ("Brenda Jones", {}),
        }
        cls.p = {
            key: cls.Partner.create({"name": name, **values})
            for key, (name, values) in names.items()
        }
        cls._booked(cls.p["name_old"], datetime(2024, 3, 1))
        cls._booked(cls.p["name_recent"], datetime(2025, 6, 1))
        # a quotation is not a booking
        cls._create_order(cls.p["name_none"], date_order=datetime(2025, 9, 1))
        # demo data has namesakes: look only among the customers made here
        cls.scope = [("id", "in", [p.id for p in cls.p.values()])]

    @classmethod
    def _booked(cls, partner, when):
        order = cls._create_order(partner)
        order.action_confirm()
        order.date_order = when

    def _keys(self, partners):
        names = {p.id: key for key, p in self.p.items()}
        return [names[p.id] for p in partners]

    def _search(self, text, **kwargs):
        return self.Partner.search([("display_name", "ilike", text)] + self.scope)

    def test_order_of_relevance(self):
        self.assertEqual(
            self._keys(self._search("jean martin")),
            [
                # the name itself, the most recently booked first
                "name_recent",
                "name_old",
                "name_none",
                "phrase",  # whole words of the name
                "substring",  # a phrase in the name
                "in_order",  # the words in the name, in that order
                "any_order",  # the words in the name
                "across",  # the words across the fields
            ],
        )

    def test_ties_by_booking_then_name(self):
        self.assertEqual(
            self._keys(self._search("martin")),
            [
                # "martin", a whole word of the name: booked, then by name
                "name_recent",
                "name_old",
                "name_none",  # Jean Martin
                "in_order",  # Jean-Claude Martin
                "any_order",  # Martin Jean
                "phrase",  # Pierre Jean Martin
                "substring",  # inside a word of the name
                "across",
            ],
        )

    def test_same_order_in_name_search_and_search_view(self):
        expected = [p.id for p in self._search("jean martin")]
        found = self.Partner.name_search("jean martin", args=self.scope, limit=10)
        self.assertEqual([pid for pid, _name in found], expected)
        customers = self.Partner.with_context(res_partner_search_mode="customer")
        found = customers.name_search("jean martin", args=self.scope, limit=3)
        self.assertEqual([pid for pid, _name in found], expected[:3])
        result = self.Partner.with_user(self.salesman).web_search_read(
            [("display_name", "ilike", "jean martin")] + self.scope,
            {"display_name": {}},
            limit=80,
        )
        self.assertEqual([r["id"] for r in result["records"]], expected)
        self.assertEqual(result["length"], len(expected))

    def test_order_chosen_by_the_user_is_kept(self):
        found = self.Partner.search(
            [("display_name", "ilike", "jean martin")] + self.scope,
            order="complete_name desc, id",
        )
        self.assertEqual(
            found.mapped("complete_name"), sorted(found.mapped("complete_name"))[::-1]
        )

    def test_pages_follow_the_ranking(self):
        ranked = self._search("jean martin")
        pages = self.Partner.search(
            [("display_name", "ilike", "jean martin")] + self.scope, limit=3
        ) | self.Partner.search(
            [("display_name", "ilike", "jean martin")] + self.scope, offset=3
        )
        self.assertEqual(pages, ranked)
        self.assertEqual(
            self.Partner.search_count(
                [("display_name", "ilike", "jean martin")] + self.scope
            ),
            len(ranked),
        )

    def test_typo_finds_the_customer(self):
        for typed, key in (
            ("kowalcyzk", "typo"),  # two letters swapped
            ("kowalczk", "typo"),  # one letter missing
            ("kowalczyx", "typo"),  # one letter wrong
            ("kowallczyk", "typo"),  # one letter too many
            ("Anna Kowlaczyk", "typo"),  # and another word typed right
            ("Brenda Jnes", "short"),  # one letter missing from five
            ("Brneda Jnoes", "short"),  # a typo in two words
            ("kowalcyzk " * 8, "typo"),  # typed again and again
        ):
            with self.subTest(typed=typed):
                self.assertEqual(self._keys(self._search(typed)), [key])
                found = self.Partner.name_search(typed, args=self.scope)
                self.assertEqual(found[0][0], self.p[key].id)

    def test_typo_only_when_nothing_matches(self):
        namesake = self.Partner.create({"name": "Anna Kowalczik"})
        scope = [("id", "in", [self.p["typo"].id, namesake.id])]
        found = self.Partner.search([("display_name", "ilike", "kowalczyk")] + scope)
        self.assertEqual(found, self.p["typo"])
        # two typos, or a short word wrong, find nobody
        for typed in ("kowlaczky", "anne kowalczyk", "anna kowalczyk paris"):
            with self.subTest(typed=typed):
                self.assertFalse(self._search(typed))


@tagged("post_install", "-at_install")
class TestParticipantSearchRanking(TravelCustomerCommon):
    """Participants are ranked the same way: the name as typed first, the
    most recently booked first, and found despite a typo."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Participant = cls.env["travel.participant"]

        def participant(first, last):
            return Participant.create(
                {"first_name": first, "last_name": last, "partner_id": cls.customer.id}
            )

        cls.reversed = participant("Martin", "Léa")
        cls.longer = participant("Léa", "Martinez")
        cls.plain = participant("Lea", "Martin")
        cls.booked = participant("Léa", "Martin")
        order = cls._create_order(cls.customer)
        order.travel_participant_ids = cls.booked
        order.action_confirm()
        cls.everyone = cls.reversed | cls.longer | cls.plain | cls.booked
        cls.scope = [("id", "in", cls.everyone.ids)]

    def test_order_of_relevance(self):
        found = self.env["travel.participant"].search(
            [("display_name", "ilike", "léa martin")] + self.scope
        )
        self.assertEqual(
            found.ids, [self.booked.id, self.plain.id, self.longer.id, self.reversed.id]
        )
        names = self.env["travel.participant"].name_search(
            "lea martin", args=self.scope
        )
        self.assertEqual([pid for pid, _name in names], found.ids)

    def test_typo(self):
        found = self.env["travel.participant"].search(
            [("display_name", "ilike", "lea matrin")] + self.scope
        )
        # the same likeness: the booked one first
        self.assertEqual(found, self.booked | self.reversed | self.plain)
