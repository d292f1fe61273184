# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import re
import time

from odoo.tools import SQL
from odoo.tools.sql import add_foreign_key, create_index, make_index_name

from .models.travel_customer_search import SEARCH_FUNCTIONS
from .models.travel_customer_similarity import SIMILAR_FUNCTION, SIMILARITY_FUNCTIONS

_logger = logging.getLogger(__name__)


def post_init_hook(env):
    assign_default_customer_type(env)


def uninstall_hook(env):
    """Drop what the addon made in SQL beside its models: the partners'
    indexes (their upkeep would still slow every change of a partner), the
    search's and similarity's functions they are built on, and the duplicate
    scan's work tables. Odoo drops the models' own tables and columns.

    The views that place the custom profile fields on Odoo's partner form
    go too: they are anchored on a field of the addon, and left behind they
    would break the form. The custom fields stay, with their data, as any
    field made in Odoo's settings."""
    custom_fields = (
        env["travel.profile.custom.field"].sudo().with_context(active_test=False)
    )
    custom_fields.search([]).view_ids.unlink()
    env.cr.execute(
        SQL(
            """
            DROP INDEX IF EXISTS res_partner_travel_associate_member_index;
            DROP TABLE IF EXISTS travel_duplicate_scan_key,
                travel_duplicate_scan_block, travel_duplicate_scan_batch,
                travel_duplicate_scan_pair;
            """
        )
    )
    # the functions the addon creates, whatever their arguments, and with
    # them (CASCADE) the indexes built on them; none of another addon's
    for (function,) in env.execute_query(
        SQL(
            """SELECT p.oid::regprocedure::text FROM pg_proc p
               JOIN pg_namespace n ON n.oid = p.pronamespace
               WHERE n.nspname = current_schema() AND p.proname = ANY(%s)""",
            addon_functions(),
        )
    ):
        env.cr.execute(SQL("DROP FUNCTION IF EXISTS %s CASCADE", SQL(function)))


def addon_functions():
    """The names of the SQL functions the addon creates, read from the SQL
    that creates them (the search's, the comparison's and the similar
    customers'); ``test_uninstall`` checks that none is left."""
    return sorted(
        set(
            re.findall(
                r"CREATE OR REPLACE FUNCTION (travel_customer_\w+)",
                SEARCH_FUNCTIONS.code + SIMILARITY_FUNCTIONS + SIMILAR_FUNCTION,
            )
        )
    )


def assign_default_customer_type(env):
    """Give the default customer type to every partner that has none.

    Rewriting a million rows with UPDATE takes minutes; a column added with a
    constant DEFAULT is filled by PostgreSQL's catalog at once. So the empty
    column Odoo created is replaced by one whose default is the default type,
    the few values already set (data loaded with the addon) are put back, and
    the foreign key and index are rebuilt.
    """
    start = time.monotonic()
    default_type = env["travel.customer.type"]._get_default()
    env["res.partner"].flush_model()
    cr = env.cr
    cr.execute(
        SQL(
            """
            CREATE TEMPORARY TABLE travel_customer_type_kept ON COMMIT DROP AS
            SELECT id, customer_type_id FROM res_partner
            WHERE customer_type_id IS NOT NULL AND customer_type_id != %s
            """,
            default_type.id,
        )
    )
    cr.execute(
        SQL(
            """
            ALTER TABLE res_partner DROP COLUMN customer_type_id;
            ALTER TABLE res_partner ADD COLUMN customer_type_id int4 DEFAULT %s;
            ALTER TABLE res_partner ALTER COLUMN customer_type_id DROP DEFAULT;
            COMMENT ON COLUMN res_partner.customer_type_id IS 'Customer Type';
            UPDATE res_partner p SET customer_type_id = k.customer_type_id
              FROM travel_customer_type_kept k WHERE k.id = p.id;
            DROP TABLE travel_customer_type_kept;
            """,
            default_type.id,
        )
    )
    add_foreign_key(
        cr, "res_partner", "customer_type_id", "travel_customer_type", "id", "restrict"
    )
    create_index(
        cr,
        make_index_name("res_partner", "customer_type_id"),
        "res_partner",
        ['"customer_type_id"'],
    )
    env["res.partner"].invalidate_model(["customer_type_id"])
    _logger.info(
        "Default customer type given to existing partners in %.2f s",
        time.monotonic() - start,
    )
