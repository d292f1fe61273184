# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class TravelDuplicateIgnore(models.Model):
    """Two customers a user said are not duplicates: never proposed again."""

    _name = "travel.duplicate.ignore"
    _description = "Not Duplicates"
    _rec_name = "partner_a_id"

    partner_a_id = fields.Many2one(
        "res.partner", required=True, ondelete="cascade", index=True
    )
    partner_b_id = fields.Many2one("res.partner", required=True, ondelete="cascade")

    _sql_constraints = [
        (
            "pair_uniq",
            "unique (partner_a_id, partner_b_id)",
            "These customers are already marked as not duplicates.",
        ),
        (
            "pair_ordered",
            "CHECK (partner_a_id < partner_b_id)",
            "A pair of customers is stored lowest id first.",
        ),
    ]

    @api.model
    def _ignore(self, partners):
        """Remember that none of ``partners`` duplicates another."""
        ids = sorted(partners.ids)
        pairs = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]]
        existing = {
            (r.partner_a_id.id, r.partner_b_id.id)
            for r in self.search(
                [("partner_a_id", "in", ids), ("partner_b_id", "in", ids)]
            )
        }
        return self.create(
            [
                {"partner_a_id": a, "partner_b_id": b}
                for a, b in pairs
                if (a, b) not in existing
            ]
        )
