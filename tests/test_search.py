# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged
from odoo.tools import frozendict

from ..models import travel_customer_search
from .common import TravelCustomerCommon


@tagged("post_install", "-at_install")
class TestSearch(TravelCustomerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dupont = cls.Partner.create(
            {
                "name": "Jean Dupont",
                "street": "12 rue de la Roquette",
                "zip": "75011",
                "city": "Paris",
                "email": "jdupont@example.fr",
                "phone": "+33 1 43 55 12 34",
            }
        )
        cls.dupont_lyon = cls.Partner.create(
            {"name": "Jeanne Dupont", "zip": "69002", "city": "Lyon"}
        )
        cls.muller = cls.Partner.create(
            {
                "name": "Hans Müller",
                "street": "Bahnhofstrasse 21",
                "zip": "8001",
                "city": "Zürich",
                "mobile": "+41 79 123 45 67",
            }
        )
        cls.noise = cls.Partner.create([cls.faker_values(i) for i in range(30)])
        # demo data has namesakes: look only among the customers made here
        cls.scope = [
            ("id", "in", (cls.dupont | cls.dupont_lyon | cls.muller | cls.noise).ids)
        ]

    @classmethod
    def faker_values(cls, i):
        return {
            "name": f"{cls.faker.first_name()} {cls.faker.last_name()}",
            "street": cls.faker.street_address(),
            "zip": cls.faker.postcode(),
            "city": cls.faker.city(),
        }

    def _search(self, text):
        return self.Partner.search([("display_name", "ilike", text)] + self.scope)

    def _name_search(self, text):
        return [
            pid
            for pid, _name in self.Partner.name_search(text, args=self.scope, limit=10)
        ]

    def test_words_across_fields(self):
        self.assertEqual(self._search("dupont 75011"), self.dupont)
        self.assertEqual(self._search("75011 dupont"), self.dupont)
        self.assertEqual(self._search("dupont paris roquette"), self.dupont)
        self.assertEqual(self._search("dupont"), self.dupont | self.dupont_lyon)
        self.assertEqual(self._name_search("dupont lyon"), [self.dupont_lyon.id])

    def test_every_word_must_match(self):
        self.assertFalse(self._search("dupont zurich"))
        self.assertFalse(self._search("dupont 75012"))

    def test_accents_and_case_ignored(self):
        self.assertEqual(self._search("muller zurich"), self.muller)
        self.assertEqual(self._search("MÜLLER ZÜRICH"), self.muller)
        self.assertEqual(self._search("Bahnhofstrasse muller"), self.muller)

    def test_email_and_phone(self):
        self.assertEqual(self._search("jdupont@example"), self.dupont)
        self.assertEqual(self._search("0143551234"), self.dupont)
        self.assertEqual(self._search("+33 1 43 55 12 34"), self.dupont)
        self.assertEqual(self._search("079 123 45 67"), self.muller)

    def test_short_words(self):
        # two letters alone: customers whose name starts with them
        self.assertIn(self.dupont_lyon, self._search("je"))
        self.assertNotIn(self.muller, self._search("je"))
        # a short word beside a long one filters
        self.assertEqual(self._search("dupont ly"), self.dupont_lyon)

    def test_like_wildcards_are_literal(self):
        self.assertFalse(self._search("dup%nt"))
        self.assertFalse(self._search("dup_nt"))

    def test_search_view_uses_it(self):
        arch = self.Partner.get_views([(False, "search")])["views"]["search"]["arch"]
        self.assertIn("[('display_name', 'ilike', self)]", arch)

    def test_name_search_on_bookings(self):
        """The customer autocomplete of a booking takes several words."""
        partners = self.Partner.with_context(res_partner_search_mode="customer")
        result = partners.name_search("hans 8001", args=self.scope)
        self.assertEqual([pid for pid, _n in result], [self.muller.id])

    def test_names_come_with_the_search(self):
        """The names an autocomplete lists are read with the customers found:
        showing them asks the database nothing more, a contact's company
        included."""
        agency = self.Partner.create({"name": "Roquette Voyages", "is_company": True})
        contact = self.Partner.create({"name": "Paul Dupont", "parent_id": agency.id})
        scope = [("id", "in", (self.dupont | self.dupont_lyon | contact).ids)]
        self.env.invalidate_all()
        found = self.Partner.search_fetch(
            [("display_name", "ilike", "dupont")] + scope, ["display_name"]
        )
        with self.assertQueryCount(0):
            names = found.mapped("display_name")
        self.assertEqual(
            sorted(names),
            ["Jean Dupont", "Jeanne Dupont", "Roquette Voyages, Paul Dupont"],
        )
        self.assertIn(
            (contact.id, "Roquette Voyages, Paul Dupont"),
            self.Partner.name_search("paul dupont", args=scope),
        )

    def test_long_number_found_whole_only(self):
        """A phone number typed finds the customers whose texts have it whole,
        wherever in them; not one whose digits have its pieces in another
        order."""
        whole, inside, shuffled = self.Partner.create(
            [
                {"name": "Ada Whole", "phone": "+41 22 123 456 789"},
                {"name": "Ben Inside", "mobile": "+49 5123456789"},
                {"name": "Cy Shuffled", "phone": "+41 789 456 123"},
            ]
        )
        scope = [("id", "in", (whole | inside | shuffled).ids)]
        for typed in ("123 456 789", "123456789", "0123456789"):
            with self.subTest(typed=typed):
                found = self.Partner.search([("display_name", "ilike", typed)] + scope)
                self.assertEqual(found, whole | inside)
                self.assertEqual(
                    {pid for pid, _name in self.Partner.name_search(typed, scope)},
                    set((whole | inside).ids),
                )

    def test_word_looked_up_by_its_rare_trigrams(self):
        """On a large base, a word is looked up by the trigrams few texts
        have, then checked whole: the same customers are found, and not one
        whose text has those trigrams without the word."""
        sutter, suttle, utter = self.Partner.create(
            [
                {"name": "Olga Sutter", "city": "Bern"},
                {"name": "Anna Suttle", "city": "Peterborough"},
                {"name": "Bo Utter", "city": "Sutton"},
            ]
        )
        scope = [("id", "in", (sutter | suttle | utter).ids)]
        common = frozendict({"tte": 0.2, "ter": 0.3, "ott": 0.1})
        Search = type(self.env["travel.customer.search"])
        self.assertEqual(Search._travel_rare_pieces("sutter", common), ["sutt"])
        # the index is asked for the rare pieces only, the word checked whole
        with patch.object(Search, "_travel_common_trigrams", lambda self: common):
            asked = (
                self.env["travel.customer.search"]
                ._travel_search_condition("Sutter Bern")
                .params
            )
        self.assertIn("%sutt%", asked)
        self.assertIn("sutter", asked)
        self.assertNotIn("%sutter%", asked)
        for typed, expected in (
            ("sutter", sutter),
            ("Sutter Bern", sutter),
            ("utter", sutter | utter),
            ("sutt", sutter | suttle | utter),
            ("sutterborough", self.Partner),
        ):
            with self.subTest(typed=typed):
                for trigrams in (common, frozendict()):
                    with patch.object(
                        Search, "_travel_common_trigrams", lambda self, t=trigrams: t
                    ):
                        self.assertEqual(
                            self.Partner.search(
                                [("display_name", "ilike", typed)] + scope
                            ),
                            expected,
                        )
                        self.assertEqual(
                            {
                                pid
                                for pid, _name in self.Partner.name_search(typed, scope)
                            },
                            set(expected.ids),
                        )

    def test_rare_pieces_of_a_word(self):
        """The parts of a word asked of the trigram index: the runs of its
        rare trigrams, at least the two least common, the whole word when
        none is left out; letters and digits only."""
        pieces = type(self.env["travel.customer.search"])._travel_rare_pieces
        common = frozendict({"abc": 0.5, "cde": 0.1, "ell": 0.2, "llo": 0.06})
        self.assertIsNone(pieces("xyzw", common))
        self.assertIsNone(pieces("xyzw", frozendict()))
        self.assertEqual(pieces("abcdef", common), ["bcd", "def"])
        # fewer than two rare ones: the least common are kept with them
        self.assertEqual(pieces("hello", common), ["hel", "llo"])
        # two trigrams, both needed: the whole word
        self.assertIsNone(pieces("cdef", common))
        self.assertEqual(pieces("o'abcdef", common), ["bcd", "def"])
        self.assertIsNone(pieces("ab", common))

    def test_common_trigrams_from_a_sample(self):
        """On a large base, the trigrams a large share of the customers'
        texts have are known from a sample of them; none on a small base."""
        Search = self.env["travel.customer.search"]
        self.addCleanup(self.env.registry.clear_cache)
        self.env.flush_all()
        self.env.cr.execute("ANALYZE res_partner")
        self.env.registry.clear_cache()
        self.assertFalse(Search._travel_common_trigrams())
        self.Partner.create(
            [{"name": f"Qwyx {n}", "email": f"q{n}@qwyxtravel.test"} for n in range(40)]
        )
        self.env.flush_all()
        self.env.cr.execute("ANALYZE res_partner")
        with patch.object(travel_customer_search, "COMMON_WORDS_ROWS", 0):
            self.env.registry.clear_cache()
            common = Search._travel_common_trigrams()
        self.assertGreaterEqual(
            common["qwy"], travel_customer_search.COMMON_TRIGRAMS_SHARE
        )
        self.assertNotIn("q12", common)
        self.assertTrue(all(len(trigram) == 3 for trigram in common))

    def test_autocomplete_asks_once(self):
        """An autocomplete asks the database once: the customers found come
        with their names. A search asking for fields JSON would not give
        back as stored (a date, an amount) still reads them right."""
        self.Partner.name_search("dupont", args=self.scope)  # settings read once
        self.env.invalidate_all()
        with self.assertQueryCount(1):
            found = self.Partner.name_search("dupont", args=self.scope)
        self.assertEqual(
            sorted(name for _id, name in found), ["Jean Dupont", "Jeanne Dupont"]
        )
        self.dupont.write({"travel_birth_date": "1980-03-01", "credit_limit": 1234.5})
        self.env.flush_all()
        self.env.invalidate_all()
        found = self.Partner.search_fetch(
            [("display_name", "ilike", "dupont")] + self.scope,
            ["display_name", "travel_birth_date", "credit_limit"],
        )
        with self.assertQueryCount(0):
            seen = [
                (p.display_name, p.travel_birth_date, p.credit_limit) for p in found
            ]
        self.env.invalidate_all()
        self.assertEqual(
            seen, [(p.display_name, p.travel_birth_date, p.credit_limit) for p in found]
        )
        self.assertEqual(seen[0][1:], (fields.Date.to_date("1980-03-01"), 1234.5))
