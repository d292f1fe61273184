# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL


class TravelReportDuplicate(models.Model):
    """Duplicates found, merged and undone per month.

    One row per event: a candidate group still to review or set aside
    (``travel.duplicate.group``), a merge and an undone merge
    (``travel.customer.merge.log``). Merged groups are counted through
    their merge, once.
    """

    _name = "travel.report.duplicate"
    _description = "Duplicates Analysis"
    _auto = False
    _order = "date desc, id desc"
    _depends = {
        "travel.duplicate.group": ["state", "partner_count", "create_date"],
        "travel.customer.merge.log": ["state", "merged_ids", "create_date"],
    }

    date = fields.Datetime(readonly=True)
    kind = fields.Selection(
        [
            ("waiting", "Waiting for review"),
            ("ignored", "Not duplicates"),
            ("merged", "Merged"),
            ("undone", "Merge undone"),
        ],
        string="Event",
        readonly=True,
    )
    customer_count = fields.Integer(
        string="Customers",
        readonly=True,
        help="Customers of the candidate group, or customers merged into the "
        "master.",
    )
    group_id = fields.Many2one(
        "travel.duplicate.group", string="Candidate Group", readonly=True
    )
    merge_log_id = fields.Many2one(
        "travel.customer.merge.log", string="Merge", readonly=True
    )

    @property
    def _table_query(self):
        # ids: 4 x the source's id + the kind, stable and distinct
        return SQL(
            """
            SELECT g.id * 4 AS id, g.create_date AS date,
                   'waiting' AS kind, g.partner_count AS customer_count,
                   g.id AS group_id, NULL::integer AS merge_log_id
              FROM travel_duplicate_group g
             WHERE g.state = 'open'
            UNION ALL
            SELECT g.id * 4 + 1, g.write_date, 'ignored', g.partner_count,
                   g.id, NULL
              FROM travel_duplicate_group g
             WHERE g.state = 'ignored'
            UNION ALL
            SELECT m.id * 4 + 2, m.create_date, 'merged',
                   json_array_length(COALESCE(m.merged_ids, '[]')::json),
                   NULL, m.id
              FROM travel_customer_merge_log m
            UNION ALL
            SELECT m.id * 4 + 3, m.write_date, 'undone',
                   json_array_length(COALESCE(m.merged_ids, '[]')::json),
                   NULL, m.id
              FROM travel_customer_merge_log m
             WHERE m.state = 'undone'
            """
        )
