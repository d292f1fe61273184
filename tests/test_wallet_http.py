# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import ast

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import TravelBookingMixin


@tagged("post_install", "-at_install")
class TestWalletHttp(TravelBookingMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env, login="wallet_user", groups="base.group_portal", name="Walt Wallet"
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Wallet trip",
                "type": "service",
                "list_price": 500.0,
                "taxes_id": False,
            }
        )
        cls.card = cls.env["loyalty.card"]._travel_wallet(cls.user.partner_id)
        cls.card._travel_move(120.0, "Welcome gift")

    def test_tour_pay_part_with_the_wallet(self):
        order = self._create_order(self.user.partner_id)
        order.action_quotation_sent()
        self.start_tour(
            f"/my/orders/{order.id}", "travel_customer_wallet", login="wallet_user"
        )
        self.assertAlmostEqual(order.amount_total, 380.0)
        self.assertIn(self.card.program_id, order.order_line.reward_id.program_id)

    def test_other_customer_cannot_use_it(self):
        order = self._create_order(self.user.partner_id)
        new_test_user(self.env, login="wallet_other", groups="base.group_portal")
        self.authenticate("wallet_other", "wallet_other")
        page = self.url_open("/my/consents").text
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        with mute_logger("odoo.http", "werkzeug"):
            response = self.url_open(
                f"/my/orders/{order.id}/wallet", data={"csrf_token": token}
            )
        self.assertEqual(response.status_code, 404)
        self.assertAlmostEqual(order.amount_total, 500.0)

    def test_portal_balance_history_and_referral_link(self):
        self.authenticate("wallet_user", "wallet_user")
        page = self.url_open("/my/wallet").text
        self.assertIn("120.00", page)
        self.assertIn("Welcome gift", page)
        code = self.user.partner_id.travel_referral_code
        self.assertIn(f"/travel/referral/{code}", page)
        new_test_user(self.env, login="wallet_empty", groups="base.group_portal")
        self.authenticate("wallet_empty", "wallet_empty")
        page = self.url_open("/my/wallet").text
        self.assertNotIn("Welcome gift", page)
        # the referral link remembers the code until sign-up
        self.url_open(f"/travel/referral/{code}")

    def test_movements_report(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "travel_customer.loyalty_history_action_wallet"
        )
        movements = self.env["loyalty.history"].search(
            ast.literal_eval(action["domain"])
        )
        self.assertIn(self.card.history_ids, movements)
