# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io
import json
import zipfile
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.sql_db import db_connect
from odoo.tools import SQL, mute_logger

from .common import TravelCustomerCommon

# a 1x1 PNG: the customer's photo
PIXEL = (
    b"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQ"
    b"DwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


class PrivacyCommon(TravelCustomerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Privacy = cls.env["travel.customer.privacy"]
        cls.officer = cls._privacy_officer()
        cls.today = fields.Date.context_today(cls.Partner)
        cls.channel_booking = cls.env.ref("travel_customer.sales_channel_booking_com")
        cls.other_company = cls.env["res.company"].create({"name": "Other Agency"})

    def _weeks_ago(self, weeks, days=0):
        return self.today - timedelta(weeks=weeks) + timedelta(days=days)


class TestAnonymizeRules(PrivacyCommon):
    def _assert_refused(self, partner, reason):
        name, email = partner.name, partner.email
        anonymized = partner.travel_anonymized
        logs = self.env["privacy.log"].search_count(
            [("travel_partner_id", "=", partner.id)]
        )
        partner.invalidate_recordset()
        self.assertFalse(partner.with_user(self.officer).travel_can_anonymize)
        self.assertIn(reason, partner.with_user(self.officer).travel_anonymize_blockers)
        with self.assertRaisesRegex(UserError, reason):
            partner.with_user(self.officer).action_travel_anonymize()
        self.env.invalidate_all()
        self.assertEqual((partner.name, partner.email), (name, email))
        self.assertEqual(partner.travel_anonymized, anonymized)
        self.assertEqual(
            self.env["privacy.log"].search_count(
                [("travel_partner_id", "=", partner.id)]
            ),
            logs,
        )

    def _assert_allowed(self, partner):
        partner.invalidate_recordset()
        self.assertTrue(partner.with_user(self.officer).travel_can_anonymize)
        self.assertFalse(partner.with_user(self.officer).travel_anonymize_blockers)
        partner.with_user(self.officer).action_travel_anonymize()
        self.assertTrue(partner.travel_anonymized)

    def test_quotation_never_blocks(self):
        customer = self._fake_customer()
        self._create_order(customer, travel_date_end=self.today)
        self._assert_allowed(customer)

    def test_booking_ended_six_weeks_ago(self):
        """Allowed one day after the 6 weeks, refused one day before."""
        early, late = self._fake_customer(), self._fake_customer()
        booking = self._booking(early, self._weeks_ago(6, days=1))
        self._booking(late, self._weeks_ago(6, days=-1))
        self._assert_refused(early, f"Booking {booking.name} ends on")
        self._assert_allowed(late)

    def test_weeks_setting(self):
        customer = self._fake_customer()
        self._booking(customer, self._weeks_ago(3))
        self._assert_refused(customer, "ends on")
        self.env["ir.config_parameter"].set_param("travel_customer.anonymize_weeks", 2)
        self._assert_allowed(customer)

    def test_booking_of_another_allowed_company(self):
        """Each booking by its own company's rules: an officer allowed in the
        company that sold it anonymizes, whatever its current company."""
        customer = self._fake_customer()
        self.officer.company_ids |= self.other_company
        self._booking(customer, self._weeks_ago(20), company_id=self.other_company.id)
        self._assert_allowed(customer)

    def test_external_channel(self):
        external, own = self._fake_customer(), self._fake_customer()
        self._booking(
            external, self._weeks_ago(20), travel_channel_id=self.channel_booking.id
        )
        self._booking(
            own, self._weeks_ago(20), travel_channel_id=self.channel_direct.id
        )
        self._assert_refused(external, "an external channel")
        self._assert_allowed(own)

    def test_contact_booking_blocks_its_company(self):
        company = self._fake_customer(is_company=True)
        contact = self._fake_customer(parent_id=company.id)
        self._booking(contact, self.today)
        self._assert_refused(company, "ends on")

    def test_only_privacy_officers(self):
        customer = self._fake_customer()
        self.assertFalse(customer.with_user(self.travel_manager).travel_can_anonymize)
        with self.assertRaisesRegex(AccessError, "Only Privacy officers"):
            customer.with_user(self.travel_manager).action_travel_anonymize()
        with self.assertRaisesRegex(AccessError, "Only Privacy officers"):
            customer.with_user(self.travel_manager).action_travel_export_personal_data()
        self.env.invalidate_all()
        self.assertFalse(customer.travel_anonymized)
        self.assertTrue(customer.email)
        self.assertFalse(
            self.env["privacy.log"].search([("travel_partner_id", "=", customer.id)])
        )

    def test_server_action_refused(self):
        customer = self._fake_customer()
        self._booking(customer, self.today)
        action = self.env["ir.actions.server"].create(
            {
                "name": "Anonymize anyway",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "state": "code",
                "code": "records.action_travel_anonymize()",
            }
        )
        with self.assertRaisesRegex(UserError, "ends on"):
            action.with_user(self.officer).with_context(
                active_model="res.partner", active_ids=customer.ids
            ).run()
        self.env.invalidate_all()
        self.assertFalse(customer.travel_anonymized)
        self.assertTrue(customer.email)

    def test_internal_user_and_twice(self):
        self._assert_refused(self.salesman.partner_id, "internal user")
        company = self._fake_customer(is_company=True)
        self.salesman.partner_id.parent_id = company
        self._assert_refused(company, "internal user")
        customer = self._fake_customer()
        self._assert_allowed(customer)
        self._assert_refused(customer, "already anonymized")


class TestAnonymize(PrivacyCommon):
    NAME = "Zebulon Quixote-Marchbanks"
    EMAIL = "zebulon.qm@example.org"

    @classmethod
    def default_env_context(cls):
        # tracking on: the tracked old values are personal data to erase
        return {}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.Partner.create(
            {
                "name": cls.NAME,
                "email": cls.EMAIL,
                "phone": "+33 6 91 82 73 64",
                "mobile": "+33 7 55 66 77 88",
                "street": "17 rue Quixote",
                "street2": "Bâtiment Marchbanks",
                "zip": "75011",
                "city": "Paris",
                "vat": "FR40303265045",
                "website": "https://zebulon-quixote.example.org",
                "function": "Quixote collector",
                "comment": "<p>Zebulon prefers window seats</p>",
                "image_1920": PIXEL,
                "bank_ids": [(0, 0, {"acc_number": "FR7630006000011234567890189"})],
            }
        )
        cls.address = cls.Partner.create(
            {
                "name": "Zebulon Quixote-Marchbanks (holiday home)",
                "type": "other",
                "parent_id": cls.customer.id,
                "street": "3 chemin des Quixote",
                "email": "zebulon.home@example.org",
            }
        )

    def _create_everything(self):
        customer = self.customer
        history = self._create_history(customer)
        history["booking"].write(
            {
                "travel_date_start": self._weeks_ago(12),
                "travel_date_end": self._weeks_ago(10),
            }
        )
        # tracked changes of its own record: old values hold personal data
        customer.write({"email": "zebulon.old@example.org"})
        self.env.flush_all()
        self.env.cr.precommit.run()  # tracking is written at commit
        customer.write({"email": self.EMAIL})
        self.env.flush_all()
        self.env.cr.precommit.run()
        # a message it wrote on its booking
        history["booking"].message_post(
            body="Zebulon asks for a late check-in",
            author_id=customer.id,
            email_from=f'"{self.NAME}" <{self.EMAIL}>',
            message_type="comment",
        )
        portal_user = (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "partner_id": customer.id,
                    "login": self.EMAIL,
                    "password": "zebulon-secret-1",
                    "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
                }
            )
        )
        self.env["res.users.apikeys"].with_user(portal_user).sudo()._generate(
            None, "zebulon key", None
        )
        # a duplicate merged into it, kept for an undo
        duplicate = self.Partner.create(
            {"name": "Zebulon Quixote Marchbanks", "email": "zebulon@example.org"}
        )
        self._merge_wizard(customer, duplicate).with_user(
            self.travel_manager
        ).action_merge()
        return history, portal_user, duplicate

    def _find_everywhere(self, text):
        """(table, column) of every text of the database containing ``text``."""
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(
            """
            SELECT c.table_name, c.column_name FROM information_schema.columns c
            JOIN information_schema.tables t
              ON t.table_name = c.table_name AND t.table_schema = c.table_schema
            WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
              AND c.data_type IN ('character varying', 'text', 'jsonb')
            """
        )
        found = []
        for table, column in cr.fetchall():
            cr.execute(
                SQL(
                    "SELECT 1 FROM %s WHERE %s::text ILIKE %s LIMIT 1",
                    SQL.identifier(table),
                    SQL.identifier(column),
                    f"%{text}%",
                )
            )
            if cr.fetchone():
                found.append((table, column))
        return found

    def test_nothing_left(self):
        history, portal_user, duplicate = self._create_everything()
        texts = (
            "Quixote",
            "Marchbanks",
            "zebulon",
            "zebulon.old",
            "91 82 73",
            "55 66 77",
            "FR7630006",
        )
        # all there before, in some table or other
        for text in texts:
            self.assertTrue(self._find_everywhere(text), text)
        self.customer.with_user(self.officer).action_travel_anonymize()
        for text in texts:
            self.assertEqual(self._find_everywhere(text), [], text)

    def test_what_anonymizing_does(self):
        history, portal_user, duplicate = self._create_everything()
        log = self.env["travel.customer.merge.log"].search(
            [("master_id", "=", self.customer.id)]
        )
        customer = self.customer
        tracked = (
            self.env["mail.message"]
            .search([("model", "=", "res.partner"), ("res_id", "=", customer.id)])
            .tracking_value_ids
        )
        self.assertIn("zebulon.old@example.org", tracked.mapped("old_value_char"))
        customer.with_user(self.officer).action_travel_anonymize()
        self.env.invalidate_all()
        # the customer, its address and the merged duplicate
        for partner in customer | self.address | duplicate:
            self.assertEqual(partner.name, f"Anonymized customer {partner.id}")
            self.assertTrue(partner.travel_anonymized)
            for fname in ("email", "phone", "mobile", "street", "street2", "zip"):
                self.assertFalse(partner[fname], fname)
            for fname in ("city", "vat", "website", "function", "image_1920"):
                self.assertFalse(partner[fname], fname)
            self.assertFalse(partner.comment)
        self.assertEqual(
            customer.bank_ids.acc_number, f"ANONYMIZED-{customer.bank_ids.id}"
        )
        # its portal user
        portal_user.invalidate_recordset()
        self.assertFalse(portal_user.active)
        self.assertEqual(portal_user.login, f"anonymized-{portal_user.id}")
        self.env.cr.execute(
            "SELECT password FROM res_users WHERE id = %s", [portal_user.id]
        )
        self.assertIsNone(self.env.cr.fetchone()[0])
        self.assertFalse(
            self.env["res.users.apikeys"]
            .sudo()
            .search([("user_id", "=", portal_user.id)])
        )
        # documents, chatter and tracked values
        self.assertFalse(history["attachment"].exists())
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "res.partner"), ("res_id", "=", customer.id)]
            )
        )
        messages = self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "=", customer.id)]
        )
        self.assertTrue(messages)
        self.assertFalse(any(messages.mapped("body")))
        self.assertEqual(messages.tracking_value_ids, tracked)
        self.assertFalse(any(messages.tracking_value_ids.mapped("old_value_char")))
        self.assertFalse(any(messages.tracking_value_ids.mapped("new_value_char")))
        sent = self.env["mail.message"].search([("author_id", "=", customer.id)])
        self.assertTrue(sent)
        self.assertFalse(any(sent.mapped("email_from")))
        # bookings and invoices stay
        self.assertEqual(history["booking"].partner_id, customer)
        self.assertEqual(history["invoice"].partner_id, customer)
        self.assertEqual(history["invoice"].state, "posted")
        self.assertEqual(history["invoice"].invoice_partner_display_name, customer.name)
        # the merge is final
        self.assertEqual(log.state, "final")
        self.assertFalse(log.journal)
        with self.assertRaisesRegex(UserError, "anonymized"):
            log.with_user(self.travel_manager).action_undo()
        # the privacy log: who, when, what kinds of records, masked
        privacy_log = self.env["privacy.log"].search(
            [("travel_partner_id", "=", customer.id)]
        )
        self.assertEqual(privacy_log.travel_operation, "anonymize")
        self.assertEqual(privacy_log.user_id, self.officer)
        self.assertEqual(privacy_log.anonymized_name, "Z****** Q" + "*" * 17)
        self.assertNotIn("zebulon", privacy_log.anonymized_email)
        self.assertIn("Portal users: 1", privacy_log.records_description)
        # the passport and the photo (in its sizes)
        self.assertIn("Documents and attachments: 6", privacy_log.records_description)
        self.assertIn("Merges made final: 1", privacy_log.records_description)

    def test_anonymized_stays_anonymous(self):
        customer = self.customer
        look_alike = self.Partner.create({"name": self.NAME, "email": self.EMAIL})
        customer.with_user(self.officer).action_travel_anonymize()
        with self.assertRaisesRegex(UserError, "cannot be entered again"):
            customer.with_user(self.travel_manager).write({"name": self.NAME})
        with self.assertRaisesRegex(UserError, "cannot be entered again"):
            customer.with_user(self.travel_manager).write({"email": self.EMAIL})
        with self.assertRaises(AccessError):
            customer.with_user(self.travel_manager).write({"travel_anonymized": False})
        self.assertTrue(customer.travel_anonymized)
        self.assertFalse(customer.email)
        # other fields remain editable
        customer.with_user(self.travel_manager).travel_level_id = self.level_vip
        # left out of duplicate proposals and merges
        self.assertNotIn(
            customer.id,
            [c["partner_id"] for c in look_alike._travel_similar_customers()],
        )
        self.assertEqual(customer._travel_similar_customers(), [])
        # even if it shared the e-mail again, it is never proposed
        self.env.cr.execute(
            "UPDATE res_partner SET email = %s WHERE id = %s", [self.EMAIL, customer.id]
        )
        self.env.invalidate_all()
        self.assertNotIn(
            customer.id,
            [c["partner_id"] for c in look_alike._travel_similar_customers()],
        )
        with self.assertRaisesRegex(UserError, "is anonymized"):
            self._merge_wizard(look_alike, customer).with_user(
                self.travel_manager
            ).action_merge()
        self.assertTrue(look_alike.active and customer.active)


class TestAnonymizeConcurrency(PrivacyCommon):
    def test_anonymize_while_another_user_merges_refused(self):
        """Another transaction (a merge) holds the customer: the anonymization
        is refused with a clear message and changes nothing."""
        customer = self.env.ref("travel_customer.partner_henriette_lang")
        other = db_connect(self.env.cr.dbname).cursor()
        try:
            other.execute(
                "SELECT id FROM res_partner WHERE id = %s FOR NO KEY UPDATE",
                [customer.id],
            )
            with self.assertRaisesRegex(
                UserError, "being merged or changed by another user"
            ):
                with self.env.cr.savepoint():
                    customer.with_user(self.officer).action_travel_anonymize()
        finally:
            other.rollback()
            other.close()
        self.env.invalidate_all()
        self.assertEqual(customer.name, "Henriette Lang")
        self.assertFalse(customer.travel_anonymized)
        self.assertFalse(
            self.env["privacy.log"].search([("travel_partner_id", "=", customer.id)])
        )


class TestNoDeletion(PrivacyCommon):
    def test_delete_refused_with_bookings_or_invoices(self):
        booked = self._fake_customer()
        self._booking(booked, self.today)
        invoiced = self._fake_customer()
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": invoiced.id,
                "invoice_line_ids": [(0, 0, {"product_id": self.product.id})],
            }
        )
        for customer in (booked, invoiced):
            with self.assertRaisesRegex(UserError, "anonymize"):
                customer.with_user(self.travel_manager).unlink()
            self.assertTrue(customer.exists())
        self.assertEqual(invoice.partner_id, invoiced)
        # archiving stays possible; a customer with nothing is deleted
        booked.with_user(self.travel_manager).action_archive()
        self.assertFalse(booked.active)
        nothing = self._fake_customer()
        nothing.with_user(self.travel_manager).unlink()
        self.assertFalse(nothing.exists())


class TestExport(PrivacyCommon):
    def test_export_content(self):
        customer = self._fake_customer(comment="<p>Allergic to feathers</p>")
        history = self._create_history(customer)
        address = self._fake_customer(parent_id=customer.id, type="delivery")
        history["attachment"].raw = b"passport scan"
        customer._travel_record_consents({"us": True}, channel="backoffice")
        filename, content = self.Privacy.with_user(self.officer)._export(customer)
        self.assertEqual(filename, f"personal_data_{customer.id}.zip")
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            data = json.loads(archive.read("personal_data.json"))
            self.assertEqual(
                archive.read(data["attachments"][0]["file"]), b"passport scan"
            )
        self.assertEqual(data["customer"]["name"], customer.name)
        self.assertEqual(data["customer"]["email"], customer.email)
        self.assertIn("Allergic to feathers", data["customer"]["comment"])
        self.assertEqual([a["id"] for a in data["addresses"]], [address.id])
        self.assertEqual(
            {b["reference"] for b in data["bookings"]},
            {history["booking"].name, history["quotation"].name},
        )
        self.assertEqual(data["invoices"][0]["number"], history["invoice"].name)
        self.assertIn("A note on the duplicate", json.dumps(data["messages"]))
        self.assertEqual(data["participants"], [])
        self.assertEqual(data["consents"][0]["purpose"], "Contacted by us")
        self.assertTrue(data["consents"][0]["accepted"])
        self.assertEqual(data["consent_history"][0]["channel"], "backoffice")
        log = self.env["privacy.log"].search([("travel_partner_id", "=", customer.id)])
        self.assertEqual(log.travel_operation, "export")
        self.assertEqual(log.user_id, self.officer)
        self.assertIn("Bookings: 2", log.records_description)

    def test_export_action(self):
        customer = self._fake_customer()
        action = customer.with_user(self.officer).action_travel_export_personal_data()
        # posted by the web client, with its CSRF token
        self.assertEqual(action["tag"], "travel_customer.post_download")
        self.assertEqual(
            action["params"]["url"], f"/travel_customer/personal_data/{customer.id}"
        )


class TestRetention(PrivacyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        params = cls.env["ir.config_parameter"]
        params.set_param("travel_customer.retention", "True")
        params.set_param("travel_customer.retention_years", "10")
        long_ago = cls.today - timedelta(days=365 * 12)
        cls.old = cls.Partner.browse()
        for _i in range(5):
            customer = cls._fake_customer()
            cls._booking(customer, long_ago)
            cls.old |= customer
        cls.recent = cls._fake_customer()
        cls._booking(cls.recent, long_ago)
        cls._booking(cls.recent, cls.today - timedelta(days=365))
        cls.external = cls._fake_customer()
        cls._booking(cls.external, long_ago, travel_channel_id=cls.channel_booking.id)
        cls.new = cls._fake_customer(customer_rank=1)
        everyone = cls.old | cls.recent | cls.external
        cls.env.flush_all()
        cls.env.cr.execute(
            "UPDATE res_partner SET create_date = %s WHERE id IN %s",
            [long_ago - timedelta(days=30), tuple(everyone.ids)],
        )

    def test_off_by_default(self):
        self.env["ir.config_parameter"].set_param("travel_customer.retention", False)
        self.assertEqual(self.Privacy._cron_retention(), 0)
        self.assertFalse(self.old.filtered("travel_anonymized"))

    def test_batches_resume_after_interruption(self):
        Privacy = self.Privacy
        self.assertEqual(Privacy._retention_candidates(10, 2)[1], 5)
        self.assertEqual(Privacy._cron_retention(batch_size=2), 2)
        # the next batch is interrupted: its transaction is rolled back
        with mute_logger("odoo.sql_db"), self.assertRaises(InterruptedError):
            with self.env.cr.savepoint():
                Privacy._cron_retention(batch_size=2)
                raise InterruptedError
        self.env.invalidate_all()
        self.assertEqual(len(self.old.filtered("travel_anonymized")), 2)
        self.assertEqual(Privacy._retention_candidates(10, 2)[1], 3)
        # the next run goes on with what is left
        while Privacy._cron_retention(batch_size=2):
            pass
        self.env.invalidate_all()
        self.assertTrue(all(self.old.mapped("travel_anonymized")))
        self.assertFalse(
            (self.recent | self.external | self.new).filtered("travel_anonymized")
        )
        logs = self.env["privacy.log"].search([("travel_operation", "=", "retention")])
        self.assertEqual(logs.travel_partner_id, self.old)
        self.assertEqual(len(logs), 5)

    def test_cron_job(self):
        cron = self.env.ref("travel_customer.ir_cron_retention")
        cron.method_direct_trigger()
        self.env.invalidate_all()
        self.assertTrue(all(self.old.mapped("travel_anonymized")))
