# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL


class ProductPricelist(models.Model):
    """A pricelist given to resellers is a rate code: which departures it
    covers and at what price (the Python side of
    ``travel.departure.assignment._rate_code_offers_sql``)."""

    _inherit = "product.pricelist"

    travel_rate_code = fields.Boolean(
        string="Rate Code",
        help="Given to resellers only: the departures of the stays it covers are "
        "offered to them at its price. Never a customer's default pricelist.",
    )

    # ------------------------------------------------------------ PRICELIST
    def _get_partner_pricelist_multi_search_domain_hook(self, company_id):
        """A rate code is never the pricelist a customer falls back on."""
        return super()._get_partner_pricelist_multi_search_domain_hook(company_id) + [
            ("travel_rate_code", "=", False)
        ]

    def _get_partner_pricelist_multi_filter_hook(self):
        return (
            super()
            ._get_partner_pricelist_multi_filter_hook()
            .filtered(lambda pricelist: not pricelist.travel_rate_code)
        )

    # ------------------------------------------------------------ RATE CODES

    def _travel_rate_rule(self, departure):
        """The rule of this rate code that prices ``departure``, or an empty
        recordset when it does not cover it."""
        self.ensure_one()
        if (
            not self.active
            or not self.travel_rate_code
            or (self.company_id and self.company_id != departure.company_id)
        ):
            return self.env["product.pricelist.item"]
        if self.currency_id != departure.company_id.currency_id:
            return self.env["product.pricelist.item"]
        today = fields.Date.context_today(self)
        product = departure.product_id
        categories = product.categ_id
        while categories[-1:].parent_id:
            categories |= categories[-1:].parent_id

        def covers(item):
            if item.min_quantity > 1:
                return False
            if item.date_start and item.date_start.date() > today:
                return False
            if item.date_end and item.date_end.date() < today:
                return False
            return (
                item.applied_on == "3_global"
                or (
                    item.applied_on == "0_product_variant"
                    and item.product_id == product
                )
                or (
                    item.applied_on == "1_product"
                    and item.product_tmpl_id == product.product_tmpl_id
                )
                or (
                    item.applied_on == "2_product_category"
                    and item.categ_id in categories
                )
            )

        # the items' order is Odoo's: the most specific rule first
        return self.item_ids.sorted(
            lambda i: (
                i.applied_on,
                -i.min_quantity,
                -(i.categ_id.id or 0),
                -i.id,
            )
        ).filtered(covers)[:1]

    def _travel_rate_code_changed(self):
        """Clear the nightly stamp of the resellers of these rate codes: the
        next run looks at every departure for them."""
        if not self.ids:
            return
        self.env["res.partner"].flush_model(["travel_rate_code_ids"])
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner SET travel_offers_assigned_at = NULL
                WHERE id IN (SELECT partner_id FROM travel_partner_rate_code_rel
                             WHERE pricelist_id = ANY(%s))
                  AND travel_offers_assigned_at IS NOT NULL
                """,
                self.ids,
            )
        )
        self.env["res.partner"].invalidate_model(["travel_offers_assigned_at"])
