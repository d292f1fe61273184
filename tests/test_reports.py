# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The reports' figures against a set computed by hand, and who reads them."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import TravelCustomerCommon


@tagged("post_install", "-at_install")
class TestReports(TravelCustomerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company_a = env.company
        cls.company_b = env["res.company"].create(
            {"name": "Travel Company B", "currency_id": cls.company_a.currency_id.id}
        )
        env.user.company_ids = [Command.link(cls.company_b.id)]
        cls.stay = env["product.product"].create(
            {
                "name": "Report stay",
                "type": "service",
                "travel_is_stay": True,
                "taxes_id": [Command.clear()],
            }
        )
        cls.extra = env["product.product"].create(
            {"name": "Report extra", "type": "service", "taxes_id": [Command.clear()]}
        )
        Departure = env["travel.departure"]
        cls.d1 = Departure.create(
            {
                "product_id": cls.stay.id,
                "date_start": "2099-07-01",
                "date_end": "2099-07-08",
                "capacity": 10,
                "price": 100.0,
            }
        )
        cls.d2 = Departure.create(
            {
                "product_id": cls.stay.id,
                "date_start": "2099-08-01",
                "date_end": "2099-08-08",
                "capacity": 4,
                "price": 50.0,
            }
        )
        france, germany = env.ref("base.fr"), env.ref("base.de")
        cls.c1 = cls.Partner.create(
            {
                "name": "Report Customer One",
                "customer_type_id": cls.type_regular.id,
                "travel_level_id": cls.level_vip.id,
                "country_id": france.id,
                "travel_dispute": True,
            }
        )
        cls.c2 = cls.Partner.create(
            {
                "name": "Report Customer Two",
                "customer_type_id": cls.type_walk_in.id,
                "country_id": germany.id,
            }
        )
        cls.reseller = cls.Partner.create(
            {
                "name": "Report Reseller",
                "is_company": True,
                "customer_type_id": env.ref(
                    "travel_customer.customer_type_professional"
                ).id,
                "travel_markup": 10.0,
            }
        )
        env["travel.departure.assignment"].create(
            {"partner_id": cls.reseller.id, "departure_id": cls.d1.id}
        )

        def order(partner, date, lines, **values):
            so = env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "date_order": date,
                    "order_line": [
                        Command.create(
                            {"product_id": p.id, "product_uom_qty": q, "price_unit": u}
                        )
                        for p, q, u in lines
                    ],
                    **values,
                }
            )
            return so

        cls.o1 = order(
            cls.c1,
            "2026-01-15 10:00:00",
            [(cls.stay, 3, 100.0)],
            travel_departure_id=cls.d1.id,
            travel_seats=3,
            travel_channel_id=cls.channel_direct.id,
        )
        cls.o2 = order(
            cls.c2,
            "2026-02-10 10:00:00",
            [(cls.extra, 1, 200.0)],
            travel_date_start="2099-08-01",
            travel_date_end="2099-08-05",
            travel_channel_id=cls.channel_airbnb.id,
        )
        cls.o3 = order(
            cls.reseller,
            "2026-02-20 10:00:00",
            [(cls.stay, 2, 110.0)],
            travel_departure_id=cls.d1.id,
            travel_seats=2,
            travel_channel_id=cls.channel_direct.id,
        )
        cls.o4 = order(
            cls.c1,
            "2026-01-20 10:00:00",
            [(cls.extra, 1, 500.0)],
            company_id=cls.company_b.id,
        )
        cls.quotation = order(cls.c2, "2026-02-11 10:00:00", [(cls.extra, 1, 1000.0)])
        orders = cls.o1 | cls.o2 | cls.o3 | cls.o4
        orders.action_confirm()
        # confirming dates the order today: back to the set's dates
        for so, day in (
            (cls.o1, "2026-01-15 10:00:00"),
            (cls.o2, "2026-02-10 10:00:00"),
            (cls.o3, "2026-02-20 10:00:00"),
            (cls.o4, "2026-01-20 10:00:00"),
        ):
            so.date_order = day
        # the stay lines keep the prices of the hand-computed set
        (orders.order_line | cls.quotation.order_line).flush_recordset()
        cls.orders = orders | cls.quotation
        cls.customers = cls.c1 | cls.c2 | cls.reseller

    def _groups(self, model, groupby, aggregates, domain=()):
        """{group (a tuple when several): [aggregates]}"""
        n = len(groupby)
        return {
            row[0] if n == 1 else row[:n]: list(row[n:])
            for row in self.env[model]._read_group(list(domain), groupby, aggregates)
        }

    # ------------------------------------------------------------ bookings
    def test_bookings_by_month_channel_company_type_reseller(self):
        self.assertEqual(
            sorted(self.orders.mapped("amount_untaxed")), [200, 220, 300, 500, 1000]
        )
        mine = [("order_id", "in", self.orders.ids), ("state", "=", "sale")]
        model = "travel.report.booking"
        by_month = self._groups(model, ["date:month"], ["amount_untaxed:sum"], mine)
        self.assertEqual(
            {day.strftime("%Y-%m"): v[0] for day, v in by_month.items()},
            {"2026-01": 800.0, "2026-02": 420.0},
        )
        by_origin = self._groups(
            model, ["channel_origin"], ["amount_untaxed:sum", "__count"], mine
        )
        self.assertEqual(by_origin, {"own": [1020.0, 3], "platform": [200.0, 1]})
        by_channel = self._groups(model, ["channel_id"], ["amount_untaxed:sum"], mine)
        self.assertEqual(
            {k.id: v[0] for k, v in by_channel.items()},
            {
                self.channel_direct.id: 520.0,
                self.channel_airbnb.id: 200.0,
                False: 500.0,
            },
        )
        by_company = self._groups(model, ["company_id"], ["amount_untaxed:sum"], mine)
        self.assertEqual(
            {k: v[0] for k, v in by_company.items()},
            {self.company_a: 720.0, self.company_b: 500.0},
        )
        by_type = self._groups(
            model, ["customer_type_id"], ["amount_untaxed:sum", "seats:sum"], mine
        )
        self.assertEqual(
            {k.id: v for k, v in by_type.items()},
            {
                self.type_regular.id: [800.0, 4],
                self.type_walk_in.id: [200.0, 1],
                self.reseller.customer_type_id.id: [220.0, 2],
            },
        )
        by_reseller = self._groups(model, ["reseller_id"], ["amount_untaxed:sum"], mine)
        self.assertEqual(
            {k: v[0] for k, v in by_reseller.items()},
            {self.reseller: 220.0, self.env["res.partner"]: 1000.0},
        )
        # the quotation is in the report, not among the bookings
        quotations = self._groups(
            model,
            ["state"],
            ["amount_untaxed:sum"],
            [("order_id", "in", self.orders.ids)],
        )
        self.assertEqual(quotations["draft"], [1000.0])

    # ------------------------------------------------------------ departures
    def test_departure_fill_rate(self):
        report = self.env["travel.report.departure"].search(
            [("departure_id", "in", (self.d1 | self.d2).ids)], order="date_start"
        )
        self.assertEqual(
            [
                (r.capacity, r.seats_taken, r.seats_left, r.booking_count, r.fill_rate)
                for r in report
            ],
            [(10, 5, 5, 2, 50.0), (4, 0, 4, 0, 0.0)],
        )
        self.assertTrue(all(report.mapped("upcoming")))
        by_stay = self._groups(
            "travel.report.departure",
            ["product_id"],
            ["seats_taken:sum", "capacity:sum", "fill_rate:avg"],
            [("product_id", "=", self.stay.id)],
        )
        self.assertEqual(by_stay[self.stay], [5, 14, 25.0])

    # ------------------------------------------------------------ customers
    def test_customer_base(self):
        mine = [("partner_id", "in", self.customers.ids)]
        model = "travel.report.customer"
        by_type = self._groups(model, ["customer_type_id"], ["__count"], mine)
        self.assertEqual(
            {k.id: v[0] for k, v in by_type.items()},
            {
                self.type_regular.id: 1,
                self.type_walk_in.id: 1,
                self.reseller.customer_type_id.id: 1,
            },
        )
        by_level = self._groups(model, ["level_id"], ["__count"], mine)
        self.assertEqual(by_level[self.level_vip], [1])
        by_country = self._groups(model, ["country_id"], ["__count"], mine)
        self.assertEqual(
            {k.code: v[0] for k, v in by_country.items()},
            {"FR": 1, "DE": 1, False: 1},
        )
        self.assertEqual(
            self._groups(model, ["dispute"], ["__count"], mine),
            {True: [1], False: [2]},
        )
        bookings = self.env[model].search(mine)
        self.assertEqual(
            {r.partner_id: r.booking_count for r in bookings},
            {self.c1: 2, self.c2: 1, self.reseller: 1},
        )
        new = self._groups(model, ["create_date:month"], ["__count"], mine)
        self.assertEqual(sum(v[0] for v in new.values()), 3)
        # staff and the company are not customers
        staff = self.salesman.partner_id | self.env.company.partner_id
        self.assertFalse(self.env[model].search([("partner_id", "in", staff.ids)]))

    # ------------------------------------------------------------ resellers
    def test_reseller_sales_and_markup(self):
        rows = self.env["travel.report.reseller"].search(
            [("reseller_id", "=", self.reseller.id)]
        )
        self.assertEqual(rows.order_id, self.o3)
        self.assertEqual(
            (rows.seats, rows.amount_untaxed, rows.base_amount, rows.markup_amount),
            (2, 220.0, 200.0, 20.0),
        )
        # private customers are not resellers
        self.assertFalse(
            self.env["travel.report.reseller"].search(
                [("order_id", "in", (self.o1 | self.o2).ids)]
            )
        )

    # ------------------------------------------------------------ duplicates
    def test_duplicates_per_month(self):
        Group = self.env["travel.duplicate.group"]
        waiting = Group.create({"partner_ids": [Command.set((self.c1 | self.c2).ids)]})
        ignored = Group.create(
            {"partner_ids": [Command.set(self.customers.ids)], "state": "ignored"}
        )
        master = self.Partner.create({"name": "Report Master"})
        twins = self.Partner.create([{"name": "Report Twin"}, {"name": "Report Twin"}])
        self._merge_wizard(master, twins).action_merge()
        log = self.env["travel.customer.merge.log"].search(
            [("master_id", "=", master.id)]
        )
        kept = self.Partner.create({"name": "Report Kept"})
        undone_twin = self.Partner.create({"name": "Report Undone"})
        self._merge_wizard(kept, undone_twin).action_merge()
        undone = self.env["travel.customer.merge.log"].search(
            [("master_id", "=", kept.id)]
        )
        undone.action_undo()
        self.env.flush_all()
        rows = self.env["travel.report.duplicate"].search(
            [
                "|",
                ("group_id", "in", (waiting | ignored).ids),
                ("merge_log_id", "in", (log | undone).ids),
            ]
        )
        self.assertEqual(
            sorted((r.kind, r.customer_count) for r in rows),
            [
                ("ignored", 3),
                ("merged", 1),
                ("merged", 2),
                ("undone", 1),
                ("waiting", 2),
            ],
        )
        by_month = self._groups(
            "travel.report.duplicate",
            ["date:month", "kind"],
            ["__count"],
            [("id", "in", rows.ids)],
        )
        self.assertEqual(
            sorted((kind, count[0]) for (_month, kind), count in by_month.items()),
            [("ignored", 1), ("merged", 2), ("undone", 1), ("waiting", 1)],
        )

    # ------------------------------------------------------------ documents
    def test_documents_missing_or_expiring(self):
        passport = self.env["travel.customer.document.type"].create(
            {"name": "Report passport", "required": True}
        )
        Document = self.env["travel.customer.document"]
        # expires during the trip of o1 (1-8 July 2099)
        Document.create(
            {
                "partner_id": self.c1.id,
                "type_id": passport.id,
                "expiry_date": "2099-07-03",
            }
        )
        # no expiry: valid for o2
        Document.create({"partner_id": self.c2.id, "type_id": passport.id})
        rows = self.env["travel.report.document"].search(
            [("type_id", "=", passport.id), ("order_id", "in", self.orders.ids)]
        )
        self.assertEqual(
            sorted(
                [(r.order_id, r.status, str(r.expiry_date or "")) for r in rows],
                key=lambda row: row[0].id,
            ),
            [(self.o1, "expiring", "2099-07-03"), (self.o3, "missing", "")],
        )

    # ------------------------------------------------------------ GDPR
    def test_gdpr_operations_per_month(self):
        Log = self.env["privacy.log"]
        values = [
            ("anonymize", "2026-01-05 09:00:00"),
            ("anonymize", "2026-01-25 09:00:00"),
            ("retention", "2026-02-01 02:00:00"),
            ("export", "2026-02-14 09:00:00"),
        ]
        logs = Log.create(
            [
                {
                    "anonymized_name": "R***",
                    "anonymized_email": "r***@example.org",
                    "travel_operation": operation,
                    "date": date,
                }
                for operation, date in values
            ]
        )
        grouped = self._groups(
            "travel.report.privacy",
            ["date:month", "operation"],
            ["__count"],
            [("id", "in", logs.ids)],
        )
        self.assertEqual(
            {(d.strftime("%Y-%m"), op): c[0] for (d, op), c in grouped.items()},
            {
                ("2026-01", "anonymize"): 2,
                ("2026-02", "retention"): 1,
                ("2026-02", "export"): 1,
            },
        )
        officer = self._privacy_officer()
        self.assertEqual(
            self.env["travel.report.privacy"]
            .with_user(officer)
            .search_count([("id", "in", logs.ids)]),
            4,
        )
        with self.assertRaises(AccessError):
            self.env["travel.report.privacy"].with_user(self.salesman).search([])

    # ------------------------------------------------------------ rights
    def test_who_reads_the_reports(self):
        business = (
            "travel.report.booking",
            "travel.report.departure",
            "travel.report.customer",
            "travel.report.reseller",
            "travel.report.duplicate",
            "travel.report.document",
        )
        for model in business:
            self.env[model].with_user(self.salesman).search([], limit=1)
            with self.assertRaises(AccessError, msg=model):
                self.env[model].with_user(self.employee).search([], limit=1)
        # read only, for every one
        row = self.env["travel.report.booking"].search([("order_id", "=", self.o1.id)])
        with self.assertRaises(AccessError):
            row.with_user(self.travel_manager).write({"seats": 9})

    def test_company_and_salesperson_rules(self):
        all_leads = mail_new_test_user(
            self.env,
            login="report_all_leads",
            groups="base.group_user,sales_team.group_sale_salesman_all_leads,"
            "travel_customer.group_travel_user",
            company_id=self.company_a.id,
            company_ids=[Command.set(self.company_a.ids)],
        )
        Booking = self.env["travel.report.booking"]
        mine = [("order_id", "in", self.orders.ids)]
        self.assertEqual(
            Booking.with_user(all_leads).search(mine).order_id,
            self.orders - self.o4,
            "company B's booking is not shown in company A",
        )
        # a salesperson who sees its own orders only sees its own figures
        self.o1.user_id = self.salesman
        (self.orders - self.o1).user_id = self.travel_manager
        self.env.flush_all()
        self.assertEqual(
            Booking.with_user(self.salesman).search(mine).order_id, self.o1
        )
        self.assertEqual(
            self.env["travel.report.reseller"].with_user(self.salesman).search([]),
            self.env["travel.report.reseller"],
        )

    def test_row_opens_its_order(self):
        self.o1.user_id = self.travel_manager
        row = self.env["travel.report.booking"].search([("order_id", "=", self.o1.id)])
        action = row.with_user(self.travel_manager).action_open_order()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("sale.order", self.o1.id)
        )
        # a salesperson who sees its own orders only: not another's
        with self.assertRaises(AccessError):
            row.with_user(self.salesman).action_open_order()
