# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime
from unittest.mock import patch

from odoo.tests import tagged

from ..models import travel_customer_search
from ..models.travel_customer_search import RANKED_CANDIDATES
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
            "city_name": ("Lucie Lyon", {"street": "5 place Martin"}),
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
                "across",  # Jean Dupont, rue Martin
                "city_name",  # Lucie Lyon, place Martin
            ],
        )

    def test_bookings_hidden_from_the_user_do_not_rank(self):
        """A salesman who may read only his own bookings: another
        salesman's booking does not move its customer up his list."""
        first, second = self.Partner.create(
            [{"name": "Zora Quillfeather"}, {"name": "Zora Quillfeather"}]
        )
        self._booked(first, datetime(2025, 6, 1))
        scope = [("id", "in", (first | second).ids)]
        domain = [("display_name", "ilike", "zora quillfeather")] + scope
        self.assertEqual(self.Partner.search(domain), first | second)
        # for the administrator, who reads the booking: the booked one first
        self.assertEqual(self.Partner.search(domain).ids, [first.id, second.id])
        salesman = self.Partner.with_user(self.salesman)
        self.assertFalse(
            self.env["sale.order"]
            .with_user(self.salesman)
            .search([("partner_id", "=", first.id)])
        )
        # ties by name, then the newest customer (the default order)
        self.assertEqual(salesman.search(domain).ids, [second.id, first.id])

    def test_name_typed_first_wins_a_tie(self):
        """ "martin lyon": the Martin living in Lyon before the Lyon living
        place Martin (each has one word in the name, one elsewhere)."""
        self.assertEqual(
            self._keys(self._search("martin lyon")), ["name_recent", "city_name"]
        )
        self.assertEqual(
            self._keys(self._search("lyon martin")), ["city_name", "name_recent"]
        )

    def test_same_order_in_name_search_and_search_view(self):
        expected = [p.id for p in self._search("jean martin")]
        found = self.Partner.name_search("jean martin", args=self.scope, limit=10)
        self.assertEqual([pid for pid, _name in found], expected)
        customers = self.Partner.with_context(res_partner_search_mode="customer")
        found = customers.name_search("jean martin", args=self.scope, limit=3)
        self.assertEqual([pid for pid, _name in found], expected[:3])
        # a salesman: the same customers, the bookings he may not read aside
        salesman = self.Partner.with_user(self.salesman)
        expected = salesman.search(
            [("display_name", "ilike", "jean martin")] + self.scope
        ).ids
        # (the three Jean Martins tie for him: the newest customer first)
        self.assertEqual(
            [self._keys(self.Partner.browse(pid))[0] for pid in expected],
            [
                "name_recent",
                "name_none",
                "name_old",
                "phrase",
                "substring",
                "in_order",
                "any_order",
                "across",
            ],
        )
        result = salesman.web_search_read(
            [("display_name", "ilike", "jean martin")] + self.scope,
            {"display_name": {}},
            limit=80,
        )
        self.assertEqual([r["id"] for r in result["records"]], expected)
        self.assertEqual(result["length"], len(expected))

    def test_first_page_of_a_model_ordered_through_another_table(self):
        """A first page is ranked where its rows are picked, on the columns
        of the model's order; a model ordered through another table (its
        parent's order) ranks it once joined: the same order either way."""
        for order in ("complete_name ASC, id DESC", "parent_id, complete_name, id"):
            with (
                self.subTest(order=order),
                patch.object(type(self.Partner), "_order", order),
            ):
                expected = self._search("martin").ids
                found = self.Partner.name_search("martin", args=self.scope, limit=4)
                self.assertEqual([pid for pid, _name in found], expected[:4])

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

    def test_typo_pages(self):
        """The customers found with a typo come page after page, as those
        found as typed do."""
        namesakes = self.Partner.create(
            [{"name": f"Gwendolyn Featherstone {n}"} for n in range(12)]
        )
        scope = [("id", "in", namesakes.ids)]
        domain = [("display_name", "ilike", "featherstnoe")] + scope
        first = self.Partner.search(domain, limit=10)
        second = self.Partner.search(domain, offset=10, limit=10)
        self.assertEqual(len(first), 10)
        self.assertEqual(len(second), 2)
        self.assertEqual(first | second, namesakes)
        self.assertFalse(self.Partner.search(domain, offset=20, limit=10))
        # past the end of what matches as typed: an empty page, no typos
        self.assertFalse(
            self.Partner.search(
                [("display_name", "ilike", "featherstone")] + scope,
                offset=20,
                limit=10,
            )
        )

    def test_typo_word_typed_right_whole_when_whole_somewhere(self):
        annabel = self.Partner.create({"name": "Annabel Kowalczyk"})
        scope = [("id", "in", [self.p["typo"].id, annabel.id])]

        def search(typed):
            return self.Partner.search([("display_name", "ilike", typed)] + scope)

        # "anna" is a whole word of a customer: as a whole word only (not
        # the Annabel), through the index of the text's whole words
        self.assertEqual(search("anna kowlaczyk"), self.p["typo"])
        # "annab" is a part of words only: looked for as a part
        self.assertEqual(search("annab kowlaczyk"), annabel)

    def test_typo_with_words_known_common(self):
        """On a large base, a word among the most common of the customers'
        texts is taken as found without asking: the typos find the same."""
        self.Partner.create([{"name": f"Anna Commonword {n}"} for n in range(40)])
        annabel = self.Partner.create({"name": "Annabel Kowalczyk"})
        scope = [("id", "in", [self.p["typo"].id, annabel.id])]
        Search = self.env["travel.customer.search"]
        self.addCleanup(self.env.registry.clear_cache)
        with patch.object(travel_customer_search, "COMMON_WORDS_ROWS", 0):
            self.env.flush_all()
            self.env.cr.execute("ANALYZE res_partner")
            self.env.registry.clear_cache()
            self.assertIn("anna", Search._travel_common_words())
            for typed, expected in (
                ("anna kowlaczyk", self.p["typo"]),
                ("annab kowlaczyk", annabel),
                # as typed: "anna" is a part of Annabel
                ("anna kowalczyk", self.p["typo"] | annabel),
                ("anne kowalczyk", self.Partner),
            ):
                with self.subTest(typed=typed):
                    found = self.Partner.search(
                        [("display_name", "ilike", typed)] + scope
                    )
                    self.assertEqual(found, expected)

    def test_typo_only_when_nothing_matches(self):
        namesake = self.Partner.create({"name": "Anna Kowalczik"})
        scope = [("id", "in", [self.p["typo"].id, namesake.id])]
        found = self.Partner.search([("display_name", "ilike", "kowalczyk")] + scope)
        self.assertEqual(found, self.p["typo"])
        # two typos, or a short word wrong, find nobody; nor do words too
        # short or not of letters to look for with a typo
        for typed in (
            "kowlaczky",
            "anne kowalczyk",
            "anna kowalczyk paris",
            "zq",
            "12",
            "kowalczyk 99",
        ):
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
        self.assertEqual(found[0], self.booked)


@tagged("post_install", "-at_install")
class TestSearchManyMatches(TravelCustomerCommon):
    """More customers match than a first page is ranked among
    (``RANKED_CANDIDATES``): the page still opens with the name typed,
    customers the user may not see take no one's place, and paging on lists
    every match once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        count = RANKED_CANDIDATES + 30
        other_company = cls.env["res.company"].create({"name": "Zebra Travel Ltd"})
        # made first: customers of a company the salesman is not in, the word
        # in their name, and customers with the word in their street only
        cls.hidden = cls.Partner.create(
            [
                {"name": f"Zebulon Hidden {i:03d}", "company_id": other_company.id}
                for i in range(count)
            ]
        )
        cls.street = cls.Partner.create(
            [
                {"name": f"Client {i:03d}", "street": f"{i} rue Zebulon"}
                for i in range(count)
            ]
        )
        cls.named = cls.Partner.create({"name": "Paul Zebulon"})
        cls.scope = [("id", "in", (cls.hidden | cls.street | cls.named).ids)]
        cls.Salesman = cls.Partner.with_user(cls.salesman)

    def _search(self, **kwargs):
        return self.Salesman.search(
            [("display_name", "ilike", "zebulon")] + self.scope, **kwargs
        )

    def test_first_page_opens_with_the_name(self):
        found = self._search(limit=10)
        self.assertEqual(found[0], self.named)
        self.assertEqual(len(found), 10)
        self.assertFalse(found & self.hidden)
        self.assertEqual(
            self.Salesman.name_search("zebulon", args=self.scope, limit=8)[0][0],
            self.named.id,
        )

    def test_pages_list_every_match_once(self):
        everyone = self.named | self.street
        self.assertEqual(self._search().ids, self._search().ids)  # the same order
        pages = []
        for offset in range(0, len(everyone) + 80, 80):
            pages += self._search(offset=offset, limit=80).ids
        self.assertEqual(len(pages), len(everyone))
        self.assertEqual(set(pages), set(everyone.ids))
        self.assertEqual(pages, self._search().ids)
        self.assertEqual(
            self.Salesman.search_count(
                [("display_name", "ilike", "zebulon")] + self.scope
            ),
            len(everyone),
        )
