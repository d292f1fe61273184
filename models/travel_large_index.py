# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import time

from odoo import api, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# From this many partners (PostgreSQL's estimate), the search's indexes
# (which the similar customers read too) are built after the install, by a
# scheduled job, instead of within it: about a minute at 1,000,000 partners,
# during which the install would hold every user of the database.
LARGE_TABLE_ROWS = 250_000


class TravelLargeIndex(models.AbstractModel):
    """The partner indexes that take long to build on a large base (the
    search's: the similar customers read its index of the names' words).

    On a small base they are built with the install, as any index. On a
    large one the install only asks the job "Search indexes" to build the
    missing ones as soon as a cron worker is free: the install ends sooner,
    and while the job runs the partners stay readable (their writes wait for
    the index; the search and the similar customers answer, slower)."""

    _name = "travel.large.index"
    _description = "Large Index"

    @api.model
    def _travel_create(self, indexes, large_rows=LARGE_TABLE_ROWS):
        """Create ``indexes`` (``{name: CREATE INDEX SQL}``) now when the
        partners are fewer than ``large_rows``, else leave those missing to
        the job, which is asked to run at once."""
        if self._travel_partner_rows() < large_rows:
            self._travel_build(indexes)
            return
        if self._travel_missing(indexes):
            cron = self.env.ref(
                "travel_customer.ir_cron_large_indexes", raise_if_not_found=False
            )
            # at the first install the cron is not loaded yet: created with
            # its next call now, it runs at once anyway
            if cron:
                cron.sudo()._trigger()

    @api.model
    def _travel_partner_rows(self):
        """PostgreSQL's estimate of the partners' number (no count of a
        million rows), or their count before the table's first analysis."""
        [(rows,)] = self.env.execute_query(
            SQL("SELECT reltuples FROM pg_class WHERE oid = 'res_partner'::regclass")
        )
        if rows < 0:
            [(rows,)] = self.env.execute_query(SQL("SELECT count(*) FROM res_partner"))
        return rows

    @api.model
    def _travel_missing(self, indexes):
        """The names of ``indexes`` not there or left invalid (an interrupted
        build)."""
        present = {
            name
            for (name,) in self.env.execute_query(
                SQL(
                    """
                    SELECT c.relname FROM pg_class c
                    JOIN pg_index i ON i.indexrelid = c.oid
                    WHERE c.relname IN %s AND i.indisvalid
                    """,
                    tuple(indexes),
                )
            )
        }
        return [name for name in indexes if name not in present]

    @api.model
    def _cron_build(self):
        """Build the large indexes that are missing: the job "Search
        indexes", run after an install on a large base and then daily (a
        check of the catalog when nothing is missing)."""
        indexes = self.env["travel.customer.search"]._travel_large_indexes()
        return {"indexes": self._travel_build(indexes)}

    @api.model
    def _travel_build(self, indexes):
        """Build those of ``indexes`` that are missing or invalid, then have
        their statistics gathered: how many were built."""
        missing = self._travel_missing(indexes)
        for name in missing:
            start = time.monotonic()
            self.env.execute_query(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))
            self.env.execute_query(indexes[name])
            _logger.info("Index %s built in %.1f s", name, time.monotonic() - start)
        if missing:
            self._travel_analyze()
        return len(missing)

    @api.model
    def _travel_analyze(self):
        """The statistics of the indexed expressions, which PostgreSQL
        gathers only when it analyzes the table (a new index does not make
        it do so): without them the planner misjudges how many names have
        a word, and a search with a typo took seconds on a million
        partners instead of milliseconds."""
        self.env.execute_query(SQL("ANALYZE res_partner"))
