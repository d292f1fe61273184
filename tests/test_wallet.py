# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError
from odoo.tools import mute_logger

from .common import TravelCustomerCommon


class TestWallet(TravelCustomerCommon):
    """E-wallet credited by cashback and referrals, spent on bookings."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        params = cls.env["ir.config_parameter"]
        params.set_param("travel_customer.cashback_percent", "5")
        params.set_param("travel_customer.referral_referrer_amount", "30")
        params.set_param("travel_customer.referral_referee_amount", "20")
        cls.Card = cls.env["loyalty.card"]
        cls.today = fields.Date.context_today(cls.Card)

    def _balance(self, partner):
        return self.Card._travel_wallet(partner, create=False).points

    def _ended_booking(self, partner=None, price=1000.0):
        order = self._create_order(
            partner or self.customer,
            travel_date_start=self.today - timedelta(days=10),
            travel_date_end=self.today - timedelta(days=3),
        )
        order.order_line.price_unit = price
        order.order_line.tax_id = False
        order.action_confirm()
        return order

    def test_cashback_once_after_the_trip_and_taken_back_on_refund(self):
        order = self._ended_booking()
        upcoming = self._create_order(
            self.customer, travel_date_end=self.today + timedelta(days=5)
        )
        upcoming.action_confirm()
        cancelled = self._ended_booking()
        cancelled._action_cancel()
        self.Card._cron_travel_cashback()
        self.assertEqual(order.travel_cashback_amount, 50.0)
        self.assertFalse(upcoming.travel_cashback_amount)
        self.assertFalse(cancelled.travel_cashback_amount)
        self.assertEqual(self._balance(self.customer), 50.0)
        self.assertEqual(self.Card._cron_travel_cashback(), 0)
        self.assertEqual(self._balance(self.customer), 50.0)
        # refunded afterwards: taken back, once
        invoice = order._create_invoices()
        invoice.action_post()
        refund = invoice._reverse_moves()
        refund.action_post()
        self.assertTrue(order.travel_cashback_reversed)
        self.assertEqual(self._balance(self.customer), 0.0)
        history = self.Card._travel_wallet(self.customer).history_ids
        self.assertEqual(sorted(history.mapped("issued")), [0.0, 50.0])
        self.assertEqual(sorted(history.mapped("used")), [0.0, 50.0])

    def test_cashback_night_goes_on_after_a_failing_booking(self):
        failing = self._ended_booking()
        other = self._ended_booking(self._fake_customer())
        credit = type(self.Card)._travel_credit_cashback

        def credit_or_fail(card, order, percent):
            result = credit(card, order, percent)
            if order == failing:
                raise ValueError("broken booking")
            return result

        with (
            patch.object(type(self.Card), "_travel_credit_cashback", credit_or_fail),
            mute_logger("odoo.addons.travel_customer.models.loyalty_card"),
        ):
            self.Card._cron_travel_cashback()
        self.assertFalse(failing.travel_cashback_amount)
        self.assertFalse(self._balance(self.customer))
        self.assertEqual(other.travel_cashback_amount, 50.0)
        # the failing one is credited the next night
        self.Card._cron_travel_cashback()
        self.assertEqual(failing.travel_cashback_amount, 50.0)

    def test_wallet_pays_at_most_its_balance(self):
        card = self.Card._travel_wallet(self.customer)
        card._travel_move(100.0, "Gift")
        order = self._create_order(self.customer)
        order.order_line.write({"price_unit": 500.0, "tax_id": False})
        order._travel_apply_wallet()
        self.assertAlmostEqual(order.amount_total, 400.0)
        with self.assertRaisesRegex(UserError, "already used"):
            order._travel_apply_wallet()
        order.action_confirm()
        self.assertEqual(card.points, 0.0)
        # a balance above the order pays it all, never below zero
        card._travel_move(800.0, "Gift")
        other = self._create_order(self.customer)
        other.order_line.write({"price_unit": 500.0, "tax_id": False})
        other._travel_apply_wallet()
        self.assertAlmostEqual(other.amount_total, 0.0)
        other.action_confirm()
        self.assertAlmostEqual(card.points, 300.0)
        empty = self._create_order(self._fake_customer())
        with self.assertRaisesRegex(UserError, "empty"):
            empty._travel_apply_wallet()

    def test_referral_credits_both_once(self):
        referrer = self._fake_customer(email="anna@referrer.example")
        code = self.Card._travel_referral_code(referrer)
        self.assertIn(f"/travel/referral/{code}", referrer._travel_referral_url())
        newcomer = self._fake_customer(email="ben@newcomer.example")
        self.assertEqual(newcomer._travel_set_referrer(code), referrer)
        self._create_order(newcomer).action_confirm()
        self.assertEqual(self._balance(referrer), 30.0)
        self.assertEqual(self._balance(newcomer), 20.0)
        self._create_order(newcomer).action_confirm()
        self.assertEqual(self._balance(referrer), 30.0)
        self.assertEqual(self._balance(newcomer), 20.0)

    def test_self_referral_refused(self):
        referrer = self._fake_customer(email="same@person.example")
        code = self.Card._travel_referral_code(referrer)
        twin = self._fake_customer(email="Same@Person.example")
        self.assertFalse(twin._travel_set_referrer(code))
        self.assertFalse(twin.travel_referred_by_id)
        # the same phone, written otherwise; a number that only ends alike is
        # somebody else's
        referrer.phone = "030 1234567"
        phone_twin = self._fake_customer(mobile="+49 30 123 45 67")
        self.assertFalse(phone_twin._travel_set_referrer(code))
        neighbour = self._fake_customer(phone="040 1234567")
        self.assertEqual(neighbour._travel_set_referrer(code), referrer)
        # found later: merged into the referrer before its first booking
        other = self._fake_customer(email="other@person.example")
        other._travel_set_referrer(code)
        other.travel_merged_into_id = referrer
        self._create_order(other).action_confirm()
        self.assertFalse(self.Card._travel_wallet(referrer, create=False))
        self.assertIn("same person", other.message_ids[0].body)
