# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from ..hooks import uninstall_hook


@tagged("post_install", "-at_install")
class TestUninstall(TransactionCase):
    """Uninstalling leaves no index on the partners, no SQL function and no
    work table of the addon behind (the test's transaction is rolled back)."""

    def _left(self):
        return self.env.execute_query(
            SQL(
                """
                SELECT 'function ' || proname FROM pg_proc WHERE proname LIKE %s
                UNION ALL
                -- on the partners' own columns (those of the addon go with them)
                SELECT 'index ' || indexname FROM pg_indexes
                WHERE tablename = 'res_partner'
                  AND (indexdef LIKE %s OR indexdef LIKE %s)
                UNION ALL
                SELECT 'table ' || relname FROM pg_class
                WHERE relname LIKE %s AND relkind = 'r'
                """,
                "travel\\_customer\\_%",
                "%travel\\_customer\\_%",
                "%associate\\_member%",
                "travel\\_duplicate\\_scan\\_%",
            )
        )

    def test_nothing_left(self):
        # what the install made, the scan's work tables included
        self.assertIn(("table travel_duplicate_scan_pair",), self._left())
        # a custom profile field, placed on Odoo's own partner form
        custom = self.env["travel.profile.custom.field"].create(
            {"name": "x_loyalty_club", "label": "Loyalty club", "ttype": "char"}
        )
        views = custom.sudo().view_ids
        self.assertIn(self.env.ref("base.view_partner_form"), views.inherit_id)
        uninstall_hook(self.env)
        self.assertEqual(self._left(), [])
        # its views go (anchored on the addon's fields, they would break the
        # form); the field stays with its data
        self.assertFalse(views.exists())
        self.assertIn("x_loyalty_club", self.env["res.partner"]._fields)
        # a partner is still written as stock Odoo writes it
        partner = self.env["res.partner"].create({"name": "After Uninstall"})
        partner.name = "Still Writable"
        self.env.flush_all()

    def test_functions_of_others_kept(self):
        """Only the functions the addon creates go: another addon's with the
        same prefix stays."""
        self.env.cr.execute(
            SQL(
                "CREATE FUNCTION travel_customer_sibling(integer) RETURNS integer "
                "LANGUAGE sql IMMUTABLE AS 'SELECT $1'"
            )
        )
        uninstall_hook(self.env)
        self.assertEqual(self._left(), [("function travel_customer_sibling",)])
