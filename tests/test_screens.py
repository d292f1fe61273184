# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Odoo's own screens of customers and orders open for every user, as the web
client loads them: the addon's fields must not break Contacts, Sales,
Invoicing or Members for someone outside the Travel groups.

Two ways the addon broke them: a kanban card reading ``record.<field>``
that the view does not declare (the client crashes on ``raw_value``), and a
list of records of the addon on a customer or an order that the reader has
no access rights on (Odoo's screens, exports and tests read every field).
"""

import re

from lxml import etree

from odoo.tests import new_test_user, tagged

from .common import TravelCustomerCommon

# what a kanban template reads of a record besides its fields
RECORD_API = {"id", "data", "resId", "resModel", "context", "isNew"}
RECORD_USE = re.compile(r"\brecord\.(\w+)")


@tagged("post_install", "-at_install")
class TestScreensEveryUser(TravelCustomerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {
            "employee": new_test_user(cls.env, "scr_employee", "base.group_user"),
            "salesperson": new_test_user(
                cls.env, "scr_sales", "sales_team.group_sale_salesman"
            ),
            "sales manager": new_test_user(
                cls.env, "scr_sales_manager", "sales_team.group_sale_manager"
            ),
            "accountant": new_test_user(
                cls.env,
                "scr_invoicing",
                "base.group_partner_manager,account.group_account_invoice",
            ),
            "travel user": cls.salesman,
            "travel manager": cls.travel_manager,
            "administrator": cls.env.ref("base.user_admin"),
        }
        cls.portal = new_test_user(cls.env, "scr_portal", "base.group_portal")
        cls.customer.user_id = cls.users["salesperson"]
        cls.order = cls._create_order(cls.customer, user_id=cls.users["salesperson"].id)
        cls.env["travel.consent.record"].create(
            {
                "partner_id": cls.customer.id,
                "order_id": cls.order.id,
                "activity_id": cls.env.ref(
                    "travel_customer.privacy_activity_contact_us"
                ).id,
                "accepted": True,
                "channel": "portal",
            }
        )

    # ------------------------------------------------------------ helpers
    def _views(self, user, model, view_type):
        """Every view of ``view_type`` of ``model`` an action or the default
        opens, as ``user`` gets it: {view id: (arch, fields)}."""
        Model = self.env[model].with_user(user)
        ids = {False}
        ids.update(
            self.env["ir.actions.act_window.view"]
            .search(
                [
                    ("act_window_id.res_model", "=", model),
                    ("view_mode", "=", view_type),
                ]
            )
            .view_id.ids
        )
        ids.update(
            self.env["ir.actions.act_window"]
            .search([("res_model", "=", model), ("view_id.type", "=", view_type)])
            .view_id.ids
        )
        result = {}
        for view_id in ids:
            views = Model.get_views([(view_id, view_type)])
            view = views["views"][view_type]
            result[view_id] = (etree.fromstring(view["arch"]), views["models"])
        return result

    @staticmethod
    def _spec(arch, model_fields):
        """The top-level fields a view reads, as a web_read specification."""
        spec = {}
        for node in arch.iter("field"):
            # fields of a sub-view (x2many lists) belong to the comodel
            parent = node.getparent()
            while parent is not None and parent.tag not in ("field", "form"):
                parent = parent.getparent()
            if parent is not None and parent.tag == "field":
                continue
            name = node.get("name")
            if name in model_fields:
                relational = model_fields[name].get("relation")
                spec[name] = {"fields": {"display_name": {}}} if relational else {}
        return spec

    # ------------------------------------------------------------ tests
    def test_kanban_cards_declare_what_they_read(self):
        """A card reading a field it does not declare crashes the client."""
        for model in ("res.partner", "sale.order", "product.template"):
            for role, user in self.users.items():
                if not self.env[model].with_user(user).has_access("read"):
                    continue  # not a screen of this user
                for view_id, (arch, _models) in self._views(
                    user, model, "kanban"
                ).items():
                    declared = {f.get("name") for f in arch.iter("field")}
                    used = set()
                    for node in arch.iter():
                        for attr, value in node.attrib.items():
                            if attr.startswith("t-"):
                                used.update(RECORD_USE.findall(value))
                    missing = used - declared - RECORD_API
                    with self.subTest(model=model, role=role, view=view_id):
                        self.assertFalse(
                            missing,
                            f"the card reads {sorted(missing)} without declaring them",
                        )

    def test_customer_and_order_screens_load_for_every_user(self):
        """What Contacts, Sales, Invoicing and Members read of a customer and
        an order, each user reads it without an access error."""
        records = {"res.partner": self.customer, "sale.order": self.order}
        for role, user in self.users.items():
            for model, record in records.items():
                if not record.with_user(user).has_access("read"):
                    continue  # Odoo's rules: not a screen of this user
                for view_type in ("kanban", "list", "form"):
                    for view_id, (arch, models) in self._views(
                        user, model, view_type
                    ).items():
                        spec = self._spec(arch, models[model]["fields"])
                        with self.subTest(role=role, view=view_id, type=view_type):
                            values = record.with_user(user).web_read(spec)
                            self.assertEqual(values[0]["id"], record.id)

    @staticmethod
    def _addon_fields(record):
        """The fields the addon adds or changes that the reader may read."""
        return [
            name
            for name, field in record._fields.items()
            if "travel_customer" in field._modules and field.is_accessible(record.env)
        ]

    def test_every_field_reads_for_every_user(self):
        """An export, an RPC ``read()`` or Odoo's own tests read every field a
        user may read: none of the addon's raises."""
        for role, user in self.users.items():
            for record in (self.customer, self.order):
                record = record.with_user(user)
                if not record.has_access("read"):
                    continue
                with self.subTest(role=role, model=record._name):
                    values = record.read(self._addon_fields(record))
                    self.assertEqual(values[0]["id"], record.id)
        # what the sales order shows of consents stays the Travel staff's
        self.assertTrue(self.order.travel_consent_record_ids)
        outsider = self.order.with_user(self.users["salesperson"])
        self.assertNotIn("travel_consent_record_ids", self._addon_fields(outsider))
        staff = self.order.with_user(
            new_test_user(
                self.env,
                "scr_travel_sales",
                "sales_team.group_sale_manager,travel_customer.group_travel_user",
            )
        )
        self.assertEqual(
            staff.read(["travel_consent_record_ids"])[0]["travel_consent_record_ids"],
            self.order.travel_consent_record_ids.ids,
        )
        # a portal user reads its own customer record
        own = self.portal.partner_id.with_user(self.portal)
        self.assertEqual(
            own.read(self._addon_fields(own))[0]["id"], self.portal.partner_id.id
        )
