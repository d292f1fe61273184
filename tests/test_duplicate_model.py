# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .common import TravelCustomerCommon


@tagged("post_install", "-at_install")
class TestComparisonLevels(TravelCustomerCommon):
    """Each field's comparison levels, as the database computes them."""

    def _query(self, code, *args):
        return self.env.execute_query(SQL(code, *args))[0][0]

    def _text(self, a, b):
        return self._query("SELECT travel_customer_text_level(%s, %s)", a, b)

    def _date(self, a, b):
        return self._query("SELECT travel_customer_date_level(%s, %s)", a, b)

    def _compare(self, a, b):
        """Levels of two (first, last, birth, street, zip, city, e-mail,
        phone, mobile) tuples."""
        return self._query(
            "SELECT travel_customer_compare(" + ", ".join(["%s"] * 18) + ")",
            *a,
            *b,
        )

    def test_text_levels(self):
        self.assertEqual(self._text("johanna", "johanna"), 3)
        self.assertEqual(self._text("johanna", "johana"), 2)  # one typo
        self.assertEqual(self._text("catherine", "katherina"), 1)  # two typos
        self.assertEqual(self._text("dupont", "dupont martin"), 1)  # compound
        self.assertEqual(self._text("marcel", "proust"), 0)
        self.assertIsNone(self._text("johanna", None))
        self.assertIsNone(self._text("", "johanna"))

    def test_name_levels(self):
        """Names have the levels of any text; their trigram likeness is looked
        at only when their first or last letters agree."""
        for a, b in (
            ("johanna", "johanna"),
            ("johanna", "johana"),
            ("catherine", "katherina"),
            ("dupont", "dupont martin"),
            ("marcel", "proust"),
            ("christophe", "kristof"),
            ("johanna", None),
        ):
            with self.subTest(a=a, b=b):
                self.assertEqual(
                    self._query("SELECT travel_customer_name_level(%s, %s)", a, b),
                    self._text(a, b),
                )
        # half their trigrams alike, neither first nor last letter: a street
        # would be alike, a name is not
        a, b = "oberhausenerin", "berhausener"
        self.assertEqual(self._text(a, b), 1)
        self.assertEqual(
            self._query("SELECT travel_customer_name_level(%s, %s)", a, b), 0
        )

    def test_birth_date_levels(self):
        birth = date(1984, 3, 7)
        self.assertEqual(self._date(birth, birth), 3)
        self.assertEqual(self._date(birth, date(1984, 3, 8)), 2)  # one digit
        self.assertEqual(self._date(birth, date(1984, 7, 3)), 2)  # day, month
        self.assertEqual(self._date(birth, date(1984, 11, 20)), 1)  # year only
        self.assertEqual(self._date(birth, date(1951, 11, 23)), 0)
        self.assertIsNone(self._date(birth, None))

    def test_names_swapped_and_other_fields(self):
        none = (None,) * 7
        # first and last name swapped, one with a typo
        self.assertEqual(
            self._compare(("johanna", "weiss", *none), ("weiss", "johana", *none))[:2],
            [2, 3],
        )
        levels = self._compare(
            (
                "jean",
                "dupont",
                date(1980, 1, 2),
                "8 quai des chartrons",
                "33000",
                "bordeaux",
                "jean@example.org",
                "33612345678",
                None,
            ),
            (
                "jean",
                "dupont",
                None,
                "8 quai des chartrons",
                "33000",
                "bordeau",
                "jean.dupont@example.org",
                None,
                "612345678",
            ),
        )
        # first, last, birth (missing), street, zip, city, e-mail, phones
        self.assertEqual(levels, [3, 3, None, 3, 3, 2, 0, 1])


@tagged("post_install", "-at_install")
class TestDuplicateModel(TravelCustomerCommon):
    """The model learnt by a scan on a small labelled set of customers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Group = cls.env["travel.duplicate.group"]
        cls.Similarity = cls.env["travel.customer.similarity"]
        people = [
            ("Frieda Hartmann", "12 Lindenallee", "80331", "München", date(1984, 3, 7)),
            ("Lukas Berger", "3 Hauptstraße", "10115", "Berlin", date(1990, 6, 21)),
            ("Chiara Fontana", "Via Roma 8", "20121", "Milano", date(1975, 12, 1)),
            ("Hugo Lefort", "5 rue Victor Hugo", "69002", "Lyon", date(2001, 2, 14)),
            ("Emily Clarke", "22 Baker Street", "NW1 6XE", "London", date(1968, 9, 30)),
            ("Nina Sommer", "7 Seestrasse", "8002", "Zürich", date(1995, 4, 11)),
        ]
        # the same people typed again: typos, names swapped, no zip, a birth
        # date with its day and month swapped: no e-mail, no phone
        retyped = [
            ("Hartmann Frida", "12 Lindenallee", "80331", "Munchen", date(1984, 7, 3)),
            ("Lukas Berger", "3 Hauptstrasse", None, "Berlin", date(1990, 6, 21)),
            ("Chiara Fontanna", "Via Roma 8", "20121", "Milano", date(1975, 12, 1)),
            ("Lefort Hugo", "5 rue Victor-Hugo", "69002", "Lyon", date(2001, 2, 14)),
            ("Emily Clark", "22 Baker St", "NW1 6XE", "London", date(1968, 9, 30)),
            ("Nina Sommer", None, "8002", "Zurich", date(1995, 4, 11)),
        ]
        # namesakes: the same name and town, another birth date
        others = [
            ("Frieda Hartmann", None, "80331", "München", date(1951, 11, 23)),
            ("Lukas Berger", "90 Torstraße", "10119", "Berlin", date(1962, 1, 5)),
        ]

        def values(row):
            name, street, zip_code, city, birth = row
            return {
                "name": name,
                "street": street,
                "zip": zip_code,
                "city": city,
                "travel_birth_date": birth,
            }

        cls.people = cls.Partner.create([values(row) for row in people])
        cls.retyped = cls.Partner.create([values(row) for row in retyped])
        cls.others = cls.Partner.create([values(row) for row in others])

    def _grouped(self, a, b):
        return bool(
            self.Group.search(
                [
                    ("state", "=", "open"),
                    ("partner_ids", "in", a.ids),
                    ("partner_ids", "in", b.ids),
                ]
            )
        )

    def test_scan_learns_weights_and_finds_the_labelled_pairs(self):
        self.Group._scan()
        model = self.Similarity._model()
        self.assertGreater(model["pairs"], 0)
        weights = self.Similarity._weights(model)
        for fname in ("first", "last", "birth", "street", "zip", "city"):
            self.assertGreater(weights[fname][3], 0, fname)
            self.assertLess(weights[fname][0], 0, fname)
        self.assertGreater(weights["birth"][3], weights["birth"][1])
        for person, again in zip(self.people, self.retyped, strict=True):
            self.assertTrue(self._grouped(person, again), person.name)
        for person, namesake in zip(self.people, self.others, strict=False):
            self.assertFalse(self._grouped(person, namesake), person.name)
        group = self.Group.search(
            [("state", "=", "open"), ("partner_ids", "in", self.people[0].ids)]
        )
        self.assertGreaterEqual(group.probability, self.Similarity._threshold())
        # each reason with its weight, in bits
        self.assertRegex(group.reasons, r"Birth date one digit apart \+\d+\.\d")
        self.assertIn("birth:2", group.reason_codes)

    def test_scan_with_a_failed_batch_keeps_the_groups(self):
        """A batch of pairs that fails stops the scan with a clear error
        before the groups waiting for review are replaced: its customers
        would have been left out of them."""
        self.Group._scan()
        waiting = self.Group.search([("state", "=", "open")])
        self.assertTrue(waiting)
        with (
            patch.object(
                type(self.Group),
                "_scan_batch_query",
                lambda self, low, high: SQL("SELECT 1 / 0"),
            ),
            mute_logger("odoo.addons.travel_customer.models.travel_duplicate_group"),
            self.assertRaisesRegex(UserError, "duplicate scan stopped"),
        ):
            self.Group._scan()
        self.assertEqual(self.Group.search([("state", "=", "open")]), waiting)

    def test_probability_above_and_below_the_threshold(self):
        model = self.Similarity._learn(
            [
                # duplicates: nearly everything alike
                ([3, 3, 3, 3, 3, 3, None, None], 300),
                ([3, 2, 3, 3, None, 3, None, None], 40),
                ([2, 3, 2, 3, 3, 3, None, None], 40),
                # distinct people sharing a town or a name
                ([0, 0, 0, 0, 3, 3, None, None], 3000),
                ([3, 0, 0, 0, 3, 3, None, None], 500),
                ([0, 3, 1, 0, 3, 3, None, None], 500),
                ([3, 3, 0, 0, 3, 3, None, None], 50),
            ]
        )
        self.assertLess(0.02, model["share"])
        self.assertLess(model["share"], 0.2)
        threshold = self.Similarity._threshold()
        probability = self.Similarity._probability
        self.assertGreater(
            probability([3, 2, 3, 3, None, 3, None, None], model), threshold
        )
        self.assertLess(probability([3, 3, 0, 0, 3, 3, None, None], model), threshold)
        self.assertLess(probability([0, 0, 0, 0, 3, 3, None, None], model), 0.01)

    def test_people_at_one_address_are_not_duplicates(self):
        """A family, a building, a hotel: names wholly unlike at one address
        are two people, even on a base where they outnumber the duplicates
        (the model learnt there took them for duplicates); the same e-mail,
        phone or birth date still makes them one."""
        model = self.Similarity._learn(
            [
                ([3, 3, None, 3, 3, 3, None, None], 300),
                ([0, 0, None, 3, 3, 3, None, None], 20000),
                ([0, 0, None, 0, 3, 3, None, None], 20000),
            ]
        )
        probability = self.Similarity._probability
        self.assertEqual(probability([0, 0, None, 3, 3, 3, None, None], model), 0)
        self.assertEqual(probability([0, 0, 2, 3, 3, 3, 0, 0], model), 0)
        for levels in (
            [0, 0, None, 3, 3, 3, 1, None],  # the same e-mail
            [0, 0, None, 3, 3, 3, None, 1],  # the same phone
            [0, 0, 3, 3, 3, 3, None, None],  # the same birth date
            [1, 0, None, 3, 3, 3, None, None],  # first names alike
        ):
            with self.subTest(levels=levels):
                self.assertGreater(probability(levels, model), 0)
        self.assertGreater(
            probability([3, 3, None, 3, 3, 3, None, None], model),
            self.Similarity._threshold(),
        )

    def test_blocking_keeps_a_pair_with_a_missing_field(self):
        """No zip, another zip or a mistyped name: another key still meets."""
        lukas, lukas_again = self.people[1], self.retyped[1]
        nina, nina_again = self.people[5], self.retyped[5]
        self.Group._scan_prepare_keys(1000)
        self.Group._scan_batches(commit=False, keys=True)
        self.Group._scan_prepare(1000)
        self.Group._scan_batches(commit=False)
        pairs = {
            frozenset(pair)
            for pair in self.env.execute_query(
                SQL("SELECT a, b FROM travel_duplicate_scan_pair")
            )
        }
        self.assertIn(frozenset((lukas.id, lukas_again.id)), pairs)
        self.assertIn(frozenset((nina.id, nina_again.id)), pairs)

    def test_similar_customers_use_the_birth_date(self):
        similar = {
            found["partner_id"]: found
            for found in self.people[0]._travel_similar_customers()
        }
        self.assertIn(self.retyped[0].id, similar)
        self.assertGreater(
            similar[self.retyped[0].id]["probability"],
            similar.get(self.others[0].id, {"probability": 0})["probability"],
        )


@tagged("post_install", "-at_install")
class TestBulkMerge(TravelCustomerCommon):
    def test_merge_groups_one_refused(self):
        Group = self.env["travel.duplicate.group"]
        master, duplicate = self.Partner.create(
            [{"name": "Hugo Lefort"}, {"name": "Lefort Hugo"}]
        )
        company = self.Partner.create({"name": "Fontana SRL", "is_company": True})
        contact = self.Partner.create({"name": "Fontana SRL", "parent_id": company.id})
        other, other_dup = self.Partner.create(
            [{"name": "Nina Sommer"}, {"name": "Nina Somer"}]
        )
        groups = Group.create(
            [
                {
                    "partner_ids": [Command.set((master | duplicate).ids)],
                    "suggested_master_id": master.id,
                },
                # a company and its own contact: the merge refuses
                {
                    "partner_ids": [Command.set((company | contact).ids)],
                    "suggested_master_id": company.id,
                },
                {
                    "partner_ids": [Command.set((other | other_dup).ids)],
                    "suggested_master_id": other_dup.id,
                },
            ]
        )
        action = groups.with_user(self.salesman).action_merge_groups()
        self.assertEqual(groups.mapped("state"), ["merged", "open", "merged"])
        self.assertFalse(duplicate.active)
        self.assertFalse(other.active)
        self.assertTrue(company.active and contact.active)
        self.assertIn("Fontana SRL", action["params"]["message"])
        self.assertIn("2 group(s) merged", action["params"]["message"])
        # each merge logged on its own: undone alone
        logs = self.env["travel.customer.merge.log"].search(
            [("master_id", "in", (master | other_dup).ids)]
        )
        self.assertEqual(len(logs), 2)
        logs.filtered(lambda log: log.master_id == master).action_undo()
        self.assertTrue(duplicate.active)
        self.assertFalse(other.active)


@tagged("post_install", "-at_install")
class TestParticipantDuplicates(TravelCustomerCommon):
    def test_same_child_registered_by_each_guardian(self):
        Participant = self.env["travel.participant"]
        mother, father = self.Partner.create(
            [
                {"name": "Pauline Roux", "zip": "69003", "city": "Lyon"},
                {"name": "Nicolas Roux", "zip": "75011", "city": "Paris"},
            ]
        )
        birth = date(2016, 5, 9)
        ines = Participant.create(
            {
                "first_name": "Inès",
                "last_name": "Roux",
                "birth_date": birth,
                "partner_id": mother.id,
                "guardian_ids": [Command.link(mother.id)],
            }
        )
        ines_again = Participant.create(
            {
                "first_name": "Ines",
                "last_name": "Roux",
                "birth_date": birth,
                "partner_id": father.id,
                "guardian_ids": [Command.link(father.id)],
            }
        )
        # her brother, in the same family: not a duplicate
        brother = Participant.create(
            {
                "first_name": "Hugo",
                "last_name": "Roux",
                "birth_date": date(2013, 10, 2),
                "partner_id": mother.id,
                "guardian_ids": [Command.link(mother.id)],
            }
        )
        # registered twice in the family, with a typo in the birth date
        brother_again = Participant.create(
            {
                "first_name": "Hugo",
                "last_name": "Roux",
                "birth_date": date(2013, 10, 3),
                "partner_id": mother.id,
            }
        )
        # computed on reading (each request anew), not stored
        Participant.invalidate_model(["travel_duplicate_ids"])
        ines = ines.with_user(self.salesman)
        self.assertEqual(ines.travel_duplicate_ids, ines_again)
        self.assertEqual(
            brother.with_user(self.salesman).travel_duplicate_ids, brother_again
        )
