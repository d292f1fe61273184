# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io
import json
import zipfile
from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import TravelCustomerCommon


@tagged("post_install", "-at_install")
class TestMergeSecurity(TravelCustomerCommon):
    """Attacks on the merge log, its undo and "Merged into": each by a user
    who may merge (Travel user) or edit contacts (Contacts user), and each
    refused with the data unchanged."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Log = cls.env["travel.customer.merge.log"]
        cls.Privacy = cls.env["travel.customer.privacy"]
        cls.officer = cls._privacy_officer()
        cls.group_system = cls.env.ref("base.group_system")
        cls.master = cls.Partner.create(
            {"name": "Sécu Merge", "email": "secu.merge@example.org"}
        )
        cls.dup = cls.Partner.create(
            {
                "name": "Merge, Sécu",
                "email": "secu.merge@example.org",
                "phone": "+33 4 00 00 00 01",
            }
        )
        cls.participant = cls.env["travel.participant"].create(
            {
                "first_name": "Jules",
                "last_name": "Sécu",
                "birth_date": date(2016, 3, 4),
                "partner_id": cls.dup.id,
                "allergies": "Wasp stings",
            }
        )

    def _merge(self):
        self._merge_wizard(self.master, self.dup).with_user(
            self.travel_manager
        ).action_merge()
        return self.Log.search([("master_id", "=", self.master.id)], limit=1)

    def _system_journal(self, log):
        """A journal that adds the salesman to Settings / Administrator."""
        journal = dict(log.journal)
        journal["rel"] = [
            *journal["rel"],
            [
                "res_groups_users_rel",
                "uid",
                "gid",
                [[self.group_system.id, self.salesman.id]],
                [],
            ],
        ]
        return journal

    def _assert_still_merged(self, log):
        self.env.invalidate_all()
        self.assertEqual(log.state, "done")
        self.assertFalse(self.dup.active)
        self.assertEqual(self.dup.travel_merged_into_id, self.master)
        self.assertEqual(self.participant.partner_id, self.master)
        self.assertFalse(self.salesman.has_group("base.group_system"))

    # ------------------------------------------------------------ MERGE LOG
    def test_travel_user_cannot_forge_a_merge_log(self):
        forged = {
            "master_id": self.master.id,
            "merged_ids": json.dumps([self.dup.id]),
            "journal": {
                "fk": [],
                "ref": [],
                "master": {},
                "users": [],
                "rel": [
                    [
                        "res_groups_users_rel",
                        "uid",
                        "gid",
                        [[self.group_system.id, self.salesman.id]],
                        [],
                    ]
                ],
            },
        }
        with self.assertRaises(AccessError):
            self.Log.with_user(self.salesman).create(forged)
        self.assertFalse(self.Log.with_user(self.salesman).has_access("create"))
        self.assertFalse(self.Log.search([("master_id", "=", self.master.id)]))
        self.assertFalse(self.salesman.has_group("base.group_system"))

    def test_travel_user_cannot_change_or_delete_a_merge_log(self):
        log = self._merge()
        journal = log.journal
        as_salesman = log.with_user(self.salesman)
        self.assertEqual(as_salesman.master_id, self.master)  # readable
        for values in (
            {"journal": self._system_journal(log)},
            {"merged_ids": json.dumps([self.salesman.partner_id.id])},
            {"state": "done", "master_id": self.salesman.partner_id.id},
        ):
            with self.assertRaises(AccessError):
                as_salesman.write(values)
        with self.assertRaises(AccessError):
            as_salesman.unlink()
        # not even the manager: the log is the code's
        with self.assertRaises(AccessError):
            log.with_user(self.travel_manager).write({"journal": {}})
        with self.assertRaises(AccessError):
            log.with_user(self.travel_manager).unlink()
        log.invalidate_recordset()
        self.assertTrue(log.exists())
        self.assertEqual(log.journal, journal)
        self.assertEqual(log.merged_ids, json.dumps([self.dup.id]))
        self._assert_still_merged(log)

    def test_undo_refuses_a_journal_naming_another_table(self):
        """A tampered row of the log (not something a user can do) is not
        replayed: the undo only knows what a merge writes."""
        log = self._merge()
        log.sudo().journal = self._system_journal(log)
        with self.assertRaisesRegex(UserError, "res_groups_users_rel"):
            log.with_user(self.salesman).action_undo()
        self._assert_still_merged(log)

    def test_undo_refuses_a_journal_naming_another_column_or_row(self):
        log = self._merge()
        original = log.journal
        someone = self._fake_customer()
        someone._travel_record_consents({"us": False}, channel="portal")
        consent = someone.privacy_consent_ids
        self.env["ir.default"].set("res.partner", "lang", "fr_FR")
        lang_default = self.env["ir.default"].search(
            [("field_id.model", "=", "res.partner"), ("field_id.name", "=", "lang")],
            limit=1,
        )
        forgeries = {
            # a column that does not point to a customer
            "res_users.login": {
                **original,
                "fk": [["res_users", "login", [[self.salesman.id, self.dup.id]]]],
            },
            # a table Odoo's merge does not rewrite by model name
            "ir_rule.model_id": {
                **original,
                "ref": [["ir_rule", "model_id", [[1, self.dup.id]]]],
            },
            # a row that was nobody's among the merged customers
            "sale_order.partner_id": {
                **original,
                "fk": [
                    *original["fk"],
                    ["sale_order", "partner_id", [[1, someone.id]]],
                ],
            },
            # a user account that was not moved by the merge
            "res_users": {
                **original,
                "users": [[self.salesman.id, self.dup.id, self.master.id]],
            },
            # fields of the master outside what a merge changes
            "other fields of the master": {
                **original,
                "master": {"travel_anonymized": True},
            },
            # a consent of another customer "restored" to a yes
            "privacy_consent": {
                **original,
                "clash": [
                    [
                        "privacy_consent",
                        consent.id,
                        {"accepted": True, "state": "answered", "last_metadata": ""},
                    ]
                ],
            },
            # a default value of another field than a customer one
            "ir_default": {
                **original,
                "default": [[lang_default.id, str(self.dup.id)]],
            },
        }
        for what, journal in forgeries.items():
            with self.subTest(what=what):
                log.sudo().journal = journal
                with self.assertRaisesRegex(UserError, what):
                    log.with_user(self.salesman).action_undo()
                self._assert_still_merged(log)
        # the journal as the merge wrote it is undone
        log.sudo().journal = original
        log.with_user(self.salesman).action_undo()
        self.env.invalidate_all()
        self.assertEqual(log.state, "undone")
        self.assertTrue(self.dup.active)
        self.assertEqual(self.participant.partner_id, self.dup)

    def test_undo_needs_a_travel_user(self):
        log = self._merge()
        with self.assertRaises(AccessError):
            log.with_user(self.employee).action_undo()
        self._assert_still_merged(log)

    # ------------------------------------------------------------ MERGED INTO
    def _exported(self, user, partner=None):
        """What "Download my data" gives ``user`` (the export of ``partner``
        by a privacy officer if given)."""
        if partner:
            _name, content = self.Privacy.with_user(user)._export(partner)
        else:
            _name, content = self.Privacy.with_user(user)._export(
                user.partner_id, by_customer=True
            )
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return archive.read("personal_data.json").decode()

    def test_contacts_user_cannot_set_merged_into(self):
        """Writing "Merged into" on a customer would put it, health data
        included, in the writer's own data export."""
        victim = self.dup
        attacker = self.employee.partner_id
        with self.assertRaises(AccessError):
            victim.with_user(self.employee).write(
                {"travel_merged_into_id": attacker.id}
            )
        with self.assertRaises(AccessError):
            self.Partner.with_user(self.employee).create(
                {"name": "Fake twin", "travel_merged_into_id": self.master.id}
            )
        # a Travel user neither: only the merge sets it
        with self.assertRaises(AccessError):
            victim.with_user(self.salesman).write(
                {"travel_merged_into_id": self.salesman.partner_id.id}
            )
        self.env.invalidate_all()
        self.assertFalse(victim.travel_merged_into_id)
        self.assertTrue(victim.active)
        exported = self._exported(self.employee)
        self.assertNotIn("Wasp stings", exported)
        self.assertNotIn(victim.name, exported)

    def test_unlink_with_the_old_context_key_merges_nothing(self):
        attacker = self.employee.partner_id
        key = {"travel_merge_archive_into": attacker.id}
        # a customer with a booking: refused as any deletion
        self._booking(self.dup, date.today())
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            self.dup.with_user(self.employee).with_context(**key).unlink()
        # a plain contact: deleted, as the Contacts user may
        contact = self._fake_customer()
        contact.with_user(self.employee).with_context(**key).unlink()
        self.assertFalse(contact.exists())
        self.env.invalidate_all()
        self.assertTrue(self.dup.active)
        self.assertFalse(self.dup.travel_merged_into_id)
        self.assertFalse(
            self.Partner.with_context(active_test=False).search(
                [("travel_merged_into_id", "=", attacker.id)]
            )
        )
        self.assertNotIn("Wasp stings", self._exported(self.employee))

    def test_export_follows_real_merges_only(self):
        """A master's export has its merged duplicates; a "Merged into" that
        no merge made (a row changed by hand) brings nothing."""
        self.dup.sudo().travel_merged_into_id = self.employee.partner_id
        exported = json.loads(self._exported(self.employee))
        self.assertEqual(exported["addresses"], [])
        self.assertEqual(exported["participants"], [])
        self.dup.sudo().travel_merged_into_id = False
        self._merge()
        exported = json.loads(self._exported(self.officer, self.master))
        self.assertEqual([a["id"] for a in exported["addresses"]], [self.dup.id])

    # ------------------------------------------------------------ ANONYMIZED
    def test_anonymized_duplicate_does_not_come_back(self):
        log = self._merge()
        name = self.dup.name
        self.dup.with_user(self.officer).action_travel_anonymize()
        self.env.invalidate_all()
        anonymized_name = f"Anonymized customer {self.dup.id}"
        self.assertEqual(self.dup.name, anonymized_name)
        # the journal kept its old values: gone
        self.assertFalse(log.journal)
        self.assertNotIn(name, log.merged_names)
        self.assertIn(anonymized_name, log.merged_names)
        with self.assertRaisesRegex(
            UserError, f"cannot be undone: customer {anonymized_name} was anonymized"
        ):
            log.with_user(self.salesman).action_undo()
        self.env.invalidate_all()
        self.assertEqual(self.dup.name, anonymized_name)
        self.assertFalse(self.dup.active)
        self.assertFalse(self.dup.phone)
        self.assertEqual(self.participant.partner_id, self.master)
        self.assertNotEqual(log.state, "undone")

    def test_anonymizing_purges_undone_merges_too(self):
        """An undone merge's journal holds the master's old values."""
        log = self._merge()
        log.with_user(self.salesman).action_undo()
        self.assertTrue(log.journal)
        self.master.with_user(self.officer).action_travel_anonymize()
        self.env.invalidate_all()
        self.assertFalse(log.journal)
        self.assertEqual(log.state, "undone")
        self.assertNotIn("Merge, Sécu", log.merged_names or "")
