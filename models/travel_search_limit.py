# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import contextlib
import json
import uuid
from contextlib import ExitStack, contextmanager

import psycopg2

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.sql_db import Savepoint
from odoo.tools import SQL, mute_logger

# What one typed search may ask of PostgreSQL: each word is one more LIKE on
# every candidate row (and one more trigram lookup), so a text of thousands of
# words held a backend for minutes; the words after these are ignored.
MAX_WORDS = 8
MAX_CHARS = 200
# How long the query of one interactive search may run (system parameter, in
# milliseconds).
TIMEOUT_PARAM = "travel_customer.search_timeout_ms"
DEFAULT_TIMEOUT_MS = 10_000
# The columns a page of results may bring with its rows (``search_fetch``):
# those JSON gives back as the ORM reads them (text, whole numbers, yes/no).
JSON_COLUMN_TYPES = frozenset({"varchar", "text", "int4", "bool"})


class SearchSavepoint(Savepoint):
    """A savepoint whose two statements also set the search's settings
    (``settings``, a query returning the previous ones, then what it set)
    and put them back (``restore(*previous)``, on success; a rollback to
    the savepoint undoes them): the round trips of a bare savepoint."""

    def __init__(self, cr, settings, restore):
        # (Savepoint.__init__ would send its SAVEPOINT alone)
        self.name = str(uuid.uuid1())
        self._cr = cr
        self.closed = False
        self._restore = restore
        try:
            cr.execute(SQL("SAVEPOINT %s; %s", SQL.identifier(self.name), settings))
        except psycopg2.Error:
            # the settings failed after the savepoint was made: leave the
            # transaction usable, as a savepoint rolled back would
            with contextlib.suppress(psycopg2.Error):
                super()._close(rollback=True)
            raise
        self.previous = cr.fetchone()[:-1]

    def _close(self, rollback):
        if rollback:
            super()._close(rollback)
            return
        self._cr.execute(
            SQL(
                "%s; RELEASE SAVEPOINT %s",
                self._restore(*self.previous),
                SQL.identifier(self.name),
            )
        )
        self.closed = True


class TravelSearchLimit(models.AbstractModel):
    """Bounds on what one user's search may cost everybody else: the words
    it considers and the time its queries may run.

    Inherited by the models whose text search runs the addon's SQL (customers,
    participants): their searches on ``display_name`` run under a statement
    timeout, in a savepoint, so that a search running too long is stopped
    with a clear message and leaves the transaction usable; in the default
    order, they come ranked by relevance.
    """

    _name = "travel.search.limit"
    _description = "Search Limits"

    # ------------------------------------------------------------ WORDS
    @api.model
    def _travel_bounded_text(self, text):
        """The first ``MAX_WORDS`` words of ``text``, at most ``MAX_CHARS``
        characters in all: the rest is ignored, as an autocomplete would."""
        words = text.split(None, MAX_WORDS)[:MAX_WORDS]
        return " ".join(words)[:MAX_CHARS].strip()

    # ------------------------------------------------------------ TIMEOUT
    @api.model
    def _travel_search_timeout(self):
        """The statement timeout of a search, in milliseconds (never 0, which
        would mean none)."""
        timeout = self.env["ir.config_parameter"]._travel_get_int(
            TIMEOUT_PARAM, DEFAULT_TIMEOUT_MS
        )
        return timeout or DEFAULT_TIMEOUT_MS

    @contextmanager
    def _travel_statement_timeout(self, lazy=False, fetch=None):
        """Run the block's queries under the search timeout (or the session's
        own, if shorter), in a savepoint; a query stopped by it raises a
        UserError and the transaction goes on.

        They also run without parallel workers nor JIT compilation: a search
        reads a few hundred rows through its indexes, and starting workers
        (milliseconds) or compiling (tens of them, for a plan the planner
        guesses large) costs more than it saves.

        ``lazy``: the savepoint is made only once a query of the block needs
        it (``_travel_timeout_needed``); a page of results run at once
        (``_travel_timed_query``) brings its own, in the same round trip,
        and the values of ``fetch``, ``(model name, fields)``, with its rows
        (``_travel_page_fetch``)."""
        timeout = self._travel_search_timeout()
        # What is pending is written before the savepoint, never lost with
        # it: the search may flush any model its domain or record rules
        # read, and a savepoint rolled back would drop what it flushed.
        self.env.flush_all()
        cr = self.env.cr
        outer = getattr(cr, "_travel_timeout", None)
        try:
            with mute_logger("odoo.sql_db"), ExitStack() as savepoint:

                def needed():
                    # SET LOCAL outlives the savepoint's release: the
                    # savepoint puts them back
                    savepoint.enter_context(
                        SearchSavepoint(
                            cr,
                            self._travel_search_settings(timeout),
                            self._travel_search_settings_sql,
                        )
                    )
                    cr._travel_timeout = None

                cr._travel_timeout = {
                    "timeout": timeout,
                    "needed": needed,
                    "fetch": fetch,
                }
                if not lazy:
                    needed()
                yield
        except psycopg2.errors.QueryCanceled as error:
            raise UserError(
                _(
                    "The search took too long and was stopped. Refine it (fewer, "
                    "longer or more precise words) and try again."
                )
            ) from error
        finally:
            cr._travel_timeout = outer

    @api.model
    def _travel_search_settings(self, timeout, previous=None):
        """The query setting a search's timeout (``timeout`` ms, or the
        session's own if shorter) and its other settings: it returns the
        previous ones, then what it set; or, with ``previous`` (a setting's
        name), keeps them there instead."""
        return SQL(
            # (current_setting: pg_settings builds every setting's row, half
            # a millisecond)
            """SELECT %(previous)s,
                      set_config('statement_timeout',
                      (CASE WHEN setting = 0 THEN %(timeout)s
                            ELSE least(setting, %(timeout)s)
                       END)::text, true)
                      || set_config('max_parallel_workers_per_gather', '0', true)
                      || set_config('jit', 'off', true)
               FROM (SELECT (extract(epoch FROM current_setting(
                                'statement_timeout')::interval)
                             * 1000)::int AS setting) AS timeout""",
            timeout=timeout,
            previous=SQL(
                "setting::text, current_setting('max_parallel_workers_per_gather'), "
                "current_setting('jit')"
            )
            if previous is None
            else SQL(
                "set_config(%s, concat_ws(' ', setting, "
                "current_setting('max_parallel_workers_per_gather'), "
                "current_setting('jit')), true)",
                previous,
            ),
        )

    @api.model
    def _travel_timeout_needed(self):
        """Within a lazy ``_travel_statement_timeout``, make its savepoint
        now, before queries that need it run."""
        pending = getattr(self.env.cr, "_travel_timeout", None)
        if pending:
            pending["needed"]()

    @api.model
    def _travel_page_fetch(self, model):
        """The fields a page of ``model``'s rows run at once brings with its
        rows: those ``search_fetch`` is about to fetch (none for another
        model, or outside it)."""
        pending = getattr(self.env.cr, "_travel_timeout", None)
        fetch = pending and pending.get("fetch")
        return fetch[1] if fetch and fetch[0] == model._name else ()

    @api.model
    def _travel_timed_query(self, query):
        """The value of ``query`` (one row of one JSON value), run under a
        pending search timeout if any (a lazy ``_travel_statement_timeout``):
        its savepoint, settings, the query, the settings put back and the
        release in one round trip, where they took three (the answer is
        kept in a setting of the transaction, read and emptied by the last
        statement: the customers found do not linger in it)."""
        cr = self.env.cr
        pending = getattr(cr, "_travel_timeout", None)
        if not pending:
            [(value,)] = self.env.execute_query(query)
            return value
        name = SQL.identifier(str(uuid.uuid1()))
        try:
            cr.execute(
                SQL(
                    """SAVEPOINT %(name)s; %(settings)s;
                       SELECT set_config('travel_customer.answer',
                                         (%(query)s)::text, true);
                       SELECT set_config('statement_timeout',
                                         split_part(previous, ' ', 1), true),
                              set_config('max_parallel_workers_per_gather',
                                         split_part(previous, ' ', 2), true),
                              set_config('jit', split_part(previous, ' ', 3), true)
                       FROM current_setting('travel_customer.previous') AS previous;
                       RELEASE SAVEPOINT %(name)s;
                       SELECT current_setting('travel_customer.answer'),
                              set_config('travel_customer.answer', '', true)""",
                    name=name,
                    settings=self._travel_search_settings(
                        pending["timeout"], "travel_customer.previous"
                    ),
                    query=query,
                )
            )
        except psycopg2.Error:
            # the savepoint rolled back puts the settings back; the
            # transaction goes on (the caller's block turns a timeout into
            # a clear message)
            with contextlib.suppress(psycopg2.Error):
                cr.execute(
                    SQL(
                        "ROLLBACK TO SAVEPOINT %(name)s; RELEASE SAVEPOINT %(name)s",
                        name=name,
                    )
                )
            raise
        return json.loads(cr.fetchone()[0])

    @api.model
    def _travel_search_settings_sql(self, timeout, workers, jit):
        """The query putting back the settings a search changed."""
        return SQL(
            "SELECT set_config('statement_timeout', %s, true), "
            "set_config('max_parallel_workers_per_gather', %s, true), "
            "set_config('jit', %s, true)",
            timeout,
            workers,
            jit,
        )

    @api.model
    def _travel_searches_text(self, domain):
        """Whether ``domain`` searches by typed text (``display_name``)."""
        return any(
            isinstance(leaf, list | tuple)
            and len(leaf) == 3
            and isinstance(leaf[0], str)
            and leaf[0].rsplit(".", 1)[-1] == "display_name"
            and isinstance(leaf[2], str)
            for leaf in domain or ()
        )

    # ------------------------------------------------------------ RANKING
    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        """A search by typed text in the default order comes most relevant
        first (``travel.customer.search``): the rows of
        ``_travel_text_matches``, ties by ``_travel_booked``."""
        query = self.env["travel.customer.search"]._travel_ranked_search(
            self,
            (domain, offset, limit, order),
            super()._search,
            self._travel_text_matches,
            self._travel_booked,
        )
        if query is None:
            self._travel_timeout_needed()
            return super()._search(domain, offset, limit, order)
        return query

    @api.model
    def _travel_text_matches(self, text, scope=None, page=None):
        """``(id, pick, tier, fit, likeness)`` of the rows matching ``text``
        (``travel.customer.search._travel_matches_sql``), None when nothing
        was typed; ``scope`` and ``page`` as there."""
        raise NotImplementedError

    @api.model
    def _travel_booked(self, query):
        """SQL of when the row of ``query`` last booked, as the user may see."""
        raise NotImplementedError

    # ------------------------------------------------------------ ORM
    @api.model
    def search_fetch(self, domain, field_names, offset=0, limit=None, order=None):
        """A search by typed text runs under the search's timeout; a page of
        it run at once brings the fields to fetch with its rows when JSON
        carries them all (the names of an autocomplete): one round trip
        less."""
        if not self._travel_searches_text(domain):
            return super().search_fetch(domain, field_names, offset, limit, order)
        fields = self._determine_fields_to_fetch(field_names)
        fetch = None
        if fields and all(
            field.column_type
            and field.column_type[0] in JSON_COLUMN_TYPES
            and not field.translate
            for field in fields
        ):
            fetch = (self._name, tuple(fields))
        with self._travel_statement_timeout(lazy=True, fetch=fetch):
            return super().search_fetch(domain, field_names, offset, limit, order)

    def _fetch_query(self, query, fields):
        """The records of a page that brought ``fields`` with its rows
        (``travel.customer.search._travel_ranked_search``), as they are."""
        fetched = getattr(query, "_travel_fetched", None)
        if fetched is not None and fetched[0].issuperset(fields):
            return fetched[1]
        return super()._fetch_query(query, fields)

    @api.model
    def search_count(self, domain, limit=None):
        if not self._travel_searches_text(domain):
            return super().search_count(domain, limit=limit)
        with self._travel_statement_timeout():
            return super().search_count(domain, limit=limit)

    @api.model
    def _read_group(
        self,
        domain,
        groupby=(),
        aggregates=(),
        having=(),
        offset=0,
        limit=None,
        order=None,
    ):
        args = (domain, groupby, aggregates, having, offset, limit, order)
        if not self._travel_searches_text(domain):
            return super()._read_group(*args)
        with self._travel_statement_timeout():
            return super()._read_group(*args)
