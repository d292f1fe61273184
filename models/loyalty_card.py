# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import secrets

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount

_logger = logging.getLogger(__name__)

WALLET_PROGRAM = "travel_customer.loyalty_program_wallet"


class LoyaltyCard(models.Model):
    """A customer's travel e-wallet is its card of the e-wallet program:
    Odoo keeps the balance and its history, sale_loyalty spends it. The
    referral bonus and the cashback of the trips are credited to it."""

    _inherit = "loyalty.card"

    # ------------------------------------------------------------ WALLET
    @api.model
    def _travel_wallet(self, partner, create=True):
        program = self.env.ref(WALLET_PROGRAM).sudo()
        customer = partner.commercial_partner_id
        card = self.sudo().search(
            [("program_id", "=", program.id), ("partner_id", "=", customer.id)],
            limit=1,
        )
        if not card and create:
            card = self.sudo().create(
                {"program_id": program.id, "partner_id": customer.id, "points": 0}
            )
        return card

    def _format_points(self, points):
        """The e-wallet holds money: its balance reads as an amount of the
        company's currency everywhere (portal card, tile and page), never
        as "Points"."""
        self.ensure_one()
        if self.program_id == self.env.ref(WALLET_PROGRAM, raise_if_not_found=False):
            currency = self.program_id.currency_id or self.env.company.currency_id
            return format_amount(self.env, points, currency)
        return super()._format_points(points)

    def _travel_move(self, amount, description, order=None):
        """Credit (or, negative, take back) ``amount`` with its history line."""
        self.ensure_one()
        card = self.sudo()
        card.points += amount
        self.env["loyalty.history"].sudo().create(
            {
                "card_id": card.id,
                "description": description,
                "issued": max(amount, 0.0),
                "used": max(-amount, 0.0),
                "order_model": order._name if order else False,
                "order_id": order.id if order else False,
            }
        )

    def _travel_history(self):
        """The history lines of this e-wallet, newest first."""
        if not self:
            return self.env["loyalty.history"]
        return (
            self.env["loyalty.history"]
            .sudo()
            .search([("card_id", "in", self.ids)], order="create_date desc, id desc")
        )

    # ------------------------------------------------------------ PAYMENT
    def _travel_pay(self, order):
        """Pay part of ``order`` with this e-wallet (sale_loyalty's e-wallet
        reward): at most its balance, never more than the order."""
        order.ensure_one()
        if order.state not in ("draft", "sent"):
            raise UserError(_("The e-wallet pays quotations, not %s.", order.name))
        if not self or self.points <= 0:
            raise UserError(_("Your e-wallet is empty."))
        if self.program_id in order.order_line.reward_id.program_id:
            raise UserError(_("The e-wallet is already used on %s.", order.name))
        order._update_programs_and_rewards()
        reward = order._get_claimable_rewards(forced_coupons=self).get(self)
        if not reward:
            raise UserError(_("The e-wallet cannot be used on %s.", order.name))
        result = order._apply_program_reward(reward[:1], self)
        if result.get("error"):
            raise UserError(result["error"])
        return True

    # ------------------------------------------------------------ CASHBACK
    @api.model
    def _cron_travel_cashback(self):
        """Credit the cashback of each trip that ended, once: a percentage of
        its untaxed total; cancelled or refunded bookings get none. Each
        booking in a savepoint of its own: one that fails is logged and
        retried the next night, the others are credited."""
        percent = (
            self.env["ir.config_parameter"]
            .sudo()
            ._travel_get_float("travel_customer.cashback_percent", 0.0)
        )
        if percent <= 0:
            return 0
        today = fields.Date.context_today(self)
        orders = self.env["sale.order"].search(
            [
                ("state", "=", "sale"),
                ("travel_date_end", "<", today),
                ("travel_cashback_amount", "=", 0),
                ("travel_cashback_reversed", "=", False),
                ("amount_untaxed", ">", 0),
            ]
        )
        credited = 0
        for order in orders:
            try:
                with self.env.cr.savepoint():
                    credited += self._travel_credit_cashback(order, percent)
            except Exception:
                _logger.exception("Cashback of %s not credited", order.name)
        return credited

    @api.model
    def _travel_credit_cashback(self, order, percent):
        """Credit ``percent`` % of ``order``'s untaxed total to its customer's
        e-wallet, unless it was refunded: 1 when credited, else 0."""
        if order.invoice_ids.filtered(
            lambda m: m.move_type == "out_refund" and m.state == "posted"
        ):
            return 0
        amount = order.currency_id.round(order.amount_untaxed * percent / 100)
        if not amount:
            return 0
        self._travel_wallet(order.partner_id)._travel_move(
            amount,
            _(
                "Cashback of %(percent)s %% on %(order)s",
                percent=percent,
                order=order.name,
            ),
            order,
        )
        order.travel_cashback_amount = amount
        return 1

    # ------------------------------------------------------------ REFERRAL
    @api.model
    def _travel_referral_code(self, partner):
        """``partner``'s customer referral code, made on first use."""
        customer = partner.commercial_partner_id.sudo()
        if not customer.travel_referral_code:
            customer.travel_referral_code = secrets.token_hex(4).upper()
        return customer.travel_referral_code

    @api.model
    def _travel_referral_url(self, partner):
        code = self._travel_referral_code(partner)
        return f"{partner.get_base_url()}/travel/referral/{code}"

    @api.model
    def _travel_same_person(self, partner, other):
        """Same e-mail, same phone, or merged into one another: a customer
        cannot refer itself."""
        partner.ensure_one()
        if partner.commercial_partner_id == other.commercial_partner_id:
            return True
        if (
            partner.email_normalized
            and partner.email_normalized == other.email_normalized
        ):
            return True
        # the phone rule of the duplicate search, in one place
        (partner | other).flush_recordset(["phone", "mobile"])
        [(same_phone,)] = self.env.execute_query(
            SQL(
                "SELECT travel_customer_phone_level("
                "travel_customer_phone_digits(a.phone), "
                "travel_customer_phone_digits(a.mobile), "
                "travel_customer_phone_digits(b.phone), "
                "travel_customer_phone_digits(b.mobile)) IS NOT DISTINCT FROM 1 "
                "FROM res_partner a, res_partner b WHERE a.id = %s AND b.id = %s",
                partner.id,
                other.id,
            )
        )
        if same_phone:
            return True
        merged = partner.with_context(active_test=False)
        return (
            merged.travel_merged_into_id == other
            or other.with_context(active_test=False).travel_merged_into_id == partner
        )

    @api.model
    def _travel_set_referrer(self, partner, code):
        """At sign-up: who referred the new customer ``partner``
        (self-referral refused)."""
        partner.ensure_one()
        referrer = (
            self.env["res.partner"]
            .sudo()
            .search([("travel_referral_code", "=", code)], limit=1)
        )
        if not referrer or self._travel_same_person(partner, referrer):
            return False
        partner.sudo().travel_referred_by_id = referrer
        return referrer

    @api.model
    def _travel_reward_referrals(self, customers):
        """On the first confirmed booking of a referred customer, credit both
        wallets once; a self-referral found since (merge...) gets nothing."""
        params = self.env["ir.config_parameter"].sudo()
        for customer in customers.sudo().filtered(
            lambda p: p.travel_referred_by_id and not p.travel_referral_rewarded
        ):
            customer.travel_referral_rewarded = True
            referrer = customer.travel_referred_by_id
            if self._travel_same_person(customer, referrer):
                customer.message_post(
                    body=_(
                        "Referral by %s refused: it is the same person.", referrer.name
                    )
                )
                continue
            for partner, key in (
                (referrer, "travel_customer.referral_referrer_amount"),
                (customer, "travel_customer.referral_referee_amount"),
            ):
                amount = params._travel_get_float(key, 0.0)
                if amount > 0:
                    self._travel_wallet(partner)._travel_move(
                        amount,
                        _(
                            "Referral: %(referee)s, referred by %(referrer)s",
                            referee=customer.name,
                            referrer=referrer.name,
                        ),
                    )
