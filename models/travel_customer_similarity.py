# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""How much two customers look alike: Fellegi-Sunter record linkage.

Each pair of candidates is compared field by field; each field gives a
level (``3`` the same, ``2`` one typo apart, ``1`` alike, ``0`` different,
``NULL`` missing on one side). The probabilities ``m`` (of a level among true
duplicates) and ``u`` (among distinct customers) are learnt by
expectation-maximisation on the levels of the base's own candidate pairs,
counted per pattern in SQL; a pair's match weight is the sum of its fields'
``log2(m / u)``, its match probability follows with the share of duplicates.
"""

import json
import math
import string

from markupsafe import Markup

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

MODEL_PARAM = "travel_customer.duplicate_model"
THRESHOLD_PARAM = "travel_customer.scan_threshold"
# match probability (%) from which the scan proposes a pair (at 80 the
# FEBRL sets lost 1-2 % of their duplicates, 0.98 recall, for no precision:
# 1.0, 1.0 and 0.9992 at 65 as at 80)
THRESHOLD_DEFAULT = 65
EXTENSIONS = ("pg_trgm", "unaccent", "fuzzystrmatch")

# The compared fields, in the order of travel_customer_compare's levels, and
# the prior m and u of their levels (0, 1, 2, 3): the model of a base with
# too few pairs to learn from, and the pseudo-counts of the estimation.
FIELDS = ("first", "last", "birth", "street", "zip", "city", "email", "phone")
PRIOR_M = {
    "first": (0.02, 0.05, 0.13, 0.80),
    "last": (0.02, 0.05, 0.13, 0.80),
    "birth": (0.01, 0.04, 0.10, 0.85),
    "street": (0.05, 0.05, 0.10, 0.80),
    "zip": (0.05, 0.03, 0.07, 0.85),
    "city": (0.05, 0.03, 0.07, 0.85),
    "email": (0.30, 0.70),
    "phone": (0.40, 0.60),
}
PRIOR_U = {
    "first": (0.80, 0.05, 0.05, 0.10),
    "last": (0.70, 0.08, 0.07, 0.15),
    "birth": (0.94, 0.03, 0.02, 0.01),
    "street": (0.88, 0.05, 0.04, 0.03),
    "zip": (0.70, 0.05, 0.05, 0.20),
    "city": (0.70, 0.05, 0.05, 0.20),
    "email": (0.998, 0.002),
    "phone": (0.99, 0.01),
}
PRIOR_SHARE = 0.05
# weight of the priors, in pairs: a large base's own pairs outweigh them
PRIOR_PAIRS = 200
EM_ITERATIONS = 60
# candidates fetched per blocking key of the similar customers
SIMILAR_BLOCK = 100
# fields that identify a person: one of them alike lists a similar customer
IDENTITY_FIELDS = ("first", "last", "birth", "street", "email", "phone")

SIMILARITY_FUNCTIONS = r"""
-- Keys that find duplicates: e-mail without case, spaces or "+tag"; a
-- phone's digits without the international ("00", "+") or national ("0")
-- prefix, and their last eight as the lookup key: "030 1234567" and
-- "+49 30 1234567" are the same number, "040 1234567" is another one (the
-- shorter is compared with the end of the longer); a name without accents,
-- case or punctuation. (Those indexed call others by their schema:
-- pg_restore builds the indexes with an empty search_path.)
CREATE OR REPLACE FUNCTION travel_customer_email_key(text)
RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$$ SELECT NULLIF(regexp_replace(lower(replace($1, ' ', '')), '\+[^@]*@', '@'), '') $$;

CREATE OR REPLACE FUNCTION travel_customer_phone_digits(text)
RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$$ SELECT CASE WHEN length(d) >= 6 THEN d END
   FROM regexp_replace(regexp_replace($1, '[^0-9]', '', 'g'), '^0{1,2}', '') AS d $$;

CREATE OR REPLACE FUNCTION travel_customer_phone_tail(text)
RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$$ SELECT right(public.travel_customer_phone_digits($1), 8) $$;

CREATE OR REPLACE FUNCTION travel_customer_name_key(text)
RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$$ SELECT trim(regexp_replace(
       lower(public.unaccent('public.unaccent'::regdictionary, $1)),
       '[^a-z0-9]+', ' ', 'g')) $$;

-- A name's first word is the first name, the rest the last name (compound
-- last names stay whole); a single word is a last name.
CREATE OR REPLACE FUNCTION travel_customer_first_name(text)
RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$$ SELECT CASE WHEN position(' ' IN $1) > 0 THEN split_part($1, ' ', 1) END $$;

CREATE OR REPLACE FUNCTION travel_customer_last_name(text)
RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$$ SELECT NULLIF(substr($1, position(' ' IN $1) + 1), '') $$;

-- Comparison levels of two keys: 3 the same, 2 one typo apart, 1 alike
-- (two typos, shared trigrams or one word of the other: compound names),
-- 0 different, NULL when one is missing. The small functions below are
-- single expressions that PostgreSQL inlines: a pair costs no call.
CREATE OR REPLACE FUNCTION travel_customer_text_level(a text, b text)
RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE
    WHEN a IS NULL OR b IS NULL OR a = '' OR b = '' THEN NULL
    WHEN a = b THEN 3
    -- (levenshtein takes at most 255 characters)
    WHEN least(length(a), length(b)) >= 3
         AND levenshtein_less_equal(left(a, 255), left(b, 255), 1) <= 1 THEN 2
    WHEN least(length(a), length(b)) >= 5
         AND levenshtein_less_equal(left(a, 255), left(b, 255), 2) <= 2 THEN 1
    WHEN similarity(a, b) >= 0.5 THEN 1
    WHEN strpos(' ' || a || ' ', ' ' || b || ' ') > 0
      OR strpos(' ' || b || ' ', ' ' || a || ' ') > 0 THEN 1
    ELSE 0 END $$;

-- The level of two first or last names: as travel_customer_text_level, the
-- trigram likeness looked at only when their first or last letters agree
-- (two names a third of whose trigrams are shared, the padded first and
-- last among them: of 474,336 names compared in a scan, the 740 found alike
-- by their trigrams all agreed so). The likeness was most of a level's
-- cost, and names wholly unlike are most of a scan's.
CREATE OR REPLACE FUNCTION travel_customer_name_level(a text, b text)
RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE
    WHEN a IS NULL OR b IS NULL OR a = '' OR b = '' THEN NULL
    WHEN a = b THEN 3
    WHEN least(length(a), length(b)) >= 3
         AND levenshtein_less_equal(left(a, 255), left(b, 255), 1) <= 1 THEN 2
    WHEN least(length(a), length(b)) >= 5
         AND levenshtein_less_equal(left(a, 255), left(b, 255), 2) <= 2 THEN 1
    WHEN (left(a, 1) = left(b, 1) OR right(a, 1) = right(b, 1))
         AND similarity(a, b) >= 0.5 THEN 1
    WHEN strpos(' ' || a || ' ', ' ' || b || ' ') > 0
      OR strpos(' ' || b || ' ', ' ' || a || ' ') > 0 THEN 1
    ELSE 0 END $$;

-- The same or not: 3 or 0, NULL when one is missing.
CREATE OR REPLACE FUNCTION travel_customer_same_level(a text, b text)
RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE
    WHEN a IS NULL OR b IS NULL OR a = '' OR b = '' THEN NULL
    WHEN a = b THEN 3
    ELSE 0 END $$;

-- the former helper of the birth date's level
DROP FUNCTION IF EXISTS travel_customer_date_digits(date);

-- Birth dates: 3 the same, 2 one digit apart or day and month swapped, 1 the
-- same year, 0 different.
CREATE OR REPLACE FUNCTION travel_customer_date_level(a date, b date)
RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE
    WHEN a IS NULL OR b IS NULL THEN NULL
    WHEN a = b THEN 3
    WHEN levenshtein(
            (date_part('year', a) * 10000 + date_part('month', a) * 100
             + date_part('day', a))::int::text,
            (date_part('year', b) * 10000 + date_part('month', b) * 100
             + date_part('day', b))::int::text) = 1
      OR (date_part('year', a) = date_part('year', b)
          AND date_part('month', a) = date_part('day', b)
          AND date_part('day', a) = date_part('month', b)) THEN 2
    WHEN date_part('year', a) = date_part('year', b) THEN 1
    ELSE 0 END $$;

-- Two phone numbers (as travel_customer_phone_digits) are one: the shorter
-- is the end of the longer.
CREATE OR REPLACE FUNCTION travel_customer_same_phone(a text, b text)
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT a IS NOT NULL AND b IS NOT NULL
          AND right(a, least(length(a), length(b)))
              = right(b, least(length(a), length(b))) $$;

-- Phones: 1 one number shared, 0 none, NULL when one has no phone.
CREATE OR REPLACE FUNCTION travel_customer_phone_level(
    a_phone text, a_mobile text, b_phone text, b_mobile text
) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT CASE
    WHEN coalesce(a_phone, a_mobile) IS NULL
      OR coalesce(b_phone, b_mobile) IS NULL THEN NULL
    WHEN travel_customer_same_phone(a_phone, b_phone)
      OR travel_customer_same_phone(a_phone, b_mobile)
      OR travel_customer_same_phone(a_mobile, b_phone)
      OR travel_customer_same_phone(a_mobile, b_mobile) THEN 1
    ELSE 0 END $$;

-- The levels of two people, field by field (see FIELDS): first name, last
-- name (compared swapped as well: "Weiss Johana" is Johanna Weiss with a
-- typo), birth date, street, zip, city, e-mail, phones. The names first:
-- two people whose names are wholly unlike, with neither e-mail, phone nor
-- birth date the same, have no match probability whatever their address
-- (travel.customer.similarity._other_person); their street, zip and city
-- are only told the same or not (3 or 0), which the model's u still
-- counts. Most pairs of a scan are such neighbours, and the likeness of
-- two streets or cities was most of a pair's cost.
CREATE OR REPLACE FUNCTION travel_customer_compare(
    a_first text, a_last text, a_birth date, a_street text, a_zip text,
    a_city text, a_email text, a_phone text, a_mobile text,
    b_first text, b_last text, b_birth date, b_street text, b_zip text,
    b_city text, b_email text, b_phone text, b_mobile text
) RETURNS int[] LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS
$$
DECLARE
    f int := travel_customer_name_level(a_first, b_first);
    l int := travel_customer_name_level(a_last, b_last);
    sf int;
    sl int;
    birth int := travel_customer_date_level(a_birth, b_birth);
    email int := CASE WHEN a_email IS NOT NULL AND b_email IS NOT NULL
                      THEN (a_email = b_email)::int END;
    phone int := travel_customer_phone_level(a_phone, a_mobile, b_phone, b_mobile);
BEGIN
    IF coalesce(least(f, l), 0) < 3 THEN
        sf := travel_customer_name_level(a_first, b_last);
        -- (the other half only when the swap may still be better)
        IF sf IS NULL OR sf > coalesce(least(f, l), -1) THEN
            sl := travel_customer_name_level(a_last, b_first);
            IF coalesce(least(sf, sl), -1) > coalesce(least(f, l), -1) THEN
                f := sf;
                l := sl;
            END IF;
        END IF;
    END IF;
    IF f = 0 AND l = 0 AND email IS DISTINCT FROM 1
       AND phone IS DISTINCT FROM 1 AND birth IS DISTINCT FROM 3 THEN
        RETURN ARRAY[
            f, l, birth,
            travel_customer_same_level(a_street, b_street),
            travel_customer_same_level(a_zip, b_zip),
            travel_customer_same_level(a_city, b_city),
            email, phone
        ];
    END IF;
    RETURN ARRAY[
        f, l, birth,
        travel_customer_text_level(a_street, b_street),
        travel_customer_text_level(a_zip, b_zip),
        travel_customer_text_level(a_city, b_city),
        email, phone
    ];
END
$$;

-- The keys of a customer that travel_customer_compare takes.
CREATE OR REPLACE FUNCTION travel_customer_compare_keys(p res_partner)
RETURNS TABLE (
    first text, last text, birth date, street text, zip text, city text,
    email text, phone text, mobile text
) LANGUAGE sql STABLE PARALLEL SAFE AS
$$ SELECT travel_customer_first_name(n), travel_customer_last_name(n),
          p.travel_birth_date, travel_customer_name_key(p.street),
          travel_customer_name_key(p.zip), travel_customer_name_key(p.city),
          travel_customer_email_key(p.email),
          travel_customer_phone_digits(p.phone),
          travel_customer_phone_digits(p.mobile)
   FROM travel_customer_name_key(p.name) AS n $$;

-- the fixed-point scores they replace
DROP FUNCTION IF EXISTS travel_customer_pair_score(res_partner, res_partner);
DROP FUNCTION IF EXISTS travel_customer_key_score(
    text, text, text, text, text, text, text,
    text, text, text, text, text, text, text);
"""

SIMILAR_FUNCTION = """
-- The words one typo away from a word of a name (a letter wrong, missing or
-- added, two letters swapped), with the word itself: the index of the
-- names' words finds them at once. A word of fewer than three letters, or
-- not only of letters, stands for itself.
CREATE OR REPLACE FUNCTION travel_customer_typo_words(word text)
RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$$ SELECT CASE WHEN length(word) < 3 OR word !~ '^[a-z]+$' THEN ARRAY[word]
   ELSE ARRAY(
    SELECT word
    UNION ALL
    SELECT overlay(word PLACING c FROM i FOR 1)
    FROM generate_series(1, length(word)) AS i, unnest(%(letters)s::text[]) AS c
    UNION ALL
    SELECT overlay(word PLACING c FROM i FOR 0)
    FROM generate_series(1, length(word) + 1) AS i, unnest(%(letters)s::text[]) AS c
    UNION ALL
    SELECT overlay(word PLACING '' FROM i FOR 1)
    FROM generate_series(1, length(word)) AS i
    UNION ALL
    SELECT overlay(word PLACING substr(word, i + 1, 1) || substr(word, i, 1)
                   FROM i FOR 2)
    FROM generate_series(1, length(word) - 1) AS i
   ) END $$;

-- The customers that look like one customer, found through the key indexes
-- (e-mail, phones, birth date: at most ``per_key`` rows by each) and the
-- index of the names' words: two words of the name (the first three of
-- three letters or more), each as it is or one typo away; the ``per_key``
-- names nearest by trigrams among (at most ten times as many of) them.
-- With their levels; none for an anonymized customer. The trigram index of
-- the whole name read long posting lists on a large base (a common trigram
-- is in every tenth name); a word is in few. A PL/pgSQL function: a session
-- plans its queries once (planning cost as much as running).
CREATE OR REPLACE FUNCTION travel_customer_similar(
    customer int, with_archived boolean, per_key int
) RETURNS TABLE (similar_id int, similar_levels int[])
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    name_key text;
    words text[];
    first_words text[];
    second_words text[];
    third_words text[];
    by_name int[];
BEGIN
    SELECT left(travel_customer_name_key(p.name), 64) INTO name_key
    FROM res_partner p
    WHERE p.id = customer AND p.travel_anonymized IS NOT TRUE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    words := ARRAY(
        SELECT w FROM unnest(string_to_array(name_key, ' '))
                      WITH ORDINALITY AS t(w, n)
        WHERE w <> '' GROUP BY w ORDER BY min(n));
    IF cardinality(ARRAY(SELECT w FROM unnest(words) AS w
                         WHERE length(w) >= 3)) >= 2 THEN
        words := ARRAY(SELECT w FROM unnest(words) AS w WHERE length(w) >= 3);
    END IF;
    first_words := travel_customer_typo_words(words[1]);
    -- a name of one word: the names with it (or one typo away)
    second_words := coalesce(travel_customer_typo_words(words[2]), first_words);
    third_words := travel_customer_typo_words(words[3]);
    -- (those left out below are left out before the cap)
    by_name := ARRAY(
        SELECT c.id FROM (
            SELECT p.id, p.name FROM res_partner p
            WHERE ((travel_customer_name_words(p.complete_name) && first_words
                    AND travel_customer_name_words(p.complete_name)
                        && second_words)
                OR (travel_customer_name_words(p.complete_name) && first_words
                    AND travel_customer_name_words(p.complete_name)
                        && third_words)
                OR (travel_customer_name_words(p.complete_name) && second_words
                    AND travel_customer_name_words(p.complete_name)
                        && third_words))
              AND p.id != customer
              AND (p.active OR with_archived)
              AND p.travel_merged_into_id IS NULL
              AND p.travel_anonymized IS NOT TRUE
            LIMIT per_key * 10
        ) AS c
        ORDER BY travel_customer_name_key(c.name) <-> name_key
        LIMIT per_key);
    RETURN QUERY
    WITH m AS (
        SELECT * FROM res_partner
        WHERE id = customer AND travel_anonymized IS NOT TRUE
    ),
    keys AS (
        SELECT travel_customer_email_key(email) AS email,
               travel_customer_phone_tail(phone) AS phone,
               travel_customer_phone_tail(mobile) AS mobile,
               travel_birth_date AS birth
        FROM m
    ),
    -- the partners that may be listed: those left out below are left out
    -- before the caps, so that they do not take the others' places
    live AS NOT MATERIALIZED (
        SELECT p.id, p.email, p.phone, p.mobile, p.travel_birth_date
        FROM res_partner p
        WHERE p.id != customer
          AND (p.active OR with_archived)
          AND p.travel_merged_into_id IS NULL
          AND p.travel_anonymized IS NOT TRUE
    ),
    candidate AS (
        (SELECT p.id FROM live p, keys k
          WHERE travel_customer_email_key(p.email) = k.email
            AND p.email IS NOT NULL LIMIT per_key)
        UNION
        (SELECT p.id FROM live p, keys k
          WHERE travel_customer_phone_tail(p.phone) IN (k.phone, k.mobile)
            AND p.phone IS NOT NULL LIMIT per_key)
        UNION
        (SELECT p.id FROM live p, keys k
          WHERE travel_customer_phone_tail(p.mobile) IN (k.phone, k.mobile)
            AND p.mobile IS NOT NULL LIMIT per_key)
        UNION
        (SELECT p.id FROM live p, keys k
          WHERE p.travel_birth_date = k.birth LIMIT per_key)
        UNION
        SELECT unnest(by_name)
    )
    SELECT p.id, travel_customer_compare(
        mk.first, mk.last, mk.birth, mk.street, mk.zip, mk.city,
        mk.email, mk.phone, mk.mobile,
        pk.first, pk.last, pk.birth, pk.street, pk.zip, pk.city,
        pk.email, pk.phone, pk.mobile)
    FROM candidate c
    JOIN res_partner p ON p.id = c.id
    CROSS JOIN m
    CROSS JOIN LATERAL travel_customer_compare_keys(m) mk
    CROSS JOIN LATERAL travel_customer_compare_keys(p) pk
    -- (the candidates are partners that may be listed: by_name and live)
    WHERE p.commercial_partner_id != m.commercial_partner_id
      AND NOT EXISTS (
          SELECT 1 FROM travel_duplicate_ignore i
          WHERE i.partner_a_id = LEAST(m.id, p.id)
            AND i.partner_b_id = GREATEST(m.id, p.id))
      AND NOT EXISTS (SELECT 1 FROM res_company co WHERE co.partner_id = p.id);
END
$$;
"""

SIMILARITY_INDEXES = """
CREATE INDEX IF NOT EXISTS res_partner_travel_email_key_index
ON res_partner (travel_customer_email_key(email)) WHERE email IS NOT NULL;
-- (the former key, the last nine digits, took 030 and 040 numbers for one)
DROP INDEX IF EXISTS res_partner_travel_phone_key_index;
DROP INDEX IF EXISTS res_partner_travel_mobile_key_index;
DROP FUNCTION IF EXISTS travel_customer_phone_key(text);
CREATE INDEX IF NOT EXISTS res_partner_travel_phone_tail_index
ON res_partner (travel_customer_phone_tail(phone)) WHERE phone IS NOT NULL;
CREATE INDEX IF NOT EXISTS res_partner_travel_mobile_tail_index
ON res_partner (travel_customer_phone_tail(mobile)) WHERE mobile IS NOT NULL;
CREATE INDEX IF NOT EXISTS res_partner_travel_birth_date_index
ON res_partner (travel_birth_date) WHERE travel_birth_date IS NOT NULL;
-- the names' trigrams: the similar names are now found through the index of
-- the names' words, which the search has too
DROP INDEX IF EXISTS res_partner_travel_name_key_index;
"""


class TravelCustomerSimilarity(models.AbstractModel):
    """The similarity's SQL functions and indexes, and its learnt model."""

    _name = "travel.customer.similarity"
    _description = "Customer Similarity"

    def init(self):
        """Create the functions and indexes that compare customers."""
        result = super().init()
        cr = self.env.cr
        for extension in EXTENSIONS:
            try:
                with cr.savepoint(flush=False):
                    self.env.execute_query(
                        SQL(
                            "CREATE EXTENSION IF NOT EXISTS %s",
                            SQL.identifier(extension),
                        )
                    )
            except Exception as error:
                raise UserError(
                    _(
                        "Travel Customers needs the PostgreSQL extension "
                        "%(extension)s. Ask your database administrator to run "
                        "CREATE EXTENSION %(extension)s; in this database "
                        "(%(error)s).",
                        extension=extension,
                        error=error,
                    )
                ) from error
        self.env.execute_query(SQL(SIMILARITY_FUNCTIONS))
        self.env.execute_query(
            SQL(SIMILAR_FUNCTION, letters=list(string.ascii_lowercase))
        )
        self.env.execute_query(SQL(SIMILARITY_INDEXES))
        return result

    # ------------------------------------------------------------ MODEL
    @api.model
    def _threshold(self):
        """The match probability (0-1) from which two customers are proposed."""
        percent = self.env["ir.config_parameter"]._travel_get_int(
            THRESHOLD_PARAM, THRESHOLD_DEFAULT
        )
        return min(max(percent, 1), 100) / 100

    @api.model
    def _prior_model(self):
        return {"share": PRIOR_SHARE, "m": PRIOR_M, "u": PRIOR_U, "pairs": 0}

    @api.model
    def _model(self):
        """The model learnt by the last scan, or the prior one."""
        raw = self.env["ir.config_parameter"].sudo().get_param(MODEL_PARAM)
        try:
            model = json.loads(raw) if raw else None
        except ValueError:
            model = None
        if not model or set(model.get("m", ())) != set(FIELDS):
            return self._prior_model()
        return model

    @api.model
    def _store_model(self, model):
        self.env["ir.config_parameter"].sudo().set_param(MODEL_PARAM, json.dumps(model))

    @api.model
    def _weights(self, model=None):
        """``{field: [log2(m / u) per level]}``, in bits."""
        model = model or self._model()
        return {
            fname: [
                math.log2(max(m, 1e-9) / max(u, 1e-9))
                for m, u in zip(model["m"][fname], model["u"][fname], strict=True)
            ]
            for fname in FIELDS
        }

    @staticmethod
    def _other_person(levels):
        """Whether ``levels`` are those of two people: names wholly unlike
        (first and last name at level 0), and neither the e-mail, a phone
        nor the birth date the same. People at one address (a family, a
        building, a hotel) agree on every field of it; the model learnt on a
        base where they abound took them for duplicates."""
        named = dict(zip(FIELDS, levels, strict=True))
        return (
            named["first"] == 0
            and named["last"] == 0
            and named["email"] != 1
            and named["phone"] != 1
            and named["birth"] != 3
        )

    @api.model
    def _probability(self, levels, model=None, weights=None):
        """Match probability of a pair with these ``levels`` (none for two
        people: ``_other_person``)."""
        if self._other_person(levels):
            return 0.0
        model = model or self._model()
        weights = weights or self._weights(model)
        share = min(max(model["share"], 1e-9), 1 - 1e-9)
        bits = math.log2(share / (1 - share))
        for fname, level in zip(FIELDS, levels, strict=True):
            if level is not None:
                bits += weights[fname][level]
        # 2 ** bits overflows past 1000 bits: clamp
        bits = min(max(bits, -1000), 1000)
        return 1 / (1 + 2**-bits)

    @api.model
    def _learn(self, patterns):
        """Estimate m, u and the share of duplicates by expectation-
        maximisation on ``[(levels, count)]``, the patterns of the candidate
        pairs; the priors act as pseudo-counts (a small base keeps them)."""
        model = self._prior_model()
        total = sum(count for _levels, count in patterns)
        if not total:
            return model
        for _iteration in range(EM_ITERATIONS):
            m_counts, u_counts, matches = self._em_step(patterns, model)
            model = self._em_update(m_counts, u_counts, matches, total)
        model["pairs"] = total
        return model

    @api.model
    def _em_step(self, patterns, model):
        """Expected level counts among duplicates and among distinct pairs."""
        m_counts = {f: [PRIOR_PAIRS * p for p in PRIOR_M[f]] for f in FIELDS}
        u_counts = {f: [PRIOR_PAIRS * p for p in PRIOR_U[f]] for f in FIELDS}
        weights = self._weights(model)
        matches = 0.0
        for levels, count in patterns:
            prob = self._probability(levels, model, weights)
            matches += prob * count
            for fname, level in zip(FIELDS, levels, strict=True):
                if level is not None:
                    m_counts[fname][level] += prob * count
                    u_counts[fname][level] += (1 - prob) * count
        return m_counts, u_counts, matches

    @api.model
    def _em_update(self, m_counts, u_counts, matches, total):
        return {
            "share": (matches + PRIOR_PAIRS * PRIOR_SHARE) / (total + PRIOR_PAIRS),
            "m": {f: [c / sum(m_counts[f]) for c in m_counts[f]] for f in FIELDS},
            "u": {f: [c / sum(u_counts[f]) for c in u_counts[f]] for f in FIELDS},
            "pairs": total,
        }

    # ------------------------------------------------------------ REASONS
    @api.model
    def _level_labels(self):
        """What a level of a field means, as shown to the user."""
        return {
            "first": [
                _("Other first name"),
                _("Similar first name"),
                _("First name one letter apart"),
                _("Same first name"),
            ],
            "last": [
                _("Other last name"),
                _("Similar last name"),
                _("Last name one letter apart"),
                _("Same last name"),
            ],
            "birth": [
                _("Other birth date"),
                _("Same birth year"),
                _("Birth date one digit apart"),
                _("Same birth date"),
            ],
            "street": [
                _("Other street"),
                _("Similar street"),
                _("Street one letter apart"),
                _("Same street"),
            ],
            "zip": [
                _("Other zip"),
                _("Similar zip"),
                _("Zip one digit apart"),
                _("Same zip"),
            ],
            "city": [
                _("Other city"),
                _("Similar city"),
                _("City one letter apart"),
                _("Same city"),
            ],
            "email": [_("Other e-mail"), _("Same e-mail")],
            "phone": [_("Other phone"), _("Same phone")],
        }

    @api.model
    def _reasons(self, levels, weights=None, labels=None):
        """The fields that speak for a match, strongest first, with their
        weight: ``["Same name +10.6", "Same zip +2.1"]``."""
        weights = weights or self._weights()
        labels = labels or self._level_labels()
        found = [
            (weights[f][level], labels[f][level], f)
            for f, level in zip(FIELDS, levels, strict=True)
            if level is not None and weights[f][level] > 0
        ]
        named = {f for _w, _l, f in found}
        by_field = {f: (w, label) for w, label, f in found}
        if levels[0] == 3 and levels[1] == 3 and {"first", "last"} <= named:
            # one reason for the whole name
            weight = by_field.pop("first")[0] + by_field.pop("last")[0]
            by_field["name"] = (weight, _("Same name"))
        ranked = sorted(by_field.values(), key=lambda item: -item[0])
        return [f"{label} {weight:+.1f}" for weight, label in ranked]

    @api.model
    def _weights_table(self):
        """The model's weights as an HTML table (the settings show it)."""
        model = self._model()
        weights = self._weights(model)
        labels = self._level_labels()
        rows = Markup("").join(
            Markup("<tr><td>%s</td><td class='text-end'>%s</td></tr>")
            % (labels[f][level], f"{weight:+.1f}")
            for f in FIELDS
            for level, weight in reversed(list(enumerate(weights[f])))
        )
        caption = self.env._(
            "Learnt from %(pairs)s candidate pairs; duplicates among them: "
            "%(share)s %%.",
            pairs=model.get("pairs", 0),
            share=round(100 * model["share"], 1),
        )
        return Markup(
            "<table class='table table-sm'><caption>%s</caption>%s</table>"
        ) % (caption, rows)

    @api.model
    def _levels_code(self, levels):
        """``"first:3,last:3,zip:2"``: the levels kept on a group (the
        filters of the duplicate candidates search them)."""
        return ",".join(
            f"{f}:{level}"
            for f, level in zip(FIELDS, levels, strict=True)
            if level is not None
        )

    @api.model
    def _levels_from_code(self, code):
        known = dict(
            part.split(":", 1) for part in (code or "").split(",") if ":" in part
        )
        return [int(known[f]) if known.get(f, "").isdigit() else None for f in FIELDS]

    # ------------------------------------------------------------ SIMILAR
    @api.model
    def _similar_customers(self, partner, limit=10, include_archived=False):
        """Customers that look like ``partner``, most probable first.

        :return: list of dicts ``{"partner_id", "score" (match probability,
            1-100), "probability", "reasons"}``. Candidates are found through
            the key indexes (e-mail, phones, birth date) and the index of the
            names' words, never by loading customers into Python; those with
            no identity field alike (name, birth date, street, e-mail, phone)
            are left out, as are another person at the same address
            (``_other_person``: no match probability), the customer's own
            contacts and addresses, its parent company and the companies' own
            partners.
        """
        partner.ensure_one()
        rows = self._similar_rows(partner, include_archived)
        model = self._model()
        weights = self._weights(model)
        found = []
        for partner_id, levels in rows:
            if not any(
                level is not None and weights[f][level] > 0 and f in IDENTITY_FIELDS
                for f, level in zip(FIELDS, levels, strict=True)
            ):
                continue
            probability = self._probability(levels, model, weights)
            if not probability:
                continue
            found.append(
                {
                    "partner_id": partner_id,
                    "score": max(1, round(probability * 100)),
                    "probability": probability,
                    "levels": levels,
                }
            )
        found.sort(key=lambda f: (-f["probability"], f["partner_id"]))
        found = found[:limit]
        # the reasons of those shown only (their labels are translated once)
        labels = self._level_labels()
        for similar in found:
            similar["reasons"] = self._reasons(similar.pop("levels"), weights, labels)
        return found

    @api.model
    def _similar_rows(self, partner, include_archived):
        """``(partner_id, levels)`` of the customers found by the keys (none
        for an anonymized customer)."""
        self.env["res.partner"].flush_model()
        self.env["travel.duplicate.ignore"].flush_model()
        with self.env["res.partner"]._travel_statement_timeout():
            return self.env.execute_query(
                SQL(
                    "SELECT similar_id, similar_levels "
                    "FROM travel_customer_similar(%s, %s, %s)",
                    partner.id,
                    bool(include_archived),
                    SIMILAR_BLOCK,
                )
            )

    # ------------------------------------------------------------ PARTICIPANTS
    @api.model
    def _similar_participants(self, participant, limit=10):
        """Participants that are probably ``participant`` registered again:
        in the same customer's family, under a guardian they share, or by
        another customer (the same child registered by each of its guardians),
        most probable first, over the threshold:
        ``[{"participant_id", "probability", "reasons"}]``."""
        participant.ensure_one()
        participant.flush_model()
        self.env["travel.participant"].flush_model()
        rows = self.env.execute_query(self._similar_participants_query(participant))
        model = self._model()
        weights = self._weights(model)
        threshold = self._threshold()
        found = []
        for participant_id, levels in rows:
            probability = self._probability(levels, model, weights)
            if probability >= threshold:
                found.append(
                    {
                        "participant_id": participant_id,
                        "probability": probability,
                        "reasons": self._reasons(levels, weights),
                    }
                )
        found.sort(key=lambda f: (-f["probability"], f["participant_id"]))
        return found[:limit]

    @api.model
    def _similar_participants_query(self, participant):
        """The person's own fields, and the address only when it is the same:
        a child's address is its guardian's, and two guardians may live
        apart (another address is no sign of another child)."""
        return SQL(
            """
            WITH m AS (SELECT * FROM travel_participant WHERE id = %(id)s),
            candidate AS (
                SELECT p.id FROM travel_participant p, m
                 WHERE p.partner_id = m.partner_id
                UNION
                SELECT g.participant_id FROM travel_participant_guardian_rel g
                  JOIN travel_participant_guardian_rel mg
                    ON mg.partner_id = g.partner_id AND mg.participant_id = %(id)s
                UNION
                (SELECT p.id FROM travel_participant p, m
                  WHERE p.birth_date = m.birth_date LIMIT %(block)s)
                UNION
                (SELECT p.id FROM travel_participant p, m
                  WHERE %(name_alike)s
                  ORDER BY travel_customer_normalize(p.name)
                           <-> travel_customer_normalize(m.name)
                  LIMIT %(block)s)
            )
            SELECT p.id, travel_customer_compare(
                travel_customer_name_key(m.first_name),
                travel_customer_name_key(m.last_name), m.birth_date,
                ms.street, ms.zip, ms.city, NULL, NULL, NULL,
                travel_customer_name_key(p.first_name),
                travel_customer_name_key(p.last_name), p.birth_date,
                CASE WHEN ps.street = ms.street THEN ps.street END,
                CASE WHEN ps.zip = ms.zip THEN ps.zip END,
                CASE WHEN ps.city = ms.city THEN ps.city END, NULL, NULL, NULL)
            FROM candidate c
            JOIN travel_participant p ON p.id = c.id
            CROSS JOIN m
            CROSS JOIN LATERAL (SELECT %(address_m)s) AS ms(street, zip, city)
            CROSS JOIN LATERAL (SELECT %(address_p)s) AS ps(street, zip, city)
            WHERE p.id != m.id AND p.active
            """,
            id=participant.id,
            address_m=SQL(
                "travel_customer_name_key(m.street), travel_customer_name_key(m.zip), "
                "travel_customer_name_key(m.city)"
            ),
            address_p=SQL(
                "travel_customer_name_key(p.street), travel_customer_name_key(p.zip), "
                "travel_customer_name_key(p.city)"
            ),
            block=SIMILAR_BLOCK,
            # pg_trgm's operator, kept escaped for the query's parameters
            name_alike=SQL(
                "travel_customer_normalize(p.name) %% travel_customer_normalize(m.name)"
            ),
        )
