# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import SQL

from ..models.travel_search_limit import MAX_CHARS, MAX_WORDS, TIMEOUT_PARAM
from .common import TravelCustomerCommon

# eight words that all describe Jean Dupont: the ninth and after are ignored
DUPONT_WORDS = "jean dupont paris roquette 75011 rue de la"
# words no customer has: any of them considered would find nobody
NOWHERE = [f"zq{i}xw" for i in range(20_000)]


def long_text(words, count):
    return " ".join([words, *NOWHERE[:count]])


@tagged("post_install", "-at_install")
class TestSecuritySearch(TravelCustomerCommon):
    """A search text of thousands of words, or one huge word, sent by any
    user (portal included) is answered from its first words: it never holds
    a database session for everyone else."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dupont = cls.Partner.create(
            {
                "name": "Jean Dupont",
                "street": "12 rue de la Roquette",
                "zip": "75011",
                "city": "Paris",
                "email": "jdupont@example.fr",
            }
        )
        cls.portal = new_test_user(
            cls.env,
            login="search_portal",
            groups="base.group_portal",
            name="Jean Dupont Portail",
            email="portal.dupont@example.fr",
        )
        cls.portal.partner_id.write(
            {"street": "3 rue de la Roquette", "zip": "75011", "city": "Paris"}
        )
        cls.participant = cls.env["travel.participant"].create(
            {
                "first_name": "Léa",
                "last_name": "Dupont",
                "partner_id": cls.portal.partner_id.id,
            }
        )
        cls.users = (cls.portal, cls.salesman)
        cls.scope = [("id", "in", (cls.dupont | cls.portal.partner_id).ids)]

    def _name_search(self, user, text, model="res.partner", scope=None):
        records = self.env[model].with_user(user)
        found = records.name_search(text, args=scope or [], limit=10)
        return [rid for rid, _name in found]

    def test_words_bound(self):
        Limit = self.env["travel.search.limit"]
        self.assertEqual(
            Limit._travel_bounded_text(long_text("a", 20_000)).split(),
            ["a", *NOWHERE[: MAX_WORDS - 1]],
        )
        self.assertEqual(len(Limit._travel_bounded_text("x" * 100_000)), MAX_CHARS)
        self.assertEqual(Limit._travel_bounded_text("  dupont  "), "dupont")

    def test_name_search_of_thousands_of_words(self):
        """The first words still find the customer they name: the others
        (which match nobody) are not considered."""
        for user in self.users:
            expected = self._name_search(user, DUPONT_WORDS, scope=self.scope)
            self.assertIn(
                user.partner_id.id if user.share else self.dupont.id, expected
            )
            for count in (5_000, 20_000):
                with self.subTest(user=user.login, words=count):
                    text = long_text(DUPONT_WORDS, count)
                    self.assertEqual(
                        self._name_search(user, text, scope=self.scope), expected
                    )

    def test_one_huge_word(self):
        huge = "dupont" + "x" * 100_000
        for user in self.users:
            with self.subTest(user=user.login):
                self.assertEqual(
                    self._name_search(user, huge, scope=self.scope),
                    self._name_search(user, huge[:MAX_CHARS], scope=self.scope),
                )
                # a phone number of 100,000 digits: the phone search
                self.assertFalse(self._name_search(user, "06" + "1" * 100_000))

    def test_search_operator_count_and_group(self):
        """search, search_count, _search and read_group on the customer search
        consider the same first words."""
        text = long_text(DUPONT_WORDS, 20_000)
        for user in self.users:
            Partner = self.Partner.with_user(user)
            domain = [("display_name", "ilike", text), *self.scope]
            first_words = Partner.search(
                [("display_name", "ilike", DUPONT_WORDS), *self.scope]
            )
            with self.subTest(user=user.login):
                self.assertTrue(first_words)
                self.assertEqual(Partner.search(domain), first_words)
                self.assertEqual(Partner.search_count(domain), len(first_words))
                self.assertEqual(
                    Partner.browse(Partner._search(domain).get_result_ids()),
                    first_words,
                )
                groups = Partner.read_group(domain, ["city"], ["city"])
                self.assertEqual(sum(g["city_count"] for g in groups), len(first_words))
                # through a relation: the participants of such customers
                participants = (
                    self.env["travel.participant"]
                    .with_user(user)
                    .search([("partner_id.display_name", "ilike", text)])
                )
                self.assertIn(self.participant, participants)

    def test_participant_search(self):
        for user in self.users:
            for count in (5_000, 20_000):
                with self.subTest(user=user.login, words=count):
                    text = long_text("lea dupont " * (MAX_WORDS // 2), count)
                    found = self._name_search(user, text, "travel.participant")
                    self.assertIn(self.participant.id, found)
                    self.assertEqual(
                        found,
                        self._name_search(
                            user,
                            "lea dupont",
                            "travel.participant",
                        ),
                    )
            with self.subTest(user=user.login, word="huge"):
                self.assertFalse(
                    self._name_search(user, "x" * 100_000, "travel.participant")
                )

    def test_similar_customers_of_a_huge_name(self):
        """A customer whose name is thousands of words (typed on its own
        account page) still gets its look-alikes, from its name's start."""
        twin = self.Partner.create(
            {"name": "Jean Dupont", "email": "portal.dupont@example.fr"}
        )
        customer = self.portal.partner_id
        for name in (
            "Jean Dupont " + "dupont " * 5_000,
            "Jean Dupont " + "x" * 100_000,
        ):
            customer.name = name
            similar = customer.with_user(self.salesman)._travel_similar_customers()
            self.assertIn(twin.id, [found["partner_id"] for found in similar])

    def test_timeout_stops_a_slow_search_clearly(self):
        """A search running longer than the system parameter is stopped with
        a clear message; what was written before is kept and the transaction
        goes on."""
        params = self.env["ir.config_parameter"].sudo()
        self.env.cr.execute("SHOW statement_timeout")
        previous = self.env.cr.fetchone()[0]
        params.set_param(TIMEOUT_PARAM, "1")
        before = self.Partner.create({"name": "Written Before The Search"})
        slow = SQL("(SELECT p.id FROM res_partner p, pg_sleep(0.5))")
        Partner = self.Partner.with_user(self.salesman)
        with self.assertRaisesRegex(UserError, "took too long"):
            Partner.search([("display_name", "ilike", "dupont"), ("id", "in", slow)])
        with self.assertRaisesRegex(UserError, "took too long"):
            Partner.name_search("dupont", args=[("id", "in", slow)])
        # a page beyond the first ones, a count: run by the ORM, stopped too
        with self.assertRaisesRegex(UserError, "took too long"):
            Partner.search(
                [("display_name", "ilike", "dupont"), ("id", "in", slow)], offset=300
            )
        with self.assertRaisesRegex(UserError, "took too long"):
            Partner.search_count(
                [("display_name", "ilike", "dupont"), ("id", "in", slow)]
            )
        with (
            self.assertRaisesRegex(UserError, "took too long"),
            Partner._travel_statement_timeout(),
        ):
            self.env.cr.execute("SELECT pg_sleep(1)")
        # the transaction goes on, with its own timeout and its data
        self.env.cr.execute("SHOW statement_timeout")
        self.assertEqual(self.env.cr.fetchone()[0], previous)
        self.assertTrue(before.exists())
        self.assertEqual(before.name, "Written Before The Search")
        params.set_param(TIMEOUT_PARAM, "")
        self.assertEqual(
            self._name_search(self.salesman, "jean jdupont@example", scope=self.scope),
            [self.dupont.id],
        )

    def test_timeout_is_put_back_after_a_search(self):
        """The settings a search runs with (its timeout, no parallel workers
        nor JIT) are the transaction's own again after it, whichever way the
        search went: a first page, a typo, a later page."""

        def settings():
            return self.env.execute_query(
                SQL(
                    "SELECT current_setting('statement_timeout'), "
                    "current_setting('max_parallel_workers_per_gather'), "
                    "current_setting('jit')"
                )
            )

        self.env.cr.execute("SET LOCAL statement_timeout = '42s'")
        previous = settings()
        Partner = self.Partner.with_user(self.salesman)
        self.assertTrue(self._name_search(self.salesman, "dupont", scope=self.scope))
        self.assertEqual(settings(), previous)
        # nor do the customers found stay in the transaction's settings
        self.assertEqual(
            self.env.execute_query(
                SQL("SELECT current_setting('travel_customer.answer', true)")
            ),
            [("",)],
        )
        self.assertIn(
            self.dupont, Partner.search([("display_name", "ilike", "dupnot")])
        )
        self.assertEqual(settings(), previous)
        Partner.search([("display_name", "ilike", "dupont")], offset=300)
        self.assertEqual(settings(), previous)


@tagged("post_install", "-at_install")
class TestSecuritySearchHttp(HttpCase):
    """The same attack over JSON-RPC and the portal's pages."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal = new_test_user(
            cls.env,
            login="search_portal_http",
            groups="base.group_portal",
            name="Paula Searching",
        )

    def test_name_search_over_rpc(self):
        self.authenticate("search_portal_http", "search_portal_http")
        text = long_text("paula searching " * (MAX_WORDS // 2), 20_000)
        result = self.make_jsonrpc_request(
            "/web/dataset/call_kw/res.partner/name_search",
            {
                "model": "res.partner",
                "method": "name_search",
                "args": [text],
                "kwargs": {"limit": 8},
            },
        )
        self.assertIn(self.portal.partner_id.id, [rid for rid, _name in result])

    def test_portal_page_number_is_bounded(self):
        # the departures pages are a reseller's
        self.portal.partner_id.customer_type_id = self.env.ref(
            "travel_customer.customer_type_professional"
        )
        self.authenticate("search_portal_http", "search_portal_http")
        response = self.url_open(f"/my/departures/page/{10**15}")
        self.assertEqual(response.status_code, 200)
        response = self.url_open(f"/my/client_quotes/page/{10**15}")
        self.assertEqual(response.status_code, 200)
        # filters beyond any id or price: answered, not a crash
        response = self.url_open(f"/my/departures?stay={10**20}&price_above=1e400")
        self.assertEqual(response.status_code, 200)
