# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import functools
import re
import string

from odoo import _, api, models, tools
from odoo.exceptions import UserError
from odoo.models import regex_order
from odoo.osv import expression
from odoo.tools import SQL, frozendict

# Columns of res_partner that the multi-word customer search looks into.
SEARCH_COLUMNS = (
    "complete_name",
    "street",
    "zip",
    "city",
    "email",
    "phone",
    "mobile",
    "ref",
    "vat",
    "company_registry",
)
# A word shorter than this has no trigram: the index cannot find it alone.
TRIGRAM_MIN_LENGTH = 3
# A word of letters this long or longer is also looked for in the names with
# one letter wrong, missing or added, or two letters swapped, when nothing
# matches what was typed.
TYPO_MIN_LENGTH = 5
PHONE_LIKE = re.compile(r"^[\d\s+().\-/]+$")
# From this many digits, a number typed is looked up by some of its trigrams
# (``_travel_contains``): three or more, which few texts have together.
DIGITS_SPREAD_MIN_LENGTH = 9
# A trigram in this share of the customers' texts or more is common: on a
# base of COMMON_WORDS_ROWS or more, a word is looked up in the trigram index
# by its other trigrams, at least RARE_TRIGRAMS_MIN (the least common), then
# checked whole (``_travel_contains``). The shares come from a sample of
# about COMMON_TRIGRAMS_SAMPLE texts, read once per process.
COMMON_TRIGRAMS_SHARE = 0.05
COMMON_TRIGRAMS_SAMPLE = 1000
RARE_TRIGRAMS_MIN = 2
# the parts of a word pg_trgm takes trigrams from
TRIGRAM_RUN = re.compile(r"[a-z0-9]{3,}")
# a word of travel_customer_search_words, in plain ASCII
ASCII_WORD = re.compile(r"[a-z0-9]+")
# Relevance, best first: what was typed is the name; is a phrase of whole
# words of the name; a phrase in the name; its words are in the name in that
# order; in any order; the words are found across the other fields too; the
# name is found only with a typo.
TIER_TYPO = 6
# A page of results within the first RANKED_CANDIDATES is ranked among that
# many matches, picked first: those with the words typed as a phrase of their
# name, then others. When more match (a name thousands of customers have),
# the others come after them, ranked as well: a first page costs the same
# on any base, and pages neither repeat nor skip a customer.
RANKED_CANDIDATES = 200
# The columns of a ranked row (``_travel_matches_sql``): a model ordered by a
# column of the same name is ranked once joined to its table.
RANK_COLUMNS = frozenset(
    {"id", "words", "text", "pick", "tier", "fit", "likeness", "place"}
)
# From this many customers, a word among the most common of their texts
# (PostgreSQL's statistics of the index of the text's words) is known to be
# somewhere without asking: a hundred customers or more have each of them,
# and a base this large is analyzed again long before they all go.
COMMON_WORDS_ROWS = 100_000
# How many of them PostgreSQL keeps: ten times this statistics target, about
# 7,700 words at 1,000,000 partners, enough for most names, first names and
# cities (the default, 1,000 words, left most of them to be asked). Analyzing
# the partners then reads 300,000 of them: 14 s at 1,000,000 instead of 1.3.
COMMON_WORDS_STATISTICS = SQL(
    "ALTER INDEX IF EXISTS res_partner_travel_text_words_index "
    "ALTER COLUMN 1 SET STATISTICS 1000"
)

# The text a customer is searched in: its fields, lower case and without
# accents, then the digits of its phones ("0612345678" finds "+33 6 12...").
# IMMUTABLE so that a trigram index can be built on it. The functions call
# each other by their schema: pg_restore builds the indexes with an empty
# search_path. PL/pgSQL rather than SQL: an SQL function is inlined into
# every query using it, and the planner then compares these long
# expressions with those of the indexes (half a millisecond more to plan
# each search); a PL/pgSQL one is a single call, evaluated as fast. (The
# indexes hold the same values either way: a database made with the SQL
# functions keeps its indexes.)
SEARCH_FUNCTIONS = SQL(
    r"""
CREATE OR REPLACE FUNCTION travel_customer_normalize(text)
RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS
$$ BEGIN RETURN lower(public.unaccent('public.unaccent'::regdictionary, $1)); END $$;

CREATE OR REPLACE FUNCTION travel_customer_search_text(
    complete_name text, street text, zip text, city text, email text,
    phone text, mobile text, ref text, vat text, company_registry text
) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS
$$ BEGIN RETURN public.travel_customer_normalize(
    coalesce($1, '') || ' ' || coalesce($2, '') || ' ' || coalesce($3, '')
    || ' ' || coalesce($4, '') || ' ' || coalesce($5, '') || ' ' || coalesce($6, '')
    || ' ' || coalesce($7, '') || ' ' || coalesce($8, '') || ' ' || coalesce($9, '')
    || ' ' || coalesce($10, '')
    || ' ' || regexp_replace(coalesce($6, ''), '[^0-9]', '', 'g')
    || ' ' || regexp_replace(coalesce($7, ''), '[^0-9]', '', 'g')
); END $$;

-- The words of a name, normalized, one space around each: ' jean pierre
-- martin '. The ranking's phrases and the typos are looked for in it (only
-- letters, digits and spaces: nothing to escape in a LIKE pattern).
CREATE OR REPLACE FUNCTION travel_customer_search_words(text)
RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS
$$ BEGIN RETURN ' ' || trim(regexp_replace(
    public.travel_customer_normalize(coalesce($1, '')), '[^[:alnum:]]+', ' ', 'g'
)) || ' '; END $$;

-- The same words as an array ('{jean,pierre,martin}'): its index finds the
-- names with some whole words, those typed or those one typo away.
CREATE OR REPLACE FUNCTION travel_customer_name_words(text)
RETURNS text[] LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS
$$ BEGIN
    RETURN string_to_array(btrim(public.travel_customer_search_words($1)), ' ');
END $$;

-- The whole words of the search text (every field, the phones' digits) as
-- an array: its index finds the customers with a word typed right of a
-- typo as a whole word, from one posting list, where the trigram index
-- decodes those of every trigram of the word (frequent ones are long).
CREATE OR REPLACE FUNCTION travel_customer_text_words(
    complete_name text, street text, zip text, city text, email text,
    phone text, mobile text, ref text, vat text, company_registry text
) RETURNS text[] LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS
$$ BEGIN RETURN string_to_array(btrim(regexp_replace(
    public.travel_customer_search_text($1, $2, $3, $4, $5, $6, $7, $8, $9, $10),
    '[^[:alnum:]]+', ' ', 'g'
)), ' '); END $$;
"""
)
# Built with the install on a small base, after it by the job "Search
# indexes" on a large one (``travel.large.index``).
SEARCH_INDEXES = {
    "res_partner_travel_search_index": SQL(
        """
CREATE INDEX IF NOT EXISTS res_partner_travel_search_index
ON res_partner USING gin (
    travel_customer_search_text(complete_name, street, zip, city, email,
                                phone, mobile, ref, vat, company_registry)
    gin_trgm_ops
)"""
    ),
    # words of one or two letters: the start of the customer's name
    "res_partner_travel_name_prefix_index": SQL(
        """
CREATE INDEX IF NOT EXISTS res_partner_travel_name_prefix_index
ON res_partner (travel_customer_normalize(complete_name) text_pattern_ops)"""
    ),
    # whole words of the name: a phrase of the name, a typo
    "res_partner_travel_name_words_array_index": SQL(
        """
CREATE INDEX IF NOT EXISTS res_partner_travel_name_words_array_index
ON res_partner USING gin (travel_customer_name_words(complete_name))"""
    ),
    # whole words of every field: the word typed right of a typo
    "res_partner_travel_text_words_index": SQL(
        """
CREATE INDEX IF NOT EXISTS res_partner_travel_text_words_index
ON res_partner USING gin (
    travel_customer_text_words(complete_name, street, zip, city, email,
                               phone, mobile, ref, vat, company_registry)
);
%s""",
        COMMON_WORDS_STATISTICS,
    ),
}


@functools.cache
def _partner_text(function):
    """``TravelCustomerSearch._travel_partner_text``, made once (a search
    uses it a dozen times)."""
    return SQL(
        "%s(%s)",
        SQL.identifier(function),
        SQL(", ").join(SQL.identifier("res_partner", col) for col in SEARCH_COLUMNS),
    )


class SearchScope:
    """The rows one search looks into (its domain and the record rules), as
    the FROM and WHERE its subqueries share: made once, where a Query per
    subquery cost a fifth of the search's Python."""

    __slots__ = ("from_clause", "table", "where")

    def __init__(self, query):
        self.table = query.table
        self.from_clause = query.from_clause
        self.where = (query.where_clause,) if query.where_clause else ()


class TravelCustomerSearch(models.AbstractModel):
    """The SQL of the search by typed text: its functions and indexes, and
    the condition and relevance built from what the user typed.

    Used by the ``display_name`` search of customers (the search view's
    default field, ``name_search`` of a booking's customer) and of
    participants: every word typed is found (in any field of a customer),
    or else the name with a typo; the most relevant come first (see
    ``_travel_tier_sql``), then the most recently booked, then by name.
    """

    _name = "travel.customer.search"
    _description = "Customer Search"

    def init(self):
        """Create the extensions, functions and indexes of the search."""
        result = super().init()
        self._travel_create_extensions()
        self.env.execute_query(SEARCH_FUNCTIONS)
        # the trigram index of the names' words the array index replaced
        self.env.execute_query(
            SQL("DROP INDEX IF EXISTS res_partner_travel_name_words_index")
        )
        self.env["travel.large.index"]._travel_create(SEARCH_INDEXES)
        # (an index built before the target was set: from its next analysis)
        self.env.execute_query(COMMON_WORDS_STATISTICS)
        return result

    @api.model
    def _travel_large_indexes(self):
        """The search's indexes, for the job that builds them on a large
        base."""
        return SEARCH_INDEXES

    def _travel_create_extensions(self):
        """pg_trgm and unaccent, which a database owner may create (trusted
        extensions); a clear error when the server refuses."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.execute_query(SQL("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
                self.env.execute_query(SQL("CREATE EXTENSION IF NOT EXISTS unaccent"))
        except Exception as error:
            raise UserError(
                _(
                    "Travel Customers needs the PostgreSQL extensions pg_trgm and "
                    "unaccent. Ask your database administrator to run CREATE "
                    "EXTENSION pg_trgm; CREATE EXTENSION unaccent; in this "
                    "database (%s).",
                    error,
                )
            ) from error

    # ------------------------------------------------------------ WORDS
    @api.model
    def _travel_search_words(self, text):
        """Split what the user typed into the words to match, each a list of
        variants (any of which matches).

        A phone number typed with spaces is one word; a national number
        (leading 0) also matches the international form stored: its digits
        without the leading zeros are looked for, which finds both (one
        lookup of the trigram index rather than two, each costly for digits
        every phone has). Only the first words are considered
        (``travel.search.limit``): each is one more condition on every row.
        """
        text = self.env["travel.search.limit"]._travel_bounded_text(text)
        if not text:
            return []
        if PHONE_LIKE.match(text) and sum(c.isdigit() for c in text) >= 6:
            digits = re.sub(r"\D", "", text)
            if digits.startswith("0") and len(digits.lstrip("0")) >= 6:
                return [[digits.lstrip("0")]]
            return [[digits]]
        return [[word] for word in text.split()]

    @api.model
    def _travel_typed_words(self, text, scope=None, exact=None):
        """The words typed as the database normalizes a name's words
        (``travel_customer_search_words``: ``["jean", "pierre"]``), and
        whether ``exact`` matches a row of ``scope`` (None without them),
        in one query; none for plain ASCII without a scope (unaccent and
        lower case change none of its letters: Python splits it alike)."""
        text = self.env["travel.search.limit"]._travel_bounded_text(text)
        if scope is None and text.isascii():
            return ASCII_WORD.findall(text.lower()), None
        matched = (
            SQL("EXISTS (%s)", self._travel_scoped_rows(scope, exact, SQL("1"), 1))
            if scope
            else SQL("NULL")
        )
        [(words, matched)] = self.env.execute_query(
            SQL("SELECT travel_customer_search_words(%s), %s", text, matched)
        )
        return words.split(), matched

    @api.model
    def _travel_scoped_rows(self, scope, condition, columns, cap=None):
        """``SELECT columns`` of the rows of ``scope`` (a ``SearchScope``: the
        domain and the record rules) matching ``condition``, at most
        ``cap``. The rules apply before the cap, so that rows a user may not
        see neither take the place of the others nor tell, by the results,
        that they exist."""
        return SQL(
            "SELECT %s FROM %s WHERE %s%s",
            columns,
            scope.from_clause,
            SQL(" AND ").join((*scope.where, condition)),
            SQL(" LIMIT %s", cap) if cap is not None else SQL(),
        )

    @staticmethod
    def _travel_normalized(text):
        """SQL of ``text`` as ``travel_customer_normalize`` makes it: plain
        ASCII lower-cased here (unaccent changes none of its letters), the
        rest by the function (a call the planner makes for each search)."""
        if text.isascii():
            return SQL("%s", text.lower())
        return SQL("travel_customer_normalize(%s)", text)

    @staticmethod
    def _travel_escape_like(word):
        return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

    # ------------------------------------------------------------ CONDITIONS
    @api.model
    def _travel_search_condition(self, text):
        """SQL condition on ``res_partner`` matching every word of ``text``
        in one of the customer's fields (None when nothing was typed)."""
        words = self._travel_search_words(text)
        if not words:
            return None
        search_text = self._travel_partner_text()
        common = self._travel_common_trigrams()
        conditions = [
            SQL(
                "(%s)",
                SQL(" OR ").join(
                    self._travel_contains(search_text, variant, common)
                    for variant in variants
                ),
            )
            for variants in words
        ]
        if not any(len(v) >= TRIGRAM_MIN_LENGTH for w in words for v in w):
            # Too short for the trigram index: the first word starts the
            # customer's name (btree prefix index), the others filter.
            conditions.append(
                SQL(
                    "travel_customer_normalize(res_partner.complete_name) LIKE %s",
                    self._travel_normalized(
                        f"{self._travel_escape_like(words[0][0])}%"
                    ),
                )
            )
        return SQL(" AND ").join(conditions)

    @api.model
    def _travel_contains(self, search_text, word, common=None):
        """SQL condition: ``search_text`` contains ``word``. The trigram
        index spends its time checking candidates against the trigrams of
        the word that a large share of the texts have ('ter' is in one in
        ten): a word with enough others (``common``: those frequent ones,
        ``_travel_common_trigrams``) is looked up by those, then checked
        whole. A long number (a phone) is looked up by every third trigram
        of its digits: each of them is in many texts (phones, zips), but
        few texts have three of them."""
        pieces = None
        if word.isascii() and word.isdigit() and len(word) >= DIGITS_SPREAD_MIN_LENGTH:
            starts = [*range(0, len(word) - 2, 3), len(word) - 3]
            pieces = [word[start : start + 3] for start in dict.fromkeys(starts)]
        elif word.isascii() and common:
            pieces = self._travel_rare_pieces(word.lower(), common)
        if pieces:
            return SQL(
                "%s AND strpos(%s, %s) > 0",
                SQL(" AND ").join(
                    SQL("%s LIKE %s", search_text, f"%{piece}%") for piece in pieces
                ),
                search_text,
                word.lower(),
            )
        return SQL(
            "%s LIKE %s",
            search_text,
            self._travel_normalized(f"%{self._travel_escape_like(word)}%"),
        )

    @staticmethod
    def _travel_rare_pieces(word, common):
        """The parts of ``word`` (plain ASCII, lower case) the trigram index
        is asked for: the runs of its trigrams not in ``common`` (the share
        of the texts having each common one), at least the
        ``RARE_TRIGRAMS_MIN`` least common; None when that is all of them
        (the whole word is asked for)."""
        starts = [
            run.start() + index
            for run in TRIGRAM_RUN.finditer(word)
            for index in range(len(run.group()) - 2)
        ]
        shares = {start: common.get(word[start : start + 3], 0) for start in starts}
        kept = {start for start in starts if not shares[start]}
        if len(kept) < RARE_TRIGRAMS_MIN:
            kept = set(sorted(starts, key=shares.get)[:RARE_TRIGRAMS_MIN])
        if len(kept) == len(starts):
            return None
        runs = []
        for start in sorted(kept):
            if runs and runs[-1][1] == start + 2:
                runs[-1][1] = start + 3
            else:
                runs.append([start, start + 3])
        return [word[start:end] for start, end in runs]

    @api.model
    @tools.ormcache()
    def _travel_common_trigrams(self):
        """The trigrams of letters and digits in ``COMMON_TRIGRAMS_SHARE`` or
        more of the customers' texts, with that share, on a base of
        ``COMMON_WORDS_ROWS`` or more (none otherwise): from a sample of the
        texts, read once (a twentieth of a second on a million customers)."""
        rows = self.env["travel.large.index"]._travel_partner_rows()
        if rows < COMMON_WORDS_ROWS:
            return frozendict()
        [(shares,)] = self.env.execute_query(
            SQL(
                """WITH travel_sample AS MATERIALIZED (
                       SELECT %s AS text FROM res_partner
                       TABLESAMPLE SYSTEM (%s))
                   SELECT jsonb_object_agg(trigram, share) FROM (
                       SELECT trigram, count(*)::float
                                       / (SELECT count(*) FROM travel_sample) AS share
                       FROM travel_sample, unnest(show_trgm(text)) AS trigram
                       WHERE trigram ~ '^[a-z0-9]{3}$'
                       GROUP BY trigram
                   ) AS travel_shares
                   WHERE share >= %s""",
                self._travel_partner_text(),
                min(100.0, 100.0 * COMMON_TRIGRAMS_SAMPLE / rows),
                COMMON_TRIGRAMS_SHARE,
            )
        )
        return frozendict(shares or {})

    @api.model
    def _travel_partner_text(self, function="travel_customer_search_text"):
        """SQL of ``function`` (the search text, or its whole words:
        ``travel_customer_text_words``) of a ``res_partner`` row."""
        return _partner_text(function)

    @api.model
    def _travel_typo_rows(self, scope, table, typed, eligible, columns, known=None):
        """Subquery of the rows of ``scope`` with every typed word in their
        text (normalized) or, for a word of ``eligible``, with a typo in
        their name's words, by trigram likeness. ``columns`` are the SQL
        expressions of the rows' ``words`` (``travel_customer_search_words``
        of the name), ``text``, name's words as an array
        (``travel_customer_name_words``) and the text's whole words as an
        array (``travel_customer_text_words``; None: the text only).

        An eligible word typed right that is a whole word somewhere is
        looked for as a whole word, through the index of the text's words
        (one posting list, where the trigram index decodes one per trigram
        of the word: 'martino' 6 ms for 3,603 rows on a million partners);
        one that is only a part of words, in the text.

        The words looked for with a typo are those found nowhere, or all of
        them if each is somewhere (the typo made another word): each
        eligible word is looked up as typed and with a typo, the typo
        counting only for such a word (``travel_known``, asked once by the
        same statement: no round trip to decide). Each word is a condition
        an index answers: as typed through the index of the text, with a
        typo through the index of the names' words (every word one typo
        away looked up at once); PostgreSQL crosses them before reading a
        row. ``known``: the columns of ``travel_known`` when the first page
        already computed them (``_travel_known_gate``)."""
        name_words, text, name_array, text_words = columns
        conditions = []
        for word in typed:
            if word not in eligible:
                conditions.append(SQL("%s LIKE %s", text, f"%{word}%"))
                continue
            index = eligible.index(word)
            # as typed only if it is somewhere: a NULL pattern otherwise,
            # which the index answers without reading anything (as it does
            # an empty array: the word is not looked for with a typo)
            as_typed = self._travel_typo_as_typed(index, word, text, text_words)
            # (a subquery: the planner takes a long array for a common one)
            typo = SQL(
                "%s && (SELECT CASE WHEN %s THEN %s::text[] ELSE '{}' END "
                "FROM travel_known)",
                name_array,
                self._travel_typo_expand(index, len(eligible)),
                self._travel_typo_neighbours(word),
            )
            conditions.append(SQL("(%s OR %s)", as_typed, typo))
        return SQL(
            """(WITH travel_known AS MATERIALIZED (%s),
                     travel_typo AS MATERIALIZED (%s)
                SELECT id, 0 AS pick, %s AS tier, 0 AS fit,
                       similarity(words, %s) AS likeness
                FROM travel_typo)""",
            SQL(
                "SELECT %s",
                SQL(", ").join(
                    SQL("%s AS %s", value, SQL.identifier(key))
                    for key, value in known.items()
                ),
            )
            if known
            else self._travel_typo_known(
                scope,
                text,
                name_array if text_words is None else text_words,
                eligible,
                text_words,
            ),
            self._travel_scoped_rows(
                scope,
                SQL(" AND ").join(conditions),
                self._travel_row_columns(table, (name_words, text)),
            ),
            TIER_TYPO,
            " ".join(typed),
        )

    @api.model
    def _travel_row_columns(self, table, columns, order=None):
        """``id, words, text`` of a row of ``table`` (see ``_travel_typo_rows``),
        and the columns of the model's order (``order``, see
        ``_travel_place_order``)."""
        name_words, text = columns
        return SQL(
            "%s AS id, %s AS words, %s AS text%s",
            SQL.identifier(table, "id"),
            name_words,
            text,
            SQL(", %s", order["columns"]) if order else SQL(),
        )

    @staticmethod
    def _travel_typo_as_typed(index, word, text, text_words):
        """The condition of the ``index``-th eligible ``word`` as typed,
        from the columns of ``travel_known``: in ``text`` when it is
        somewhere; as a whole word of ``text_words`` (the text's whole
        words, if given) when it is one somewhere, else in ``text``."""
        found = SQL.identifier(f"found_{index}")
        if text_words is None:
            return SQL(
                "%s LIKE (SELECT CASE WHEN %s THEN %s END FROM travel_known)",
                text,
                found,
                f"%{word}%",
            )
        whole = SQL.identifier(f"whole_{index}")
        return SQL(
            "(%s && (SELECT CASE WHEN %s THEN %s::text[] ELSE '{}' END "
            "FROM travel_known) "
            "OR %s LIKE (SELECT CASE WHEN %s AND NOT %s THEN %s END "
            "FROM travel_known))",
            text_words,
            whole,
            [word],
            text,
            found,
            whole,
            f"%{word}%",
        )

    @api.model
    def _travel_typo_known(
        self, scope, text, words, eligible, text_words=None, common=()
    ):
        """SQL of one row: for the ``i``-th word of ``eligible``, whether it
        is in a row of ``scope``'s ``text`` (column ``found_i``), and, with
        ``text_words``, whether it is a whole word of one (``whole_i``). A
        whole word (of ``words``, looked up first) is somewhere at once; a
        word of ``common`` is one without asking."""
        wholes, columns = [], []
        for index, word in enumerate(eligible):
            whole, part = SQL("true"), SQL("false")
            if word not in common:
                whole = SQL(
                    "EXISTS (%s)",
                    self._travel_scoped_rows(
                        scope, SQL("%s @> ARRAY[%s]", words, word), SQL("1"), 1
                    ),
                )
                part = SQL(
                    "EXISTS (%s)",
                    self._travel_scoped_rows(
                        scope, SQL("%s LIKE %s", text, f"%{word}%"), SQL("1"), 1
                    ),
                )
            found = SQL.identifier(f"found_{index}")
            if text_words is None:
                columns.append(SQL("%s OR %s AS %s", whole, part, found))
                continue
            whole_name = SQL.identifier(f"whole_{index}")
            wholes.append(SQL("%s AS %s", whole, whole_name))
            columns.append(
                SQL("%s, %s OR %s AS %s", whole_name, whole_name, part, found)
            )
        if text_words is None:
            return SQL("SELECT %s", SQL(", ").join(columns))
        return SQL(
            # (OFFSET 0: each lookup made once, not again for found_i)
            "SELECT %s FROM (SELECT %s OFFSET 0) AS travel_whole",
            SQL(", ").join(columns),
            SQL(", ").join(wholes),
        )

    @staticmethod
    def _travel_typo_expand(index, count):
        """Whether to look for the ``index``-th of ``count`` eligible words
        with a typo, from the columns of ``travel_known``
        (``_travel_typo_known``)."""
        found = [SQL.identifier(f"found_{i}") for i in range(count)]
        return SQL("NOT %s OR (%s)", found[index], SQL(" AND ").join(found))

    @staticmethod
    def _travel_typo_eligible(word):
        """Whether ``word`` (a normalized word) is looked for with a typo: a
        word of letters of ``TYPO_MIN_LENGTH`` or more (one fewer, typed
        with a letter missing)."""
        return len(word) >= TYPO_MIN_LENGTH - 1 and word.isalpha()

    @classmethod
    def _travel_typo_neighbours(cls, word):
        """The words one typo away from ``word`` (a normalized word): a
        letter missing, and from ``TYPO_MIN_LENGTH`` letters a letter wrong
        or too many, or two letters swapped; with a letter of the alphabet
        or of the word for one wrong or missing."""
        if not cls._travel_typo_eligible(word):
            return []
        size = len(word)
        letters = sorted(set(string.ascii_lowercase) | set(word))
        # one letter missing
        found = {word[:i] + c + word[i:] for i in range(size + 1) for c in letters}
        if size >= TYPO_MIN_LENGTH:
            found |= (
                # one letter wrong
                {word[:i] + c + word[i + 1 :] for i in range(size) for c in letters}
                # one letter too many
                | {word[:i] + word[i + 1 :] for i in range(size)}
                # two letters swapped
                | {
                    word[:i] + word[i + 1] + word[i] + word[i + 2 :]
                    for i in range(size - 1)
                }
            )
        found.discard(word)
        return sorted(found)

    # ------------------------------------------------------------ RELEVANCE
    @api.model
    def _travel_tier_sql(self, typed):
        """The relevance tier of a row (0 best) from the words of its name
        (column ``words``, as ``travel_customer_search_words``)."""
        phrase = " ".join(typed)
        return SQL(
            """CASE WHEN words = %(whole)s THEN 0
                    WHEN strpos(words, %(whole)s) > 0 THEN 1
                    WHEN strpos(words, %(phrase)s) > 0 THEN 2
                    WHEN words LIKE %(in_order)s THEN 3
                    WHEN %(all_words)s THEN 4
                    ELSE 5 END""",
            whole=f" {phrase} ",
            phrase=phrase,
            in_order="%" + "%".join(typed) + "%",
            all_words=SQL(" AND ").join(
                SQL("strpos(words, %s) > 0", word) for word in typed
            ),
        )

    @api.model
    def _travel_matches_sql(
        self, scope, name, exact, text, typed_text, page=None, text_words=None
    ):
        """Subquery of ``(id, pick, tier, fit, likeness)``: the rows of
        ``scope`` (see ``_travel_scoped_rows``) that match ``exact``, with
        their tier and fit; or, only when none does, those whose words are
        in ``text`` or, with a typo, in their name (column ``name``), with
        the likeness of the name to ``typed_text``.

        For a ``page`` (``_travel_page``), the rows are first picked
        (``pick`` 0): at most ``RANKED_CANDIDATES``, those with the words
        typed as a phrase of their name first, then others; a page beyond
        them also gets the other rows (``pick`` 1), after the picked ones,
        so that pages neither repeat nor skip a row. ``text_words``, the SQL
        of the whole words of ``text`` as an array, when an index has them
        (see ``_travel_typo_rows``)."""
        table = scope.table
        words = SQL("travel_customer_search_words(%s)", SQL.identifier(table, name))
        name_array = SQL("travel_customer_name_words(%s)", SQL.identifier(table, name))
        known = page and page.get("known")
        if known and not all(v for k, v in known.items() if k.startswith("found_")):
            # a word found nowhere (the first page knew it): nothing matches
            # as typed, no need to ask
            page = dict(page, matched=False)
        if page and page.get("matched") is not None:
            # the caller runs the page, and asks again for typos when it is
            # empty: no query to know whether anything matches (and the
            # words typed, once normalized, are kept for that second time)
            if page.get("typed") is None:
                page["typed"] = self._travel_typed_words(typed_text)[0]
            typed, matched = page["typed"], page["matched"]
        else:
            # a query more, but then each of the two plans is the simple one
            # (a single statement for both misled the planner)
            typed, matched = self._travel_typed_words(typed_text, scope, exact)
        # a word typed twice asks nothing more
        typed = list(dict.fromkeys(typed))
        candidates = [word for word in typed if self._travel_typo_eligible(word)]
        eligible = [] if matched else candidates
        if eligible:
            # never capped: the closest names are known once all are found
            return self._travel_typo_rows(
                scope,
                table,
                typed,
                eligible,
                (words, text, name_array, text_words),
                known,
            )
        if page and not page["beyond"] and candidates:
            exact = self._travel_known_gate(
                scope, exact, page, (text, name_array, text_words), candidates
            )
        return self._travel_exact_rows(
            scope, table, (words, text, name_array), exact, typed, typed_text, page
        )

    @api.model
    def _travel_known_gate(self, scope, exact, page, columns, candidates):
        """``exact`` on a first page, run only once each word of
        ``candidates`` (those a typo is looked for in) is known to be
        somewhere (``_travel_typo_known``; ``columns``: the SQL of a row's
        text, name's words and text's words as arrays). A word typed with a
        typo is mostly found nowhere: the page is then empty without the
        trigram lookup of the other words, and the typos' statement gets
        what is known without asking again. The caller runs the page with
        ``page["gate"]``, the SQL of the CTE ``travel_known``."""
        text, name_array, text_words = columns
        common = self._travel_common_words() if text_words is not None else ()
        if all(word in common for word in candidates):
            return exact
        page["gate"] = self._travel_typo_known(
            scope,
            text,
            name_array if text_words is None else text_words,
            candidates,
            text_words,
            common,
        )
        return SQL(
            # (a condition without a column: PostgreSQL runs it once, before
            # the scans it gates)
            "%s AND (SELECT %s FROM travel_known)",
            exact,
            SQL(" AND ").join(
                SQL.identifier(f"found_{i}") for i in range(len(candidates))
            ),
        )

    @api.model
    @tools.ormcache()
    def _travel_common_words(self):
        """The most common whole words of the customers' texts, on a base of
        ``COMMON_WORDS_ROWS`` or more (empty otherwise): PostgreSQL's
        statistics of the index of the text's words, read once."""
        if self.env["travel.large.index"]._travel_partner_rows() < COMMON_WORDS_ROWS:
            return frozenset()
        [(words,)] = self.env.execute_query(
            SQL(
                """SELECT (SELECT most_common_elems::text::text[] FROM pg_stats
                           WHERE schemaname = current_schema()
                             AND tablename = 'res_partner_travel_text_words_index')"""
            )
        )
        return frozenset(words or ())

    @api.model
    def _travel_exact_rows(self, scope, table, columns, exact, typed, typed_text, page):
        """The subquery of ``_travel_matches_sql`` when rows match ``exact``:
        ``columns`` are the SQL of a row's name words (as text and array) and
        text, ``typed`` the words typed (normalized) of ``typed_text``."""
        words, text, name_array = columns
        order = page and not page["beyond"] and page.get("order")
        # whole words of the other fields decide between customers that
        # have the typed words across their fields: only then needed
        columns = self._travel_row_columns(
            table,
            (words, SQL("' ' || %s || ' '", text) if len(typed) > 1 else SQL("''")),
            order,
        )
        rank = SQL(
            "%s AS tier, %s AS fit, 0::real AS likeness",
            self._travel_tier_sql(typed) if typed else SQL("5"),
            self._travel_fit_sql(typed) if typed else SQL("0"),
        )
        if not page:
            # MATERIALIZED: the trigram index finds the matches first, rather
            # than an order by name scanning the table for them
            return SQL(
                """(WITH travel_exact AS MATERIALIZED (%s)
                    SELECT id, 0 AS pick, %s FROM travel_exact)""",
                self._travel_scoped_rows(scope, exact, columns),
                rank,
            )
        picked = self._travel_picked_sql(
            scope, (words, name_array), exact, typed, typed_text, columns, page["end"]
        )
        if not page["beyond"]:
            # only the rows that may be on the page: those ranked up to the
            # page's last one, ties included (the last booking, which
            # decides between them, is then read for these rows only)
            ties = SQL(
                """(SELECT count(*) FROM travel_ranked) <= %s
                   OR (tier, -fit) <= (SELECT tier, -fit FROM travel_ranked
                                       ORDER BY tier, fit DESC
                                       OFFSET %s LIMIT 1)""",
                page["end"],
                page["end"] - 1,
            )
            if not order:
                return SQL(
                    """(WITH %s,
                             travel_ranked AS MATERIALIZED (
                                 SELECT id, 0 AS pick, %s FROM travel_exact)
                        SELECT * FROM travel_ranked WHERE %s)""",
                    picked,
                    rank,
                    ties,
                )
            # ranked here, with the columns of the model's order the rows
            # brought: only the page's rows are joined to their table
            page["placed"] = True
            return SQL(
                """(WITH %s,
                         travel_ranked AS MATERIALIZED (
                             SELECT id, 0 AS pick, %s, %s FROM travel_exact)
                    SELECT id, pick, tier, fit, likeness,
                           row_number() OVER (ORDER BY tier, fit DESC, %s) AS place
                    FROM travel_ranked AS %s
                    WHERE %s
                    ORDER BY place
                    LIMIT %s)""",
                picked,
                rank,
                order["names"],
                order["order"],
                SQL.identifier(order["alias"]),
                ties,
                page["end"],
            )
        rest = self._travel_scoped_rows(
            scope,
            SQL(
                "%s AND %s NOT IN (SELECT id FROM travel_exact)",
                exact,
                SQL.identifier(table, "id"),
            ),
            columns,
        )
        return SQL(
            """(WITH %s,
                     travel_rest AS MATERIALIZED (%s)
                SELECT id, 0 AS pick, %s FROM travel_exact
                UNION ALL
                SELECT id, 1 AS pick, %s FROM travel_rest)""",
            picked,
            rest,
            rank,
            rank,
        )

    @api.model
    def _travel_picked_sql(self, scope, words, exact, typed, typed_text, columns, end):
        """The CTE ``travel_exact`` of the picked rows (``columns``): at
        most ``RANKED_CANDIDATES``, first those with the ``typed`` words as a
        phrase of their name (``words``: the SQL of its words as text and as
        an array, found through the index of the names' words: a name
        thousands of customers have fills the pick alone), then, if there
        are fewer, other rows matching ``exact``.

        The other rows rank below those (the phrase is the best tiers): a
        page ending at ``end`` that the first ones fill does not look for
        them."""
        cap = RANKED_CANDIDATES
        if not typed:
            return SQL(
                "travel_exact AS MATERIALIZED (%s)",
                self._travel_scoped_rows(scope, exact, columns, cap),
            )
        words, name_array = words
        phrase = SQL("%s LIKE %s", words, f"% {' '.join(typed)} %")
        # the whole words through their index (a subquery: see the typos)
        named = SQL("%s @> (SELECT %s::text[]) AND %s", name_array, typed, phrase)
        if not self._travel_phrase_is_enough(typed_text):
            named = SQL("%s AND %s", named, exact)
        return SQL(
            # (the LIMIT of the whole: the planner cannot tell the size of
            # the second part, and took thousands of rows to join)
            """travel_named AS MATERIALIZED (%s),
               travel_exact AS MATERIALIZED (
                   SELECT * FROM travel_named
                   UNION ALL
                   (%s)
                   LIMIT %s)""",
            self._travel_scoped_rows(scope, named, columns, cap),
            self._travel_scoped_rows(
                scope,
                SQL("%s AND NOT (%s)", exact, phrase),
                columns,
                SQL(
                    "(SELECT CASE WHEN count(*) >= %s THEN 0 ELSE %s - count(*) END "
                    "FROM travel_named)",
                    end,
                    cap,
                ),
            ),
            cap,
        )

    @api.model
    def _travel_phrase_is_enough(self, text):
        """Whether a name with the words of ``text`` as a phrase matches
        every word typed (``_travel_search_condition``): words of letters and
        digits, one of ``TRIGRAM_MIN_LENGTH`` or more, not a phone number."""
        text = self.env["travel.search.limit"]._travel_bounded_text(text)
        tokens = text.split()
        return (
            bool(tokens)
            and not PHONE_LIKE.match(text)
            and all(token.isalnum() for token in tokens)
            and any(len(token) >= TRIGRAM_MIN_LENGTH for token in tokens)
        )

    @api.model
    def _travel_fit_sql(self, typed):
        """How well the typed words fit a row (higher is better, for rows of
        the same tier): each word of its name (8) or in it (4), each word
        of its other fields or the part of its e-mail before the @ (2); from
        its columns ``words`` and ``text``. Between rows that fit as well,
        the one whose name has the first word typed wins (1): a desk agent
        types the name first, "martin lyon" is a Martin living in Lyon
        rather than a Lyon living rue Martin."""
        fit = SQL(" + ").join(
            SQL(
                "CASE WHEN strpos(words, %(word)s) > 0 THEN 8 "
                "WHEN strpos(words, %(part)s) > 0 THEN 4 ELSE 0 END "
                "+ CASE WHEN strpos(text, %(word)s) > 0 "
                "OR strpos(text, %(local)s) > 0 THEN 2 ELSE 0 END",
                word=f" {word} ",
                part=word,
                local=f" {word}@",
            )
            for word in typed
        )
        if len(typed) < 2:
            return fit
        return SQL(
            "%s + CASE WHEN strpos(words, %s) > 0 THEN 1 ELSE 0 END",
            fit,
            f" {typed[0]} ",
        )

    @api.model
    def _travel_partner_matches(self, text, scope=None, page=None):
        """``(id, tier, fit, likeness)`` of the customers matching ``text``
        (see ``_travel_matches_sql``; ``scope`` defaults to the customers
        the user may read, archived ones included), or None when nothing
        was typed."""
        exact = self._travel_search_condition(text)
        if exact is None:
            return None
        Partner = self.env["res.partner"]
        Partner.flush_model(SEARCH_COLUMNS)
        return self._travel_matches_sql(
            scope or self._travel_readable(Partner),
            "complete_name",
            exact,
            self._travel_partner_text(),
            text,
            page,
            self._travel_partner_text("travel_customer_text_words"),
        )

    @api.model
    def _travel_readable(self, model):
        """The scope of the rows of ``model`` the user may read, archived
        ones included (the domain searched decides on them)."""
        return SearchScope(model.with_context(active_test=False)._search([]))

    @api.model
    def _travel_page(self, offset, limit):
        """What ``_travel_matches_sql`` needs of a page of results: whether
        it goes beyond the ``RANKED_CANDIDATES`` picked rows (then whether
        anything matches is asked first) or not (then the page is run, and
        typos looked for only if it is empty: ``matched``). The words typed,
        normalized, are kept in it (``typed``) for the second time."""
        end = (offset or 0) + (limit or 0)
        beyond = not limit or end > RANKED_CANDIDATES
        return {
            "beyond": beyond,
            "matched": None if beyond else True,
            "end": RANKED_CANDIDATES if beyond else end,
        }

    @api.model
    def _travel_ranked_search(self, model, args, search, matches, booked):
        """The Query of ``model._search(*args)`` ranked by relevance, or None
        when it is not a search by typed text in the default order.

        ``search`` is the model's ``_search`` without the ranking,
        ``matches(text, scope, page)`` gives ``_travel_matches_sql`` for it
        and ``booked(query)`` the date of a row's last booking. A page
        within the picked rows is run at once: its rows, or when the first
        page is empty, the rows found with a typo."""
        domain, offset, limit, order = args
        ranked = self._travel_ranked_text(domain, order, model._order)
        if not ranked:
            return None
        text, rest = ranked
        limits = self.env["travel.search.limit"]
        page = self._travel_page(offset, limit)
        if page["beyond"]:
            # asked first whether anything matches, then run by the ORM
            limits._travel_timeout_needed()
        searched = search(rest)
        scope = SearchScope(searched)
        if not page["beyond"]:
            page["order"] = self._travel_place_order(model, searched, booked)
        found = matches(text, scope, page)
        if found is None:
            return None

        def ranked_query(found, placed):
            query = search(rest, offset, limit, order)
            if placed:
                # (the rows come with their place on the page)
                return self._travel_order_by_relevance(model, query, found, None)
            return self._travel_order_by_relevance(model, query, found, booked(query))

        fetch = limits._travel_page_fetch(model)

        def run(query, gate=None):
            """``query``'s page run at once (under the search's timeout, in
            one round trip), and what ``gate`` (the CTE ``travel_known``)
            learnt of the words typed. The values of ``fetch`` come with the
            rows, into the cache: the page's Query says so to
            ``_fetch_query``."""
            select = query.select(
                SQL(
                    "jsonb_build_array(%s)",
                    SQL(", ").join(
                        [
                            SQL.identifier(query.table, "id"),
                            *(
                                model._field_to_sql(query.table, field.name, query)
                                for field in fetch
                            ),
                        ]
                    ),
                )
            )
            rows, known = limits._travel_timed_query(
                SQL(
                    "WITH travel_known AS MATERIALIZED (%s) "
                    "SELECT jsonb_build_array(ARRAY(%s), to_jsonb(travel_known)) "
                    "FROM travel_known",
                    gate,
                    select,
                )
                if gate
                else SQL("SELECT jsonb_build_array(ARRAY(%s), NULL)", select)
            )
            records = model.browse([row[0] for row in rows])
            for index, field in enumerate(fetch, 1):
                model.env.cache.insert_missing(
                    records, field, [row[index] for row in rows]
                )
            found = records._as_query()
            found._travel_fetched = (frozenset(fetch), records)
            return found, known

        query = ranked_query(found, page.pop("placed", False))
        if page["beyond"] or query.is_empty():
            return query
        result, known = run(query, page.pop("gate", None))
        if not result.is_empty():
            return result
        again = dict(
            page,
            beyond=True,
            matched=None if offset else False,
            end=RANKED_CANDIDATES,
            known=known,
        )
        if offset:
            # a later page empty: asked first whether anything matches (the
            # next pages of the rows found with a typo, or an empty page past
            # the end), run by the ORM
            limits._travel_timeout_needed()
            return ranked_query(matches(text, scope, again), False)
        # the first page empty: nothing matches as typed, the typos' page is
        # run at once as well
        query = ranked_query(matches(text, scope, again), False)
        return query if query.is_empty() else run(query)[0]

    # ------------------------------------------------------------ ORDER
    @api.model
    def _travel_ranked_text(self, domain, order, default_order):
        """``(text, other terms)`` when a search in the default order is a
        conjunction with one ``display_name ilike text`` term: the text to
        rank by, and the rest of the domain. None otherwise (an order chosen
        by the user, a count, a disjunction of texts)."""
        if not order or order != default_order or not domain:
            return None
        terms = self._travel_conjuncts(expression.normalize_domain(list(domain)))
        texts = [
            term
            for term in terms
            if len(term) == 1
            and isinstance(term[0], list | tuple)
            and len(term[0]) == 3
            and tuple(term[0][:2]) == ("display_name", "ilike")
            and isinstance(term[0][2], str)
        ]
        if len(texts) != 1:
            return None
        rest = [term for term in terms if term is not texts[0]]
        return texts[0][0][2], expression.AND(rest) if rest else []

    @classmethod
    def _travel_conjuncts(cls, domain):
        """The terms of a normalized domain that are ANDed at its top."""
        if domain[0] != expression.AND_OPERATOR:
            return [domain]
        pending, end = 1, 1
        while pending:
            token = domain[end]
            if token in (expression.AND_OPERATOR, expression.OR_OPERATOR):
                pending += 1
            elif token != expression.NOT_OPERATOR:
                pending -= 1
            end += 1
        return cls._travel_conjuncts(domain[1:end]) + cls._travel_conjuncts(
            domain[end:]
        )

    @api.model
    def _travel_order_by_relevance(self, model, query, matches, booked):
        """Restrict ``query`` (of ``model``) to ``matches``
        (``_travel_matches_sql``) and order it: picked rows first, tier,
        fit, likeness, most recent booking (``booked``, an SQL expression on
        the query's table), then the model's order; or, without ``booked``,
        by the place the rows come with (``_travel_place_order``)."""
        if query.is_empty():
            return query
        query.add_join(
            "JOIN",
            "travel_rank",
            matches,
            SQL("travel_rank.id = %s", SQL.identifier(query.table, "id")),
        )
        if booked is None:
            query.order = SQL("travel_rank.place")
            return query
        query.order = SQL(
            "travel_rank.pick, travel_rank.tier, travel_rank.fit DESC, "
            "travel_rank.likeness DESC, "
            "%s DESC NULLS LAST, %s",
            booked,
            model._order_to_sql(model._order, query),
        )
        return query

    @api.model
    def _travel_place_order(self, model, query, booked):
        """How the rows of a first page are ranked where they are picked,
        after their tier and fit: the last booking (``booked``), then
        ``model``'s order, on the columns of that order the rows bring along
        (``columns``, ``names``), under the alias of ``query``'s table. None
        when that order needs more than the table's own columns (another
        table's order): the rows are then ranked once joined to it."""
        # (each term of the order as Odoo's _order_to_sql reads it)
        terms = [regex_order.match(part) for part in (model._order or "id").split(",")]
        if any(term["property"] or term["func"] for term in terms):
            return None
        names = [term["field"].strip('"') for term in terms]
        fields = [model._fields.get(name) for name in names if name != "id"]
        if not all(
            field
            and field.store
            and field.column_type
            and field.type != "many2one"
            and not field.translate
            and not field.company_dependent
            and field.name not in RANK_COLUMNS
            for field in fields
        ):
            return None
        return {
            "columns": SQL(", ").join(
                SQL(
                    "%s AS %s",
                    SQL.identifier(query.table, f.name),
                    SQL.identifier(f.name),
                )
                for f in fields
            ),
            "names": SQL(", ").join(SQL.identifier(f.name) for f in fields),
            "order": SQL(
                "%s DESC NULLS LAST, %s",
                booked(query),
                model._order_to_sql(model._order, query),
            ),
            "alias": query.table,
        }

    @api.model
    def _travel_partner_booked(self, query):
        """When the customer of ``query``'s rows last booked (confirmed)."""
        return self._travel_last_booking(
            lambda orders: SQL(
                "%s = %s",
                SQL.identifier(orders.table, "partner_id"),
                SQL.identifier(query.table, "id"),
            )
        )

    @api.model
    def _travel_last_booking(self, condition):
        """The date of the last confirmed booking the user may read among
        those of ``condition`` (a function of the Query of bookings giving
        the SQL that ties them to the row ranked): bookings hidden from the
        user (another company's, another salesman's) do not move a customer
        up the list; NULL for a user who may read none."""
        SaleOrder = self.env["sale.order"]
        if not SaleOrder.has_access("read"):
            return SQL("NULL::timestamp")
        SaleOrder.flush_model(["partner_id", "state", "date_order"])
        orders = SaleOrder._search([("state", "=", "sale")])
        orders.add_where(condition(orders))
        return SQL(
            "(%s)",
            orders.select(SQL("max(%s)", SQL.identifier(orders.table, "date_order"))),
        )
