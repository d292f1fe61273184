# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Odoo's own click-everywhere test (the ``web`` addon's clickbot: every menu,
view switcher and filter of an app) on every app the addon touches, on the
demo data, as the administrator and as a Travel user.

``web``'s ``TestMenusAdmin`` walks every installed app; this runs the same
script on the apps the addon changes only, to keep ``make test`` short.
``make test-stock`` runs this file on a database with the same modules and
without the addon (the Travel user is then a user with the groups it
implies): the reference, where every app passes.
"""

import logging

from odoo.tests import HttpCase, new_test_user, tagged

_logger = logging.getLogger(__name__)

# root menus of the apps the addon adds menus, fields or views to; the
# addon's own menus are in Contacts (customers' configuration, duplicates,
# participants, documents, logs) and Sales (departures, e-wallet)
APPS = (
    "contacts.menu_contacts",
    "sale.sale_menu_root",
    "account.menu_finance",
    "membership.menu_association",
    "base.menu_administration",
)
CLICKBOT = (
    "odoo.loader.modules.get('@web/webclient/clickbot/clickbot_loader')"
    ".startClickEverywhere('%s');"
)


@tagged("post_install", "-at_install")
class TestClickEverywhere(HttpCase):
    allow_end_on_form = True

    def _click_apps(self, login):
        user = self.env["res.users"].search([("login", "=", login)])
        if "tour_enabled" in user._fields:
            user.tour_enabled = False  # onboarding tours would cover the screens
        menus = self.env["ir.ui.menu"].with_user(user).load_menus(False)
        visible = {menus[app]["xmlid"] for app in menus["root"]["children"]}
        apps = [app for app in APPS if app in visible]
        self.assertTrue(apps, f"{login} sees none of the apps")
        for app in apps:
            with self.subTest(app=app, login=login):
                _logger.info("Clicking everywhere in %s as %s", app, login)
                self.browser_js(
                    "/odoo",
                    CLICKBOT % app,
                    "odoo.isReady === true",
                    login=login,
                    timeout=1200,
                    success_signal="clickbot test succeeded",
                )
        return apps

    def test_click_everywhere_as_admin(self):
        apps = self._click_apps("admin")
        self.assertEqual(set(apps), set(APPS))

    def test_click_everywhere_as_travel_user(self):
        # on the stock reference (no addon), a user with the groups a Travel
        # user implies
        travel = "travel_customer.group_travel_user"
        groups = "base.group_user,base.group_partner_manager,"
        groups += "sales_team.group_sale_salesman"
        if self.env.ref(travel, raise_if_not_found=False):
            groups += f",{travel}"
        new_test_user(
            self.env,
            "clickbot_travel_user",
            groups,
            password="clickbot_travel_user",
            name="Clickbot Travel User",
        )
        apps = self._click_apps("clickbot_travel_user")
        self.assertEqual(set(apps), {"contacts.menu_contacts", "sale.sale_menu_root"})
