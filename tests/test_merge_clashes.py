# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import TravelBookingMixin, TravelCustomerCommon


class MergeClashMixin:
    def _followers(self, record, partner):
        return self.env["mail.followers"].search(
            [
                ("res_model", "=", record._name),
                ("res_id", "=", record.id),
                ("partner_id", "=", partner.id),
            ]
        )

    def _log(self, master):
        return self.env["travel.customer.merge.log"].search(
            [("master_id", "=", master.id)], limit=1
        )


@tagged("post_install", "-at_install")
class TestMergeClashes(MergeClashMixin, TravelCustomerCommon):
    """A duplicate's rows that clash with the master's under a unique index:
    the others move, the clashing ones follow the rule of their kind, and
    an undo puts everything back as it was."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.master = cls.Partner.create(
            {"name": "Clash Test", "email": "clash@example.org"}
        )
        cls.dup = cls.Partner.create(
            {"name": "Test, Clash", "email": "clash@example.org"}
        )
        cls.comment = cls.env.ref("mail.mt_comment")
        cls.note = cls.env.ref("mail.mt_note")

    def _merge(self, user=None):
        self._merge_wizard(self.master, self.dup).with_user(
            user or self.travel_manager
        ).action_merge()
        return self._log(self.master)

    def test_ten_follows_all_kept(self):
        """The duplicate follows ten bookings, the master one of them: the
        master follows all ten after the merge (Odoo's merge leaves it one),
        the shared one with the subtypes of both."""
        someone = self._fake_customer()
        orders = self.env["sale.order"].browse(
            [self._create_order(someone).id for _i in range(10)]
        )
        for order in orders:
            order.message_unsubscribe(partner_ids=order.message_partner_ids.ids)
            order.message_subscribe(
                partner_ids=self.dup.ids, subtype_ids=self.comment.ids
            )
        shared = orders[3]
        shared.message_subscribe(partner_ids=self.master.ids, subtype_ids=self.note.ids)
        log = self._merge()
        self.env.invalidate_all()
        for order in orders:
            self.assertEqual(order.message_partner_ids, self.master, order.name)
        self.assertEqual(
            self._followers(shared, self.master).subtype_ids, self.comment | self.note
        )
        self.assertEqual(
            self._followers(orders[0], self.master).subtype_ids, self.comment
        )
        log.with_user(self.salesman).action_undo()
        self.env.invalidate_all()
        for order in orders - shared:
            self.assertEqual(order.message_partner_ids, self.dup, order.name)
        self.assertEqual(shared.message_partner_ids, self.master | self.dup)
        self.assertEqual(self._followers(shared, self.master).subtype_ids, self.note)
        self.assertEqual(self._followers(shared, self.dup).subtype_ids, self.comment)

    def test_followers_of_both_keep_the_union_of_subtypes(self):
        follower = self.salesman.partner_id
        self.master.message_subscribe(
            partner_ids=follower.ids, subtype_ids=self.note.ids
        )
        self.dup.message_subscribe(
            partner_ids=follower.ids, subtype_ids=self.comment.ids
        )
        self.assertIn(
            "subtypes of both",
            "".join(
                self._merge_wizard(self.master, self.dup)._clashes(self.dup) or [""]
            ),
        )
        log = self._merge()
        self.assertEqual(
            self._followers(self.master, follower).subtype_ids,
            self.comment | self.note,
        )
        log.action_undo()
        self.env.invalidate_all()
        self.assertEqual(self._followers(self.master, follower).subtype_ids, self.note)
        self.assertEqual(self._followers(self.dup, follower).subtype_ids, self.comment)

    def test_consent_refusal_wins_and_undo_gives_the_yes_back(self):
        self.master._travel_record_consents({"us": True}, channel="portal")
        self.dup._travel_record_consents({"us": False}, channel="portal")
        master_consent = self.master.privacy_consent_ids
        dup_consent = self.dup.privacy_consent_ids
        log = self._merge()
        self.env.invalidate_all()
        self.assertFalse(self.master.travel_consent_us)
        self.assertEqual(self.master.privacy_consent_ids, master_consent)
        self.assertFalse(master_consent.accepted)
        self.assertFalse(dup_consent.exists())
        log.action_undo()
        self.env.invalidate_all()
        self.assertTrue(master_consent.accepted)
        self.assertTrue(self.master.travel_consent_us)
        self.assertEqual(self.dup.privacy_consent_ids, dup_consent)
        self.assertFalse(self.dup.travel_consent_us)

    def test_assignment_of_both_the_masters_kept(self):
        stay = self.env["product.product"].create(
            {"name": "Clash week", "type": "service", "travel_is_stay": True}
        )
        today = fields.Date.context_today(self.master)
        departures = self.env["travel.departure"].create(
            [
                {
                    "product_id": stay.id,
                    "date_start": today + timedelta(days=days),
                    "date_end": today + timedelta(days=days + 7),
                }
                for days in (10, 20, 30)
            ]
        )
        Assignment = self.env["travel.departure.assignment"]
        mine = Assignment.create(
            {"partner_id": self.master.id, "departure_id": departures[1].id}
        )
        theirs = Assignment.create(
            [
                {"partner_id": self.dup.id, "departure_id": departure.id}
                for departure in departures
            ]
        )
        log = self._merge()
        self.env.invalidate_all()
        self.assertEqual(self.master.travel_assignment_ids.departure_id, departures)
        self.assertIn(mine, self.master.travel_assignment_ids)
        self.assertFalse(theirs[1].exists())
        log.action_undo()
        self.env.invalidate_all()
        self.assertEqual(self.master.travel_assignment_ids, mine)
        self.assertEqual(self.dup.travel_assignment_ids.departure_id, departures)

    def test_wallets_added_through_the_contacts_merge(self):
        Card = self.env["loyalty.card"]
        master_card = Card._travel_wallet(self.master)
        master_card._travel_move(10.0, "Cashback: Corsica")
        dup_card = Card._travel_wallet(self.dup)
        dup_card._travel_move(25.0, "Cashback: Vercors")
        self._core_merge(self.master | self.dup, self.master, self.travel_manager)
        self.env.invalidate_all()
        self.assertEqual(master_card.points, 35.0)
        self.assertEqual(len(master_card.history_ids), 2)
        self._log(self.master).action_undo()
        self.env.invalidate_all()
        self.assertEqual(master_card.points, 10.0)
        self.assertEqual(dup_card.points, 25.0)

    # ------------------------------------------------------------ DOORS
    def _core_merge(self, partners, master, user):
        """Contacts > select > Action > Merge, as ``user``."""
        Wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(user)
            .with_context(active_model="res.partner", active_ids=partners.ids)
        )
        form = Form(Wizard)
        form.dst_partner_id = master
        return form.save().action_merge()

    def test_contacts_merge_goes_through_the_customer_merge(self):
        history = self._create_history(self.dup)
        user = self.travel_manager
        user.groups_id |= self.env.ref("base.group_partner_manager")
        self._core_merge(self.master | self.dup, self.master, user)
        self.env.invalidate_all()
        # archived (not deleted), logged, undoable
        self.assertTrue(self.dup.exists())
        self.assertFalse(self.dup.active)
        self.assertEqual(self.dup.travel_merged_into_id, self.master)
        self.assertEqual(history["booking"].partner_id, self.master)
        log = self._log(self.master)
        self.assertEqual(log.user_id, user)
        self.assertIn("Test, Clash", log.merged_names)
        log.with_user(self.salesman).action_undo()
        self.env.invalidate_all()
        self.assertTrue(self.dup.active)
        self.assertEqual(history["booking"].partner_id, self.dup)
        self.assertEqual(history["invoice"].partner_id, self.dup)

    def test_contacts_user_outside_travel_cannot_merge_customers(self):
        booking = self._create_order(self.dup)
        with self.assertRaisesRegex(
            AccessError, "Only Travel customers users can merge customers"
        ):
            self._core_merge(self.master | self.dup, self.master, self.employee)
        self.env.invalidate_all()
        self.assertTrue(self.dup.active)
        self.assertFalse(self.dup.travel_merged_into_id)
        self.assertEqual(booking.partner_id, self.dup)
        self.assertFalse(self._log(self.master))

    def test_refusal_reasons_in_order_through_each_door(self):
        """Several reasons at once: each door gives the first one, in the
        same order (rights, family, merged already, anonymized, companies,
        count), and changes nothing."""
        other_company = self.env["res.company"].create({"name": "Other Travel"})
        self.salesman.company_ids |= other_company
        address = self.Partner.create(
            {"name": "Clash Address", "parent_id": self.dup.id, "type": "delivery"}
        )
        merged = self.Partner.create({"name": "Clash Merged"})
        merged.sudo().travel_merged_into_id = self.customer
        anonymized = self.Partner.create({"name": "Clash Anonymized"})
        anonymized.sudo().travel_anonymized = True
        self.dup.company_id = other_company
        self.master.company_id = self.env.company
        self.env.ref("base.group_partner_manager").users |= self.salesman
        steps = [
            (self.employee, address | merged | anonymized, "Only Travel customers"),
            (self.salesman, address | merged | anonymized, "own contacts"),
            (self.salesman, merged | anonymized, "was merged into"),
            (self.salesman, anonymized, "is anonymized"),
            (self.salesman, self.env["res.partner"], "different companies"),
        ]
        for user, others, reason in steps:
            partners = self.master | self.dup | others
            for door in ("dialog", "contacts"):
                with self.subTest(reason=reason, door=door):
                    with self.assertRaisesRegex((AccessError, UserError), reason):
                        if door == "dialog":
                            self._merge_wizard(self.master, partners).with_user(
                                user
                            ).action_merge()
                        else:
                            self.env["base.partner.merge.automatic.wizard"].with_user(
                                user
                            )._merge(partners.ids, self.master)
                    self.env.invalidate_all()
                    self.assertTrue((partners | address).filtered("active"))
                    self.assertFalse(self.dup.travel_merged_into_id)
        self.dup.company_id = self.env.company
        many = self.Partner.create([{"name": f"Clash {n}"} for n in range(3)])
        with self.assertRaisesRegex(UserError, "at most 3 customers"):
            self._merge_wizard(self.master, self.dup | many).with_user(
                self.salesman
            ).action_merge()
        self.assertFalse(self._log(self.master))


@tagged("post_install", "-at_install")
class TestMergeRpc(MergeClashMixin, TravelBookingMixin, HttpCase):
    """The merge over JSON-RPC, the way the Contacts list's "Merge" calls it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.master = Partner.create({"name": "Rpc Merge", "email": "rpc@example.org"})
        cls.dup = Partner.create({"name": "Merge, Rpc", "email": "rpc@example.org"})
        cls.product = cls.env["product.product"].create(
            {"name": "Rpc trip", "type": "service", "list_price": 100.0}
        )
        cls.contacts_user = new_test_user(
            cls.env,
            login="rpc_contacts",
            groups="base.group_user,base.group_partner_manager",
        )
        cls.travel_user = mail_new_test_user(
            cls.env,
            login="rpc_travel",
            password="rpc_travel",
            groups="base.group_user,base.group_partner_manager,"
            "travel_customer.group_travel_user",
        )

    def _rpc_merge(self):
        """Create the core merge wizard and press "Merge Contacts"."""
        model = "base.partner.merge.automatic.wizard"
        wizard_id = self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/create",
            {
                "model": model,
                "method": "create",
                "args": [
                    {
                        "partner_ids": [[6, 0, (self.master | self.dup).ids]],
                        "dst_partner_id": self.master.id,
                        "state": "selection",
                    }
                ],
                "kwargs": {},
            },
        )
        response = self.opener.post(
            self.base_url() + f"/web/dataset/call_kw/{model}/action_merge",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "id": 1,
                "params": {
                    "model": model,
                    "method": "action_merge",
                    "args": [[wizard_id]],
                    "kwargs": {},
                },
            },
        )
        return response.json()

    def test_rpc_merge_refused_to_a_contacts_user(self):
        self.authenticate("rpc_contacts", "rpc_contactsx")
        answer = self._rpc_merge()
        self.assertIn(
            "Only Travel customers users can merge customers",
            answer["error"]["data"]["message"],
        )
        self.env.invalidate_all()
        self.assertTrue(self.dup.active)
        self.assertFalse(self._log(self.master))

    def test_rpc_merge_by_a_travel_user_is_logged_and_undone(self):
        booking = self._create_order(self.dup)
        self.authenticate("rpc_travel", "rpc_travel")
        answer = self._rpc_merge()
        self.assertNotIn("error", answer)
        self.env.invalidate_all()
        self.assertFalse(self.dup.active)
        self.assertEqual(booking.partner_id, self.master)
        log = self._log(self.master)
        self.assertEqual(log.user_id, self.travel_user)
        log.with_user(self.travel_user).action_undo()
        self.env.invalidate_all()
        self.assertTrue(self.dup.active)
        self.assertEqual(booking.partner_id, self.dup)
