# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.sql_db import db_connect
from odoo.tests import Form, tagged

from .common import TravelCustomerCommon


@tagged("post_install", "-at_install")
class TestSimilarCustomers(TravelCustomerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.testine = cls.Partner.create(
            {
                "name": "Test, Testine",
                "email": "Testine.Test@Example.org",
                "phone": "+33 6 12 34 56 78",
                "zip": "33000",
                "city": "Bordeaux",
                "street": "8 quai des Chartrons",
            }
        )
        cls.testine_2 = cls.Partner.create({"name": "Testine Test", "zip": "33000"})
        cls.testine_3 = cls.Partner.create(
            {"name": "TEST Testine", "email": "testine.test+promo@example.org"}
        )
        cls.testine_4 = cls.Partner.create(
            {"name": "Lise Martin", "mobile": "06 12 34 56 78"}
        )
        cls.testine_5 = cls.Partner.create(
            {"name": "Testine Tëst", "active": False, "city": "Bordeaux"}
        )
        cls.stranger = cls.Partner.create({"name": "Marcel Proust", "zip": "33000"})

    def _similar(self, partner, **kwargs):
        """``{partner id: found}``, the reasons without their weights."""
        return {
            found["partner_id"]: {
                **found,
                "reasons": [r.rsplit(" ", 1)[0] for r in found["reasons"]],
            }
            for found in partner._travel_similar_customers(**kwargs)
        }

    def test_name_order_case_and_accents_ignored(self):
        similar = self._similar(self.testine)
        self.assertIn(self.testine_2.id, similar)
        self.assertIn("Same name", similar[self.testine_2.id]["reasons"])
        self.assertIn("Same zip", similar[self.testine_2.id]["reasons"])
        self.assertNotIn(self.stranger.id, similar)

    def test_email_and_phone_normalised(self):
        similar = self._similar(self.testine)
        self.assertIn("Same e-mail", similar[self.testine_3.id]["reasons"])
        self.assertEqual(similar[self.testine_4.id]["reasons"], ["Same phone"])
        # the better match ranks first
        ranked = [
            found["partner_id"] for found in self.testine._travel_similar_customers()
        ]
        self.assertLess(
            ranked.index(self.testine_3.id), ranked.index(self.testine_4.id)
        )
        self.assertTrue(all(0 < f["score"] <= 100 for f in similar.values()))

    def test_same_phone_in_any_format_not_the_same_ending(self):
        """A number written nationally or internationally is one number; two
        numbers that only end alike (another area code) are two."""
        berlin = self.Partner.create({"name": "Jonas Vogel", "phone": "030 1234567"})
        same, other_city, short = self.Partner.create(
            [
                {"name": "Hanna Krause", "mobile": "+49 (0)30 123 45 67"},
                {"name": "Paul Richter", "phone": "+49 40 1234567"},
                {"name": "Lea Braun", "phone": "0049 301234567"},
            ]
        )
        similar = self._similar(berlin)
        self.assertEqual(similar[same.id]["reasons"], ["Same phone"])
        self.assertEqual(similar[short.id]["reasons"], ["Same phone"])
        self.assertNotIn(other_city.id, similar)

    def test_archived_only_when_asked(self):
        self.assertNotIn(self.testine_5.id, self._similar(self.testine))
        self.assertIn(
            self.testine_5.id, self._similar(self.testine, include_archived=True)
        )
        # an archived customer ticked in the dialog is merged like the others
        wizard = self._merge_wizard(self.testine, self.testine_5)
        self.assertIn(self.testine_5, wizard._selected_partners())

    def test_own_addresses_and_parent_are_not_duplicates(self):
        company = self.Partner.create({"name": "Testine Test", "is_company": True})
        address = self.Partner.create(
            {"name": "Testine Test", "parent_id": company.id, "type": "delivery"}
        )
        similar = self._similar(company)
        self.assertNotIn(address.id, similar)
        self.assertIn(self.testine_2.id, similar)
        self.assertNotIn(company.id, self._similar(address))

    def test_name_with_typos_and_swapped_words(self):
        """A name found by its words, each as it is or one typo away, in any
        order, with no other field to find it by; a namesake of one word
        only is not."""
        customer = self.Partner.create({"name": "Johanna Weissmann"})
        retyped, namesake = self.Partner.create(
            [{"name": "Weissman, Johana"}, {"name": "Johanna Brandt"}]
        )
        similar = self._similar(customer)
        self.assertIn(retyped.id, similar)
        self.assertNotIn(namesake.id, similar)
        self.assertIn(customer.id, self._similar(retyped))

    def test_other_person_at_the_same_address_not_listed(self):
        """Names wholly unlike at one address, nothing else alike (phones
        that only end alike): another person (no match probability), not a
        similar customer at 1 %."""
        address = {"street": "12 Fjordveien", "zip": "5003", "city": "Bergen"}
        customer, neighbour = self.Partner.create(
            [
                {"name": "Ingrid Halvorsen", "phone": "030 1234567", **address},
                {"name": "Tomasz Wisniewski", "phone": "+49 40 1234567", **address},
            ]
        )
        self.assertNotIn(neighbour.id, self._similar(customer))

    def test_names_left_out_do_not_take_the_place_of_others(self):
        """Archived namesakes, more than the names compared, do not hide the
        customer's twin."""
        customer = self.Partner.create({"name": "Oddny Brekkestad"})
        self.Partner.create([{"name": "Oddny Brekkestad", "active": False}] * 1000)
        twin = self.Partner.create({"name": "Brekkestad, Oddny"})
        self.assertIn(twin.id, self._similar(customer))

    def test_keys_left_out_do_not_take_the_place_of_others(self):
        """Archived partners with the same e-mail, more than those compared,
        do not hide the customer's twin."""
        values = {"email": "shared@example.org", "travel_birth_date": "1980-02-03"}
        customer = self.Partner.create({"name": "Ragna Solheim", **values})
        self.Partner.create(
            [
                {"name": f"Someone Else {n}", "active": False, **values}
                for n in range(150)
            ]
        )
        twin = self.Partner.create({"name": "Rakel Solhaug", **values})
        self.assertIn(twin.id, self._similar(customer))


@tagged("post_install", "-at_install")
class TestMergeCustomers(TravelCustomerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.master = cls.Partner.create(
            {"name": "Testine Test", "email": "testine@example.org", "zip": "33000"}
        )
        cls.dup = cls.Partner.create(
            {
                "name": "Test, Testine",
                "email": "testine@example.org",
                "phone": "+33 5 56 00 00 00",
                "zip": "33000",
                "comment": "<p>Prefers the window seat</p>",
            }
        )

    def _wizard(self, master, partners, user=None):
        Wizard = self.env["travel.customer.merge"]
        if user:
            Wizard = Wizard.with_user(user)
        form = Form(Wizard.with_context(default_partner_id=master.id))
        for line in range(len(form.line_ids)):
            with form.line_ids.edit(line) as row:
                row.selected = row.partner_id in partners | master
        return form

    def test_candidates_prefilled(self):
        form = self._wizard(self.master, self.dup)
        lines = {form.line_ids.edit(i).partner_id: i for i in range(len(form.line_ids))}
        self.assertIn(self.dup, lines)
        wizard = form.save()
        line = wizard.line_ids.filtered(lambda line: line.partner_id == self.dup)
        self.assertGreaterEqual(line.score, 80)
        self.assertIn("Same e-mail", line.reasons)
        self.assertIn("Test, Testine", wizard.preview)

    def test_merge_moves_everything(self):
        history = self._create_history(self.dup)
        booking, quotation = history["booking"], history["quotation"]
        invoice, payment = history["invoice"], history["payment"]
        attachment = history["attachment"]
        activity = self.dup.activity_schedule(summary="Call back")
        wizard = self._wizard(self.master, self.dup).save()
        wizard.action_merge()

        # archived, merged into the master, until the undo delay has passed
        self.assertFalse(self.dup.active)
        self.assertEqual(self.dup.travel_merged_into_id, self.master)
        self.assertEqual((booking | quotation).partner_id, self.master)
        self.assertEqual(invoice.partner_id, self.master)
        self.assertEqual(payment.partner_id, self.master)
        self.assertEqual(attachment.res_id, self.master.id)
        self.assertEqual(activity.res_id, self.master.id)
        self.assertIn(self.salesman.partner_id, self.master.message_partner_ids)
        self.assertTrue(
            self.master.message_ids.filtered(
                lambda m: "A note on the duplicate" in m.body
            )
        )
        self.assertEqual(self.master.travel_booking_count, 1)
        self.assertEqual(self.master.travel_quotation_count, 1)
        log = self.env["travel.customer.merge.log"].search(
            [("master_id", "=", self.master.id)]
        )
        self.assertEqual(len(log), 1)
        self.assertIn("Test, Testine", log.merged_names)
        self.assertIn("Customers merged into this one", self.master.message_ids[0].body)
        # the log in words, in the reader's language: no JSON
        self.assertIn("1 booking, 1 quotation, 1 invoice", log.counts_summary)
        self.assertIn("moved", log.counts_summary)
        self.assertNotIn("{", log.counts_summary)
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["travel_customer"], ["fr_FR"], overwrite=True
        )
        in_french = log.with_context(lang="fr_FR").counts_summary
        self.assertIn("1 réservation", in_french)

    def test_pick_values_per_field(self):
        form = self._wizard(self.master, self.dup)
        fields_shown = {}
        for i in range(len(form.field_ids)):
            with form.field_ids.edit(i) as row:
                fields_shown[row.field_name] = row.source_partner_id
                if row.field_name == "name":
                    row.source_partner_id = self.dup
        # the master's value by default, and only where they disagree
        self.assertEqual(fields_shown["name"], self.master)
        self.assertNotIn("email", fields_shown)
        form.save().action_merge()
        self.assertEqual(self.master.name, "Test, Testine")
        # blanks are filled from the duplicate
        self.assertEqual(self.master.phone, "+33 5 56 00 00 00")

    def test_birth_date_picked_and_undone(self):
        self.master.travel_birth_date = "1980-01-01"
        self.dup.travel_birth_date = "1980-10-01"
        form = self._wizard(self.master, self.dup)
        for i in range(len(form.field_ids)):
            with form.field_ids.edit(i) as row:
                if row.field_name == "travel_birth_date":
                    self.assertEqual(row.value, "1980-01-01")
                    row.source_partner_id = self.dup
                    self.assertEqual(row.value, "1980-10-01")
        form.save().action_merge()
        self.assertEqual(str(self.master.travel_birth_date), "1980-10-01")
        log = self.env["travel.customer.merge.log"].search(
            [("master_id", "=", self.master.id)], limit=1
        )
        log.action_undo()
        self.env.invalidate_all()
        self.assertEqual(str(self.master.travel_birth_date), "1980-01-01")

    def test_travel_rules(self):
        default = self.type_walk_in
        self.master.write(
            {"customer_type_id": default.id, "comment": "<p>Master note</p>"}
        )
        self.dup.write(
            {
                "customer_type_id": self.type_vip.id,
                "travel_level_id": self.level_do_not_book.id,
                "travel_dispute": True,
            }
        )
        self.master.travel_level_id = self.level_vip
        third = self.Partner.create(
            {"name": "Testine T.", "email": "testine@example.org"}
        )
        self._wizard(
            self.master, self.dup | third, user=self.travel_manager
        ).save().action_merge()
        self.assertEqual(self.master.customer_type_id, self.type_vip)
        self.assertEqual(self.master.travel_level_id, self.level_do_not_book)
        self.assertEqual((self.dup | third).travel_merged_into_id, self.master)
        self.assertTrue(self.master.travel_dispute)
        self.assertIn("Master note", self.master.comment)
        self.assertIn("Prefers the window seat", self.master.comment)
        self.assertIn("Test, Testine", self.master.comment)

    def test_master_type_kept_unless_default(self):
        self.master.customer_type_id = self.type_regular
        self.dup.customer_type_id = self.type_vip
        self._wizard(self.master, self.dup).save().action_merge()
        self.assertEqual(self.master.customer_type_id, self.type_regular)
        self.assertFalse(self.dup.active)
        self.assertEqual(self.dup.travel_merged_into_id, self.master)

    def test_refused_consent_wins(self):
        """The master said yes to being contacted, a duplicate said no: the
        merged customer is not contacted; each answer stays in the history."""
        self.master._travel_record_consents({"us": True}, channel="portal")
        self.dup._travel_record_consents({"us": False}, channel="signup")
        self.assertTrue(self.master.travel_consent_us)
        self._wizard(self.master, self.dup).save().action_merge()
        self.master.invalidate_recordset()
        self.assertFalse(self.master.travel_consent_us)
        history = self.env["travel.consent.record"].search(
            [("partner_id", "=", self.master.id)], order="id"
        )
        self.assertEqual(history.mapped("accepted"), [True, False, False])
        self.assertEqual(history[1].channel, "signup")

    def test_more_than_three_for_managers(self):
        others = self.Partner.create(
            [
                {"name": f"Testine Test {i}", "email": f"t{i}@example.org"}
                for i in range(4)
            ]
        )
        bookings = [self._create_order(p) for p in others]
        wizard = self._merge_wizard(self.master, others)
        with self.assertRaisesRegex(UserError, "at most 3"):
            wizard.with_user(self.salesman).action_merge()
        self.assertEqual(len(others.filtered("active")), 4)
        self.assertEqual(
            self.env["sale.order"].browse([b.id for b in bookings]).partner_id, others
        )
        wizard.with_user(self.travel_manager).action_merge()
        self.assertFalse(others.filtered("active"))
        self.assertEqual(
            self.env["sale.order"].browse([b.id for b in bookings]).partner_id,
            self.master,
        )

    def test_setting_bounds_a_merge(self):
        self.env["ir.config_parameter"].set_param("travel_customer.merge_max", "2")
        third = self.Partner.create(
            {"name": "Testine 3", "email": "testine@example.org"}
        )
        wizard = self._wizard(
            self.master, self.dup | third, user=self.travel_manager
        ).save()
        with self.assertRaisesRegex(UserError, "at most 2"):
            wizard.action_merge()
        self.assertTrue((self.dup | third).exists())
        self.env.invalidate_all()
        self.assertTrue(all((self.dup | third).mapped("active")))


@tagged("post_install", "-at_install")
class TestMergeRefusals(TravelCustomerCommon):
    def _merge(self, master, partners, user=None):
        wizard = self._merge_wizard(master, partners)
        return wizard.with_user(user or self.travel_manager).action_merge()

    def _assert_unmerged(self, partners):
        """Nothing happened: all active, none merged, no merge logged."""
        self.env.invalidate_all()
        self.assertEqual(partners.filtered("active"), partners)
        self.assertFalse(partners.travel_merged_into_id)
        self.assertFalse(
            self.env["travel.customer.merge.log"].search(
                [("master_id", "in", partners.ids)]
            )
        )

    def test_not_with_itself(self):
        with self.assertRaisesRegex(UserError, "cannot be merged with itself"):
            self._merge(self.customer, self.Partner)
        self.assertTrue(self.customer.exists())
        self._assert_unmerged(self.customer)

    def test_not_with_own_address_or_parent(self):
        company = self.Partner.create({"name": "Azur Voyages", "is_company": True})
        address = self.Partner.create(
            {"name": "Azur Voyages", "parent_id": company.id, "type": "invoice"}
        )
        with self.assertRaisesRegex(UserError, "own contacts, addresses and parent"):
            self._merge(company, address)
        with self.assertRaisesRegex(UserError, "own contacts, addresses and parent"):
            self._merge(address, company)
        self.assertTrue((company | address).exists())
        self.assertEqual(address.parent_id, company)
        self._assert_unmerged(company | address)

    def test_not_across_companies(self):
        other_company = self.env["res.company"].create({"name": "Hotel Bellevue"})
        mine = self.Partner.create({"name": "Paul", "company_id": self.env.company.id})
        theirs = self.Partner.create({"name": "Paul", "company_id": other_company.id})
        with self.assertRaisesRegex(UserError, "different companies"):
            self._merge(mine, theirs)
        self.assertTrue((mine | theirs).exists())
        self._assert_unmerged(mine | theirs)

    def test_only_travel_users(self):
        other = self.Partner.create({"name": "Camille Durand"})
        with self.assertRaisesRegex(AccessError, "Only Travel customers users"):
            self._merge(self.customer, other, user=self.employee)
        self.assertTrue(other.exists())
        self._assert_unmerged(self.customer | other)

    def test_concurrent_merge_refused(self):
        """Another transaction holds the customers: refused, nothing changed."""
        master = self.env.ref("travel_customer.partner_hans_muller")
        dup = self.env.ref("travel_customer.partner_hans_muller_dup")
        other = db_connect(self.env.cr.dbname).cursor()
        try:
            other.execute(
                "SELECT id FROM res_partner WHERE id = %s FOR NO KEY UPDATE", [dup.id]
            )
            with self.assertRaisesRegex(
                UserError, "being merged or changed by another user"
            ):
                self._merge(master, dup)
        finally:
            other.rollback()
            other.close()
        self.assertTrue(dup.exists())
        self.assertEqual(dup.name, "Hans Mueller")
        self._assert_unmerged(master | dup)


@tagged("post_install", "-at_install")
class TestDuplicateScan(TravelCustomerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Group = cls.env["travel.duplicate.group"]
        values = {"zip": "40200", "city": "Mimizan", "street": "Route des Lacs"}
        cls.family = cls.Partner.create(
            [
                {"name": "Test, Testine", "email": "testine@example.org", **values},
                {"name": "Testine Test", "phone": "+33 5 58 09 11 22", **values},
                {"name": "TEST Testine", "email": "Testine@Example.org ", **values},
            ]
        )
        cls.lookalike = cls.Partner.create(
            {"name": "Albert Camus", "phone": "05 58 09 11 22", **values}
        )
        cls.namesake = cls.Partner.create({"name": "Albert Camus", **values})
        cls._create_order(cls.family[1]).action_confirm()

    def _groups_with(self, partners):
        return self.Group.search(
            [("state", "=", "open"), ("partner_ids", "in", partners.ids)]
        )

    def test_scan_groups_duplicates(self):
        self.Group._scan()
        group = self._groups_with(self.family)
        self.assertEqual(len(group), 1)
        self.assertEqual(group.partner_ids, self.family)
        # most bookings first, then the oldest
        self.assertEqual(group.suggested_master_id, self.family[1])
        self.assertGreaterEqual(group.score, 60)
        self.assertIn("Same name", group.reasons)

    def test_not_duplicates_never_proposed_again(self):
        self.Group._scan()
        group = self._groups_with(self.namesake)
        self.assertEqual(group.partner_ids, self.lookalike | self.namesake)
        group.with_user(self.salesman).action_not_duplicates()
        self.assertEqual(group.state, "ignored")
        self.Group._scan()
        self.assertFalse(self._groups_with(self.namesake))
        self.assertTrue(self._groups_with(self.family))
        # nor in the merge dialog
        similar = [c["partner_id"] for c in self.namesake._travel_similar_customers()]
        self.assertNotIn(self.lookalike.id, similar)

    def test_group_opens_the_merge_with_its_customers(self):
        self.Group._scan()
        group = self._groups_with(self.family)
        action = group.action_open_merge()
        wizard = Form(
            self.env["travel.customer.merge"].with_context(**action["context"])
        ).save()
        self.assertEqual(wizard.partner_id, self.family[1])
        self.assertEqual(wizard._selected_partners(), self.family)
        wizard.with_user(self.travel_manager).action_merge()
        self.assertEqual(self.family.filtered("active"), self.family[1])
        self.assertEqual(group.state, "merged")


@tagged("post_install", "-at_install")
class TestMergePortalUsers(TravelCustomerCommon):
    def test_master_keeps_one_account_others_archived(self):
        master = self.Partner.create(
            {"name": "Paula Portal", "email": "paula@example.org"}
        )
        dup = self.Partner.create(
            {"name": "Paula Portal", "email": "paula@example.org"}
        )
        Users = self.env["res.users"].with_context(no_reset_password=True)
        master_user = Users.create(
            {
                "login": "paula1",
                "partner_id": master.id,
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        dup_user = Users.create(
            {
                "login": "paula2",
                "partner_id": dup.id,
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        wizard = self._merge_wizard(master, dup)
        self.assertIn("the master keeps paula1", wizard.preview)
        wizard.with_user(self.travel_manager).action_merge()
        self.assertFalse(dup.active)
        self.assertEqual(master_user.partner_id, master)
        self.assertTrue(master_user.active)
        self.assertFalse(dup_user.active)
        self.assertTrue(dup_user.exists())
        self.assertNotEqual(dup_user.partner_id, master)
        self.assertIn("merged account", dup_user.partner_id.name)

    def test_several_internal_users_refused(self):
        Users = self.env["res.users"].with_context(no_reset_password=True)
        first = Users.create({"name": "Ivo Staff", "login": "ivo1"})
        second = Users.create({"name": "Ivo Staff", "login": "ivo2"})
        wizard = self._merge_wizard(first.partner_id, second.partner_id)
        with self.assertRaisesRegex(UserError, "internal users"):
            wizard.with_user(self.travel_manager).action_merge()
        self.assertTrue(second.partner_id.active)
        self.assertTrue(second.active)


@tagged("post_install", "-at_install")
class TestUndoMerge(TravelCustomerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.master = cls.Partner.create(
            {"name": "Undo Test", "email": "undo@example.org"}
        )
        cls.dup = cls.Partner.create(
            {
                "name": "Test, Undo",
                "email": "undo@example.org",
                "phone": "+33 1 00 00 00 01",
            }
        )
        cls.tag = cls.env["res.partner.category"].create({"name": "Skier"})
        cls.dup.category_id = cls.tag

    def _merge(self):
        wizard = self._merge_wizard(self.master, self.dup)
        wizard.with_user(self.travel_manager).action_merge()
        return self.env["travel.customer.merge.log"].search(
            [("master_id", "=", self.master.id)], limit=1
        )

    def test_merge_moves_assignments_and_undo_puts_them_back(self):
        """The reseller's assignments have no database foreign key: the merge
        finds them all the same, and the undo gives them back."""
        stay = self.env["product.product"].create(
            {"name": "Lake week", "type": "service", "travel_is_stay": True}
        )
        today = fields.Date.context_today(self.master)
        june, july = self.env["travel.departure"].create(
            [
                {
                    "product_id": stay.id,
                    "date_start": today + timedelta(days=days),
                    "date_end": today + timedelta(days=days + 7),
                }
                for days in (30, 60)
            ]
        )
        Assignment = self.env["travel.departure.assignment"]
        mine = Assignment.create(
            {"partner_id": self.master.id, "departure_id": june.id}
        )
        theirs = Assignment.create(
            [
                {"partner_id": self.dup.id, "departure_id": departure.id}
                for departure in june | july
            ]
        )
        log = self._merge()
        self.env.invalidate_all()
        self.assertEqual(self.master.travel_assignment_ids.departure_id, june | july)
        self.assertFalse(self.dup.travel_assignment_ids)
        log.with_user(self.travel_manager).action_undo()
        self.env.invalidate_all()
        self.assertEqual(self.master.travel_assignment_ids, mine)
        self.assertEqual(
            self.dup.travel_assignment_ids.mapped("departure_id"), june | july
        )
        self.assertEqual(len(theirs.exists() | self.dup.travel_assignment_ids), 2)

    def test_undo_puts_everything_back(self):
        history = self._create_history(self.dup)
        booking, quotation = history["booking"], history["quotation"]
        invoice, payment = history["invoice"], history["payment"]
        message, attachment = history["message"], history["attachment"]
        before = (self.dup.travel_booking_count, self.dup.travel_quotation_count)

        log = self._merge()
        self.assertEqual(invoice.partner_id, self.master)
        self.assertEqual(self.master.phone, "+33 1 00 00 00 01")

        log.with_user(self.salesman).action_undo()
        self.env.invalidate_all()
        self.assertEqual(log.state, "undone")
        self.assertTrue(self.dup.active)
        self.assertFalse(self.dup.travel_merged_into_id)
        self.assertEqual((booking | quotation).partner_id, self.dup)
        self.assertEqual(invoice.partner_id, self.dup)
        self.assertEqual(payment.partner_id, self.dup)
        self.assertEqual(invoice.line_ids.partner_id, self.dup)
        self.assertEqual(message.res_id, self.dup.id)
        self.assertEqual(attachment.res_id, self.dup.id)
        self.assertIn(self.salesman.partner_id, self.dup.message_partner_ids)
        self.assertEqual(self.dup.category_id, self.tag)
        self.assertEqual(
            (self.dup.travel_booking_count, self.dup.travel_quotation_count), before
        )
        self.assertFalse(self.master.phone)
        self.assertEqual(self.master.travel_booking_count, 0)
        # the tag it got from the duplicate goes back with it
        self.assertFalse(self.master.category_id)

    def test_undo_restores_the_values_picked(self):
        """The user kept the duplicate's name: an undo gives the master its own."""
        wizard = self._merge_wizard(self.master, self.dup)
        wizard.field_ids = [
            Command.create(
                {
                    "field_name": "name",
                    "candidate_partner_ids": [
                        Command.set((self.master | self.dup).ids)
                    ],
                    "source_partner_id": self.dup.id,
                }
            )
        ]
        wizard.with_user(self.travel_manager).action_merge()
        self.assertEqual(self.master.name, "Test, Undo")
        log = self.env["travel.customer.merge.log"].search(
            [("master_id", "=", self.master.id)], limit=1
        )
        log.action_undo()
        self.env.invalidate_all()
        self.assertEqual(self.master.name, "Undo Test")
        self.assertEqual(self.dup.name, "Test, Undo")

    def test_clash_reported_and_undone(self):
        """Both have the tag: the preview says so; undo gives it back."""
        self.master.category_id = self.tag
        wizard = self._merge_wizard(self.master, self.dup)
        # in words: the field, never the table
        self.assertIn("Tags", wizard.preview)
        self.assertNotIn("res_partner_res_partner_category_rel", wizard.preview)
        self.assertNotIn("<table", wizard.preview)
        wizard.with_user(self.travel_manager).action_merge()
        log = self.env["travel.customer.merge.log"].search(
            [("master_id", "=", self.master.id)], limit=1
        )
        self.env.invalidate_all()
        self.assertEqual(log.state, "done")
        log.action_undo()
        self.env.invalidate_all()
        self.assertEqual(log.state, "undone")
        self.assertEqual(self.dup.category_id, self.tag)
        self.assertEqual(self.master.category_id, self.tag)

    def test_undo_puts_back_what_the_master_had_too(self):
        """Both answered the same consent and have the same follower: Odoo's
        merge drops the duplicate's copies; the undo brings them back."""
        follower = self.salesman.partner_id
        for partner, accepted in ((self.master, True), (self.dup, False)):
            partner._travel_record_consents({"us": accepted}, channel="portal")
            partner.message_subscribe(partner_ids=follower.ids)
        dup_consent = self.dup.privacy_consent_ids
        subtypes = (
            self.env["mail.followers"]
            .search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "=", self.dup.id),
                    ("partner_id", "=", follower.id),
                ]
            )
            .subtype_ids
        )
        self.assertTrue(subtypes)
        log = self._merge()
        self.assertFalse(dup_consent.exists())
        log.with_user(self.travel_manager).action_undo()
        self.env.invalidate_all()
        self.assertTrue(self.dup.active)
        self.assertEqual(self.dup.privacy_consent_ids, dup_consent)
        self.assertFalse(self.dup.travel_consent_us)
        self.assertIn(follower, self.dup.message_partner_ids)
        self.assertIn(follower, self.master.message_partner_ids)
        self.assertEqual(
            self.env["mail.followers"]
            .search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "=", self.dup.id),
                    ("partner_id", "=", follower.id),
                ]
            )
            .subtype_ids,
            subtypes,
        )

    def test_wallets_added_up_and_given_back(self):
        Card = self.env["loyalty.card"]
        master_card = Card._travel_wallet(self.master)
        master_card._travel_move(10.0, "Cashback: Corsica")
        dup_card = Card._travel_wallet(self.dup)
        dup_card._travel_move(25.0, "Cashback: Vercors")
        wizard = self._merge_wizard(self.master, self.dup)
        self.assertTrue(
            [c for c in wizard._clashes(self.dup) if "e-wallet" in c and "35" in c]
        )
        log = self._merge()
        self.env.invalidate_all()
        self.assertEqual(Card._travel_wallet(self.master, create=False), master_card)
        self.assertEqual(master_card.points, 35.0)
        self.assertEqual(
            sorted(master_card.history_ids.mapped("description")),
            ["Cashback: Corsica", "Cashback: Vercors"],
        )
        self.assertFalse(dup_card.active)
        log.action_undo()
        self.env.invalidate_all()
        self.assertEqual(master_card.points, 10.0)
        self.assertEqual(Card._travel_wallet(self.dup, create=False), dup_card)
        self.assertEqual(dup_card.points, 25.0)
        self.assertEqual(dup_card.history_ids.description, "Cashback: Vercors")

    def test_undo_refused_when_a_moved_record_is_gone(self):
        quotation = self._create_order(self.dup)
        line = quotation.order_line
        log = self._merge()
        quotation.unlink()
        # every record gone is named, in the same order on any database
        with self.assertRaisesRegex(
            UserError,
            rf"Records moved by this merge have been deleted since \(Sales Order "
            rf"#{quotation.id}, Sales Order Line #{line.id}\)",
        ):
            log.action_undo()
        self.assertEqual(log.state, "done")
        self.assertFalse(self.dup.active)

    def test_undo_refused_after_the_delay_and_duplicates_purged(self):
        log = self._merge()
        self.env.cr.execute(
            "UPDATE travel_customer_merge_log "
            "SET create_date = now() - interval '31 days' WHERE id = %s",
            [log.id],
        )
        log.invalidate_recordset()
        with self.assertRaisesRegex(UserError, "can no longer be undone"):
            log.action_undo()
        self.assertEqual(log.state, "done")
        self.env["travel.customer.merge.log"]._cron_purge()
        self.assertFalse(self.dup.exists())
        self.assertEqual(log.state, "final")
        self.assertTrue(self.master.exists())
