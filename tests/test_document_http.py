# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import io
import re
import zipfile
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import TravelBookingMixin
from .test_document import PDF


@tagged("post_install", "-at_install")
class TestDocumentHttp(TravelBookingMixin, HttpCase):
    """Documents on the portal: upload checks, isolation, travel documents."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.alice = new_test_user(
            cls.env, login="doc_alice", groups="base.group_portal", name="Alice Docs"
        )
        cls.bob = new_test_user(
            cls.env, login="doc_bob", groups="base.group_portal", name="Bob Docs"
        )
        cls.id_card = cls.env.ref("travel_customer.document_type_id_card")
        cls.bob_card = cls.env["travel.customer.document"].create(
            {
                "partner_id": cls.bob.partner_id.id,
                "type_id": cls.id_card.id,
                "number": "BOB-SECRET",
                "file": base64.b64encode(PDF),
                "file_name": "bob.pdf",
            }
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Docs trip", "type": "service", "list_price": 300.0}
        )

    def _upload(self, content, filename="id.pdf", **values):
        page = self.url_open("/my/documents").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
        return self.url_open(
            "/my/documents/upload",
            data={"type_id": str(self.id_card.id), "csrf_token": token, **values},
            files={"file": (filename, content)},
        )

    def test_upload_and_refusals(self):
        self.authenticate("doc_alice", "doc_alice")
        response = self._upload(b"MZ\x90\x00 not a document", filename="virus.exe")
        self.assertEqual(response.status_code, 400)
        self.assertIn("not accepted", response.text)
        self.env["ir.config_parameter"].set_param(
            "travel_customer.document_max_size_mb", "1"
        )
        response = self._upload(PDF + b"0" * 1024 * 1024)
        self.assertEqual(response.status_code, 400)
        self.assertIn("too big", response.text)
        self.assertFalse(self.alice.partner_id.travel_document_ids)
        response = self._upload(PDF, number="AL-1", expiry_date="2031-01-01")
        self.assertEqual(response.status_code, 200)
        document = self.alice.partner_id.travel_document_ids
        self.assertEqual(document.number, "AL-1")
        self.assertEqual(document.file_name, "id.pdf")
        page = self.url_open("/my/documents").text
        self.assertIn("AL-1", page)
        self.assertNotIn("BOB-SECRET", page)

    def test_other_customers_document_not_found(self):
        self.authenticate("doc_alice", "doc_alice")
        with mute_logger("odoo.http", "werkzeug"):
            response = self.url_open(f"/my/documents/{self.bob_card.id}/file")
        self.assertEqual(response.status_code, 404)
        self.authenticate("doc_bob", "doc_bob")
        response = self.url_open(f"/my/documents/{self.bob_card.id}/file")
        self.assertEqual(response.content, PDF)

    def _booking(self, partner):
        departure = self.env["travel.departure"].create(
            {
                "product_id": self.env["product.product"]
                .create(
                    {"name": "Docs stay", "type": "service", "travel_is_stay": True}
                )
                .id,
                "date_start": self.today + timedelta(days=20),
                "date_end": self.today + timedelta(days=27),
            }
        )
        self.env["ir.attachment"].create(
            {
                "name": "roadbook.pdf",
                "raw": PDF,
                "res_model": "travel.departure",
                "res_id": departure.id,
            }
        )
        order = self._create_order(partner, travel_departure_id=departure.id)
        order.action_confirm()
        return order

    def _pay(self, order):
        invoice = order._create_invoices()
        invoice.action_post()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()

    def test_travel_documents_gated(self):
        order = self._booking(self.alice.partner_id)
        self.authenticate("doc_alice", "doc_alice")
        url = f"/my/orders/{order.id}/travel_documents"
        self.assertIn(url, self.url_open(f"/my/orders/{order.id}").text)
        response = self.url_open(url)
        self.assertEqual(response.status_code, 403)
        self.assertIn("not fully paid", response.text)
        self.assertIn("ID card", response.text)
        self._pay(order)
        self._upload(PDF, expiry_date=str(self.today + timedelta(days=365)))
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            names = archive.namelist()
        self.assertTrue(any(name.endswith("roadbook.pdf") for name in names))
        self.assertTrue(
            any(name.startswith(order.name.replace("/", "-")) for name in names)
        )
        # another customer cannot reach them
        self.authenticate("doc_bob", "doc_bob")
        with mute_logger("odoo.http", "werkzeug"):
            self.assertEqual(self.url_open(url).status_code, 404)

    def test_type_flag_sends_documents_despite_incomplete_file(self):
        order = self._booking(self.alice.partner_id)
        self.alice.partner_id.customer_type_id.documents_despite_incomplete = True
        self.authenticate("doc_alice", "doc_alice")
        response = self.url_open(f"/my/orders/{order.id}/travel_documents")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/zip")

    def test_tour_upload_id(self):
        self.start_tour("/my/documents", "travel_customer_upload_id", login="doc_alice")
        document = self.alice.partner_id.travel_document_ids
        self.assertEqual(document.type_id, self.id_card)
        self.assertEqual(document.number, "TOUR-42")
        self.assertEqual(document.file_name, "id-card.pdf")
