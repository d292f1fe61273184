# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import logging
from datetime import date, timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

UNDO_DAYS_PARAM = "travel_customer.merge_undo_days"
UNDO_DAYS_DEFAULT = 30
# Tables that point to a record by model name and id (moved by Odoo's merge).
REFERENCE_TABLES = (
    ("ir_attachment", "res_model", "res_id"),
    ("mail_followers", "res_model", "res_id"),
    ("mail_activity", "res_model", "res_id"),
    ("mail_message", "model", "res_id"),
    ("ir_model_data", "model", "res_id"),
)
# What a journal holds; "Undo merge" refuses a journal with anything else.
JOURNAL_KEYS = {
    "fk",
    "rel",
    "ref",
    "refv",
    "company",
    "removed",
    "master",
    "users",
    "cards",
    "clash",
    "default",
}
# What a clash rule may have changed on the master's own rows (see
# base.partner.merge.automatic.wizard's ``_travel_clash_*``).
CLASH_CONSENT_FIELDS = {"accepted", "state", "last_metadata"}
# Fields of the customer whose value the user picks when duplicates disagree.
CHOICE_FIELDS = (
    "name",
    "email",
    "phone",
    "mobile",
    "street",
    "street2",
    "zip",
    "city",
    "country_id",
    "vat",
    "lang",
    "user_id",
    "travel_birth_date",
)
# The master's own values a merge may change, put back by an undo.
MASTER_FIELDS = CHOICE_FIELDS + (
    "comment",
    "customer_type_id",
    "travel_level_id",
    "travel_dispute",
)


def is_id(value):
    return isinstance(value, int) and not isinstance(value, bool)


def pairs(rows, olds):
    """Whether ``rows`` are ``[[row id, old value], ...]`` with old values in
    ``olds``."""
    return isinstance(rows, list) and all(
        isinstance(row, list) and len(row) == 2 and is_id(row[0]) and row[1] in olds
        for row in rows
    )


class TravelCustomerMergeLog(models.Model):
    """Who merged which customers into which master, and what moved.

    The journal lists every row the merge moved from a duplicate to the
    master, so that "Undo merge" can move them back while the duplicates are
    archived (they are deleted once the undo delay has passed).

    Only the code writes it (``sudo()``): users read it, and an undo replays
    nothing but the tables and columns a merge writes (``_check_journal``).
    """

    _name = "travel.customer.merge.log"
    _inherit = ["travel.code.only.mixin"]
    _description = "Customer Merge Log"
    _order = "id desc"
    _rec_name = "master_id"

    master_id = fields.Many2one(
        "res.partner", string="Master", ondelete="set null", index=True, readonly=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Merged by",
        default=lambda self: self.env.user,
        readonly=True,
    )
    merged_ids = fields.Char(string="Merged IDs", readonly=True)
    merged_names = fields.Text(string="Merged customers", readonly=True)
    counts = fields.Text(
        string="Moved", readonly=True, help="Records moved, per customer."
    )
    counts_summary = fields.Text(
        string="What Moved",
        compute="_compute_counts_summary",
        help="What moved from each merged customer to the master.",
    )
    journal = fields.Json(readonly=True, copy=False)
    state = fields.Selection(
        [("done", "Merged"), ("undone", "Undone"), ("final", "Final")],
        string="Status",
        default="done",
        required=True,
        readonly=True,
    )
    undo_deadline = fields.Datetime(
        compute="_compute_undo_deadline", string="Undo possible until"
    )

    @api.depends("counts", "merged_ids", "merged_names")
    @api.depends_context("lang")
    def _compute_counts_summary(self):
        """The counts in the reader's language: "Ann: 3 bookings, 1 invoice
        moved", one line per merged customer."""
        for log in self:
            try:
                counts = json.loads(log.counts or "{}")
                ids = json.loads(log.merged_ids or "[]")
            except ValueError:
                counts, ids = {}, []
            names = (log.merged_names or "").split("\n")
            lines = []
            for index, pid in enumerate(ids):
                name = names[index] if index < len(names) else f"#{pid}"
                lines.append(
                    self.env._(
                        "%(customer)s: %(moved)s",
                        customer=name,
                        moved=self._counts_in_words(counts.get(str(pid), {})),
                    )
                )
            log.counts_summary = "\n".join(lines)

    @api.model
    def _counts_in_words(self, counts):
        """``{"bookings": 3, "invoices": 1}`` as "3 bookings, 1 invoice moved"."""
        _ = self.env._
        words = {
            "bookings": (_("%s booking"), _("%s bookings")),
            "quotations": (_("%s quotation"), _("%s quotations")),
            "invoices": (_("%s invoice"), _("%s invoices")),
            "participants": (_("%s participant"), _("%s participants")),
            "messages": (_("%s message"), _("%s messages")),
        }
        parts = [
            (one if counts.get(key) == 1 else many) % counts[key]
            for key, (one, many) in words.items()
            if counts.get(key)
        ]
        if not parts:
            return _("nothing to move")
        return _("%s moved", ", ".join(parts))

    @api.depends("create_date")
    def _compute_undo_deadline(self):
        days = self._undo_days()
        for log in self:
            log.undo_deadline = log.create_date and log.create_date + timedelta(
                days=days
            )

    # ------------------------------------------------------------ CRUD
    @api.model
    def _travel_code_only_message(self):
        # the journal is replayed as SQL by an undo: nobody writes it but
        # the merge, its undo and the purge
        return _(
            "The merge log is written by the customer merge itself: it "
            "cannot be created, changed or deleted by hand."
        )

    # ------------------------------------------------------------ JOURNAL
    @api.model
    def _undo_days(self):
        return self.env["ir.config_parameter"]._travel_get_int(
            UNDO_DAYS_PARAM, UNDO_DAYS_DEFAULT
        )

    @api.model
    def _journal(self, master, duplicates):
        """Every row that points to one of ``duplicates``, before the merge."""
        self.env.flush_all()  # any table may point to a customer
        ids = tuple(duplicates.ids)
        journal = {"fk": [], "rel": [], "ref": [], "master": {}, "users": []}
        transient = self._journal_transient_tables()
        foreign_keys, columns = self._journal_foreign_keys(transient)
        for table, column in foreign_keys:
            others = [name for name in columns.get(table, []) if name != column]
            if "id" in others:
                rows = self._journal_rows(table, "id", column, column, ids)
                if rows:
                    journal["fk"].append([table, column, rows])
            elif len(others) == 1:  # a many2many relation table
                rows = self._journal_rows(table, others[0], column, column, ids)
                if rows:
                    # what the master had already keeps it after an undo
                    had = self._journal_rows(
                        table, others[0], column, column, (master.id,)
                    )
                    journal["rel"].append(
                        [table, column, others[0], rows, [key for key, _m in had]]
                    )
        for table, model_column, id_column in REFERENCE_TABLES:
            rows = self._journal_rows(
                table,
                "id",
                id_column,
                id_column,
                ids,
                SQL("%s = 'res.partner'", SQL.identifier(model_column)),
            )
            if rows:
                journal["ref"].append([table, id_column, rows])
        journal["refv"], journal["company"] = self._journal_values(ids, transient)
        journal["default"] = self._journal_defaults(ids)
        journal["unique"] = self._journal_unique_rows(foreign_keys, columns, ids)
        values = master.read(list(MASTER_FIELDS))[0]
        journal["master"] = {
            fname: self._journal_value(value)
            for fname, value in values.items()
            if fname != "id"
        }
        return journal

    @api.model
    def _journal_transient_tables(self):
        """Rows of wizards are deleted within hours: nothing to put back."""
        return self.env["base.partner.merge.automatic.wizard"]._travel_tables(
            self.env[name]
            for name, model in self.env.registry.items()
            if model._transient
        )

    @api.model
    def _journal_foreign_keys(self, transient):
        """The columns that point to a customer, as Odoo's merge finds them
        (PostgreSQL's foreign keys), and every column of their tables:
        ``([(table, column), ...], {table: [column, ...]})``."""
        core = self.env["base.partner.merge.automatic.wizard"]
        foreign_keys = sorted(
            (table, column)
            for table, column in core._get_fk_on("res_partner")
            if table not in transient
        )
        self.env.cr.execute(
            SQL(
                "SELECT table_name, array_agg(column_name::text) "
                "FROM information_schema.columns WHERE table_name IN %s "
                "GROUP BY table_name",
                tuple({table for table, _column in foreign_keys}) or ("",),
            )
        )
        return foreign_keys, dict(self.env.cr.fetchall())

    @api.model
    def _journal_unique_columns(self, foreign_keys):
        """The ``(table, column)`` of ``foreign_keys`` that a unique index
        uses (a key, an expression, a predicate): the merge may drop such
        rows of a duplicate when the master has the same."""
        core = self.env["base.partner.merge.automatic.wizard"]
        indexes = core._travel_unique_indexes({table for table, _c in foreign_keys})
        return {
            (table, column)
            for table, column in foreign_keys
            if any(core._travel_index_uses(i, column) for i in indexes.get(table, []))
        }

    @api.model
    def _journal_reference_fields(self, transient):
        """The stored reference fields Odoo's merge rewrites, of tables kept:
        ``[(Model, field name), ...]``."""
        return [
            (Model, fname)
            for Model, fname in self.env[
                "base.partner.merge.automatic.wizard"
            ]._travel_reference_fields()
            if Model._fields[fname].store
            and Model._auto
            and Model._table not in transient
        ]

    @api.model
    def _journal_company_fields(self, transient):
        """The company-dependent customer fields Odoo's merge rewrites:
        ``[(Model, field name), ...]``."""
        return [
            (self.env[field.model_name], field.name)
            for field in self.env.registry.many2one_company_dependents["res.partner"]
            if self.env[field.model_name]._table not in transient
        ]

    @api.model
    def _journal_unique_rows(self, foreign_keys, columns, ids):
        """The duplicates' rows that a unique index may keep from moving to
        the master (a consent for a purpose the master answered too, a
        follower of both): Odoo's merge deletes those, the journal keeps them
        whole (``[table, [row as JSON, ...]]``) so that an undo puts them back.
        Followers also keep their subtypes."""
        cr = self.env.cr
        unique = self._journal_unique_columns(foreign_keys)
        queries = [
            (
                table,
                SQL(
                    "SELECT to_jsonb(t)::text FROM %s t WHERE %s IN %s ORDER BY t.id",
                    SQL.identifier(table),
                    SQL.identifier(column),
                    ids,
                ),
            )
            for table, column in foreign_keys
            if (table, column) in unique
            and "id" in columns.get(table, [])
            and table != "mail_followers"
        ]
        queries.append(
            (
                "mail_followers",
                SQL(
                    "SELECT (to_jsonb(f) || jsonb_build_object('subtype_ids', "
                    "ARRAY(SELECT mail_message_subtype_id "
                    "FROM mail_followers_mail_message_subtype_rel "
                    "WHERE mail_followers_id = f.id)))::text "
                    "FROM mail_followers f "
                    "WHERE (f.res_model = 'res.partner' AND f.res_id IN %s) "
                    "OR f.partner_id IN %s ORDER BY f.id",
                    ids,
                    ids,
                ),
            )
        )
        rows = []
        for table, query in queries:
            cr.execute(query)
            found = [row[0] for row in cr.fetchall()]
            if found:
                rows.append([table, found])
        return rows

    @api.model
    def _journal_removed(self, journal):
        """After the merge: only the rows it deleted stay in the journal."""
        removed = []
        for table, rows in journal.pop("unique", []):
            by_id = {json.loads(row)["id"]: row for row in rows}
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM %s WHERE id IN %s",
                    SQL.identifier(table),
                    tuple(by_id),
                )
            )
            for (row_id,) in self.env.cr.fetchall():
                by_id.pop(row_id)
            if by_id:
                removed.append([table, list(by_id.values())])
        journal["removed"] = removed

    @api.model
    def _journal_defaults(self, ids):
        """Default values (``ir.default``) of a customer field that name a
        duplicate: the merge points them to the master, the journal keeps
        ``[[id, old value], ...]``."""
        self.env.cr.execute(
            SQL(
                "SELECT d.id, d.json_value FROM ir_default d "
                "JOIN ir_model_fields f ON f.id = d.field_id "
                "WHERE f.ttype = 'many2one' AND f.relation = 'res.partner' "
                "AND d.json_value = ANY(%s) ORDER BY d.id",
                [str(pid) for pid in ids],
            )
        )
        return [list(row) for row in self.env.cr.fetchall()]

    @api.model
    def _journal_values(self, ids, transient):
        """Rows whose reference field ("res.partner,<id>") or company-dependent
        customer field ({company: id}) names a duplicate: Odoo's merge rewrites
        them in place, the journal keeps the old value."""
        cr = self.env.cr
        references, company = [], []
        for Model, fname in self._journal_reference_fields(transient):
            cr.execute(
                SQL(
                    "SELECT id, %s FROM %s WHERE %s = ANY(%s)",
                    SQL.identifier(fname),
                    SQL.identifier(Model._table),
                    SQL.identifier(fname),
                    [f"res.partner,{pid}" for pid in ids],
                )
            )
            rows = cr.fetchall()
            if rows:
                references.append([Model._table, fname, rows])
        for Model, fname in self._journal_company_fields(transient):
            cr.execute(
                SQL(
                    "SELECT id, %(column)s::text FROM %(table)s t WHERE EXISTS ("
                    "SELECT 1 FROM jsonb_each_text(t.%(column)s) AS e "
                    "WHERE e.value ~ '^[0-9]+$' AND e.value::int = ANY(%(ids)s))",
                    column=SQL.identifier(fname),
                    table=SQL.identifier(Model._table),
                    ids=list(ids),
                )
            )
            rows = cr.fetchall()
            if rows:
                company.append([Model._table, fname, rows])
        return references, company

    @staticmethod
    def _journal_value(value):
        """A field value as the JSON journal keeps it."""
        if isinstance(value, tuple):  # many2one
            return value[0]
        if isinstance(value, date):  # dates and datetimes
            return value.isoformat()
        return value

    @api.model
    def _journal_rows(self, table, key, value, column, ids, where=None):
        """``[key, value]`` of the rows of ``table`` whose ``column`` is in ``ids``."""
        self.env.cr.execute(
            SQL(
                "SELECT %s, %s FROM %s WHERE %s IN %s AND %s",
                SQL.identifier(key),
                SQL.identifier(value),
                SQL.identifier(table),
                SQL.identifier(column),
                ids,
                where or SQL("TRUE"),
            )
        )
        return self.env.cr.fetchall()

    # ------------------------------------------------------------ ACTION
    def action_undo(self):
        """Move back every row the merge moved, and restore the duplicates."""
        self.ensure_one()
        self._check_undo()
        self.env.flush_all()  # the journal names rows of any table
        master = self.master_id
        journal = self.journal
        self._undo_cards(journal.get("cards", []))
        self.env["loyalty.card"].flush_model()
        self.env["loyalty.history"].flush_model()
        self._undo_moves(journal, master)
        self._undo_company_values(journal.get("company", []), master)
        self._undo_relations(journal["rel"], master)
        self._undo_removed(journal.get("removed", []))
        self._undo_clashes(journal.get("clash", []))
        self._undo_defaults(journal.get("default", []), master)
        self.env.invalidate_all()
        duplicates = self._undo_customers(journal, master)
        self.sudo().state = "undone"
        message = _("Merge undone: %s restored.", ", ".join(duplicates.mapped("name")))
        master.message_post(body=Markup("<p>%s</p>") % message)
        return self.env["res.partner"]._travel_notify(message, reload=True)

    @api.model
    def _undo_cards(self, cards):
        """Loyalty cards (e-wallets) get their points, state and history back:
        the merge summed them into the master's card."""
        Card = self.env["loyalty.card"].sudo().with_context(active_test=False)
        History = self.env["loyalty.history"].sudo()
        for card_id, points, active, history_ids, kept_id in cards:
            card = Card.browse(card_id).exists()
            if not card:
                continue
            History.browse(history_ids).exists().filtered(
                lambda line, kept_id=kept_id: line.card_id.id == kept_id
            ).card_id = card
            card.write({"points": points, "active": active})

    @api.model
    def _undo_moves(self, journal, master):
        """One statement per table: the journal's rows go back where they were
        if they still hold the master (its id; "res.partner,<id>" in reference
        fields); rows moved elsewhere since stay where they are (reference
        tables: only their rows about a customer)."""
        model_columns = {
            (table, id_column): SQL(
                "AND t.%s = 'res.partner'", SQL.identifier(model_column)
            )
            for table, model_column, id_column in REFERENCE_TABLES
        }
        moved = (
            [(entry, SQL("int"), master.id, SQL()) for entry in journal["fk"]]
            + [
                (entry, SQL("int"), master.id, model_columns[tuple(entry[:2])])
                for entry in journal["ref"]
            ]
            + [
                (entry, SQL("varchar"), f"res.partner,{master.id}", SQL())
                for entry in journal.get("refv", [])
            ]
        )
        for (table, column, rows), kind, now, where in moved:
            row_ids, olds = zip(*rows, strict=True)
            self.env.cr.execute(
                SQL(
                    "UPDATE %s t SET %s = v.old "
                    "FROM unnest(%s::int[], %s::%s[]) AS v(id, old) "
                    "WHERE t.id = v.id AND t.%s = %s %s",
                    SQL.identifier(table),
                    SQL.identifier(column),
                    list(row_ids),
                    list(olds),
                    kind,
                    SQL.identifier(column),
                    now,
                    where,
                )
            )

    def _undo_company_values(self, company, master):
        """Company-dependent customer fields go back to their old value where
        they still hold what the merge made of it."""
        duplicate_ids = json.loads(self.merged_ids or "[]")
        for table, column, rows in company:
            row_ids, olds = zip(*rows, strict=True)
            self.env.cr.execute(
                SQL(
                    "UPDATE %(table)s t SET %(column)s = v.old::jsonb "
                    "FROM unnest(%(ids)s::int[], %(olds)s::text[]) AS v(id, old) "
                    "WHERE t.id = v.id AND t.%(column)s = ("
                    "  SELECT jsonb_object_agg(e.key, CASE WHEN e.value::text "
                    "  ~ '^[0-9]+$' AND e.value::text::int = ANY(%(dups)s) "
                    "  THEN to_jsonb(%(master)s) ELSE e.value END) "
                    "  FROM jsonb_each(v.old::jsonb) AS e)",
                    table=SQL.identifier(table),
                    column=SQL.identifier(column),
                    ids=list(row_ids),
                    olds=list(olds),
                    dups=duplicate_ids,
                    master=master.id,
                )
            )

    @api.model
    def _undo_relations(self, relations, master):
        """Many2many rows: what the merge gave the master (a tag...) is the
        duplicates' again; what the master had already, it keeps."""
        cr = self.env.cr
        for table, column, other, rows, had in relations:
            others, olds = zip(*rows, strict=True)
            cr.execute(
                SQL(
                    "DELETE FROM %s WHERE %s = %s AND %s = ANY(%s::int[]) "
                    "AND NOT %s = ANY(%s::int[])",
                    SQL.identifier(table),
                    SQL.identifier(column),
                    master.id,
                    SQL.identifier(other),
                    list(others),
                    SQL.identifier(other),
                    had,
                )
            )
            cr.execute(
                SQL(
                    "INSERT INTO %s (%s, %s) "
                    "SELECT * FROM unnest(%s::int[], %s::int[]) ON CONFLICT DO NOTHING",
                    SQL.identifier(table),
                    SQL.identifier(column),
                    SQL.identifier(other),
                    list(olds),
                    list(others),
                )
            )

    @api.model
    def _undo_removed(self, removed):
        """The duplicates' rows the merge deleted (the master had the same)
        come back whole, followers with their subtypes."""
        cr = self.env.cr
        for table, rows in removed:
            values = [json.loads(row) for row in rows]
            subtypes = [
                (value["id"], subtype)
                for value in values
                for subtype in value.pop("subtype_ids", [])
            ]
            cr.execute(
                SQL(
                    "INSERT INTO %s SELECT * FROM "
                    "jsonb_populate_recordset(NULL::%s, %s::jsonb) "
                    "ON CONFLICT DO NOTHING",
                    SQL.identifier(table),
                    SQL.identifier(table),
                    json.dumps(values),
                )
            )
            if subtypes:
                cr.execute(
                    SQL(
                        "INSERT INTO mail_followers_mail_message_subtype_rel "
                        "(mail_followers_id, mail_message_subtype_id) "
                        "SELECT * FROM unnest(%s::int[], %s::int[]) "
                        "ON CONFLICT DO NOTHING",
                        [follower for follower, _subtype in subtypes],
                        [subtype for _follower, subtype in subtypes],
                    )
                )

    @api.model
    def _undo_defaults(self, defaults, master):
        """A default value the merge pointed to the master names the
        duplicate again (``ir.default`` values are cached)."""
        for row_id, old in defaults:
            self.env.cr.execute(
                SQL(
                    "UPDATE ir_default SET json_value = %s "
                    "WHERE id = %s AND json_value = %s",
                    old,
                    row_id,
                    str(master.id),
                )
            )
        if defaults:
            self.env.registry.clear_cache()

    def _undo_customers(self, journal, master):
        """The duplicates are active again, their portal accounts theirs, and
        the master has its own values back. Returns the duplicates."""
        duplicates = self._duplicates()
        # "Merged into" is the merge code's own (see res.partner)
        duplicates.sudo().write({"active": True, "travel_merged_into_id": False})
        for user_id, partner_id, holder_id in journal["users"]:
            user = self.env["res.users"].sudo().browse(user_id)
            holder = self.env["res.partner"].sudo().browse(holder_id)
            user.write({"partner_id": partner_id, "active": True})
            holder.unlink()
        master.write(journal["master"])
        return duplicates

    def _undo_clashes(self, clashes):
        """What a clash rule changed on the master's rows goes back: the
        subtypes a follower of both got from a duplicate, the answer of a
        consent a duplicate's refusal overrode."""
        cr = self.env.cr
        for table, row_id, change in clashes:
            if table == "mail_followers":
                cr.execute(
                    SQL(
                        "DELETE FROM mail_followers_mail_message_subtype_rel "
                        "WHERE mail_followers_id = %s "
                        "AND mail_message_subtype_id = ANY(%s)",
                        row_id,
                        change,
                    )
                )
            else:  # privacy_consent
                cr.execute(
                    SQL(
                        "UPDATE privacy_consent SET accepted = %s, state = %s, "
                        "last_metadata = %s WHERE id = %s",
                        change["accepted"],
                        change["state"],
                        change["last_metadata"],
                        row_id,
                    )
                )

    def _duplicates(self):
        return (
            self.env["res.partner"]
            .with_context(active_test=False)
            .browse(json.loads(self.merged_ids or "[]"))
            .exists()
        )

    def _check_undo(self):
        """Refuse, with the reason, an undo that cannot restore everything or
        that the user may not make."""
        if not self.env.su and not self.env.user.has_group(
            "travel_customer.group_travel_user"
        ):
            raise AccessError(_("Only Travel customers users can undo a merge."))
        self.check_access("read")
        self._check_undo_state()
        # every customer involved changes again: the user must be allowed to
        (self.master_id | self._duplicates()).check_access("write")
        self._check_journal()
        self._check_undo_rows()

    def _check_undo_state(self):
        """The merge must still be undoable: not anonymized since (an undo
        would give the customer its data back), not undone or final, within
        the delay, with every customer it merged still there."""
        anonymized = (
            (self.master_id | self._duplicates()).sudo().filtered("travel_anonymized")
        )
        if anonymized:
            raise UserError(
                _(
                    "This merge cannot be undone: customer %s was anonymized since.",
                    anonymized[0].display_name,
                )
            )
        if self.state != "done":
            raise UserError(_("This merge has already been undone or made final."))
        if fields.Datetime.now() > self.undo_deadline:
            raise UserError(
                _(
                    "This merge is older than %s days: it can no longer be undone.",
                    self._undo_days(),
                )
            )
        if not self.master_id.exists():
            raise UserError(_("The master customer no longer exists."))
        if len(self._duplicates()) != len(json.loads(self.merged_ids or "[]")):
            raise UserError(
                _(
                    "A customer merged by this merge has been deleted since: the "
                    "merge can no longer be undone."
                )
            )

    def _check_undo_rows(self):
        """Every row the merge moved (and did not delete) must still exist:
        an undo puts back all of them or none."""
        removed = {
            (table, json.loads(row)["id"])
            for table, rows in self.journal.get("removed", [])
            for row in rows
        }
        expected = {}
        for table, _column, rows in self.journal["fk"] + self.journal["ref"]:
            expected.setdefault(table, set()).update(
                row_id for row_id, _old in rows if (table, row_id) not in removed
            )
        missing = []
        for table, row_ids in sorted(expected.items()):
            gone = self._missing_rows(table, row_ids) if row_ids else []
            if gone:
                label = self._table_label(table)
                missing += [(label, row_id) for row_id in gone]
        if missing:
            raise UserError(
                _(
                    "Records moved by this merge have been deleted since (%s): "
                    "the merge cannot be undone.",
                    ", ".join(
                        f"{label} #{row_id}" for label, row_id in sorted(missing)
                    ),
                )
            )

    @api.model
    def _missing_rows(self, table, row_ids):
        """The ids of ``row_ids`` that ``table`` no longer has, in order."""
        self.env.cr.execute(
            SQL(
                "SELECT v.id FROM unnest(%s::int[]) AS v(id) WHERE NOT EXISTS "
                "(SELECT 1 FROM %s t WHERE t.id = v.id) ORDER BY v.id",
                sorted(row_ids),
                SQL.identifier(table),
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _check_journal(self):
        """Refuse, before anything is written, a journal that names anything a
        merge does not write: a table or column other than those Odoo's merge
        and this addon journal (see ``_journal``), a row that was not a
        duplicate's, a user account or card of another customer."""
        journal = self.journal
        try:
            if not isinstance(journal, dict) or not set(journal) <= JOURNAL_KEYS:
                self._refuse_journal(_("unknown entries"))
            if not {"fk", "rel", "ref", "master", "users"} <= set(journal):
                self._refuse_journal(_("unknown entries"))
            self._check_journal_moves(journal)
            self._check_journal_removed(journal)
            self._check_journal_customers(journal)
            self._check_journal_clashes(journal)
            self._check_journal_defaults(journal)
        except (TypeError, ValueError, KeyError, AttributeError):
            # not even the shape of a journal
            self._refuse_journal(_("unknown entries"))

    @api.model
    def _refuse_journal(self, what):
        raise UserError(
            _(
                "This merge cannot be undone: its journal names %s, which a "
                "customer merge never changes.",
                what,
            )
        )

    def _check_journal_moves(self, journal):
        """Rows moved or rewritten: only the columns that point to a customer,
        only back to a duplicate."""
        duplicate_ids = set(json.loads(self.merged_ids or "[]"))
        transient = self._journal_transient_tables()
        foreign_keys, columns = self._journal_foreign_keys(transient)
        references = {(table, id_column) for table, _m, id_column in REFERENCE_TABLES}
        allowed = {
            # [table, column, [[id, old], ...]]
            "fk": {
                (table, column)
                for table, column in foreign_keys
                if "id" in columns.get(table, [])
            },
            "ref": references,
            "refv": {
                (Model._table, fname)
                for Model, fname in self._journal_reference_fields(transient)
            },
            "company": {
                (Model._table, fname)
                for Model, fname in self._journal_company_fields(transient)
            },
        }
        olds = {
            "fk": duplicate_ids,
            "ref": duplicate_ids,
            "refv": {f"res.partner,{pid}" for pid in duplicate_ids},
        }
        for key, targets in allowed.items():
            for table, column, rows in journal.get(key, []):
                if (table, column) not in targets:
                    self._refuse_journal(f"{table}.{column}")
                if key == "company":
                    ok = all(
                        is_id(row_id) and isinstance(old, str) for row_id, old in rows
                    )
                else:
                    ok = pairs(rows, olds[key])
                if not ok:
                    self._refuse_journal(f"{table}.{column}")
        # many2many tables: [table, column, other column, [[other, old]], had]
        foreign_keys = set(foreign_keys)
        for table, column, other, rows, had in journal["rel"]:
            if (table, column) not in foreign_keys or sorted(
                columns.get(table, [])
            ) != sorted([column, other]):
                self._refuse_journal(f"{table}.{column}")
            if not (pairs(rows, duplicate_ids) and all(is_id(key) for key in had)):
                self._refuse_journal(f"{table}.{column}")

    def _check_journal_removed(self, journal):
        """Rows deleted by the merge (a unique index): only the duplicates'."""
        duplicate_ids = set(json.loads(self.merged_ids or "[]"))
        foreign_keys, columns = self._journal_foreign_keys(
            self._journal_transient_tables()
        )
        unique = {
            (table, column)
            for table, column in self._journal_unique_columns(foreign_keys)
            if (table, column) in foreign_keys and "id" in columns.get(table, [])
        }
        for table, rows in journal.get("removed", []):
            keys = [column for t, column in unique if t == table]
            if not keys and table != "mail_followers":
                self._refuse_journal(table)
            for row in rows:
                value = json.loads(row)
                if not isinstance(value, dict) or not is_id(value.get("id")):
                    self._refuse_journal(table)
                if table == "mail_followers":
                    ours = (
                        value.get("res_model") == "res.partner"
                        and value.get("res_id") in duplicate_ids
                    ) or value.get("partner_id") in duplicate_ids
                    ours = ours and all(is_id(s) for s in value.get("subtype_ids", []))
                else:
                    ours = "subtype_ids" not in value and any(
                        value.get(column) in duplicate_ids for column in keys
                    )
                if not ours:
                    self._refuse_journal(table)

    def _check_journal_customers(self, journal):
        """The master's own values, user accounts and loyalty cards: only
        those of the customers merged."""
        customer_ids = set(json.loads(self.merged_ids or "[]")) | {self.master_id.id}
        if not set(journal["master"]) <= set(MASTER_FIELDS):
            self._refuse_journal(_("other fields of the master"))
        Users = self.env["res.users"].sudo().with_context(active_test=False)
        for user_id, partner_id, holder_id in journal["users"]:
            # a portal account moved to an archived copy of its customer
            user = Users.browse(user_id).exists() if is_id(user_id) else Users
            if (
                partner_id not in customer_ids
                or holder_id in customer_ids
                or not user
                or not user.share
                or user.partner_id.id != holder_id
                or user.partner_id.active
            ):
                self._refuse_journal("res_users")
        Card = self.env["loyalty.card"].sudo().with_context(active_test=False)
        for card_id, points, active, history_ids, kept_id in journal.get("cards", []):
            if not (
                all(is_id(value) for value in (card_id, kept_id, *history_ids))
                and isinstance(points, int | float)
                and isinstance(active, bool)
            ):
                self._refuse_journal("loyalty_card")
            cards = Card.browse([card_id, kept_id]).exists()
            if not set(cards.partner_id.ids) <= customer_ids:
                self._refuse_journal("loyalty_card")

    def _check_journal_clashes(self, journal):
        """What a clash rule changed: only rows of the master, only what the
        rule changes (a follower's subtypes, a consent's answer)."""
        master_id = self.master_id.id
        cr = self.env.cr
        for entry in journal.get("clash", []):
            if not (isinstance(entry, list) and len(entry) == 3 and is_id(entry[1])):
                self._refuse_journal(_("unknown entries"))
            table, row_id, change = entry
            if table == "mail_followers":
                if not (isinstance(change, list) and all(is_id(s) for s in change)):
                    self._refuse_journal(table)
                cr.execute(
                    SQL(
                        "SELECT 1 FROM mail_followers WHERE id = %s AND ("
                        "partner_id = %s OR (res_model = 'res.partner' AND "
                        "res_id = %s))",
                        row_id,
                        master_id,
                        master_id,
                    )
                )
            elif table == "privacy_consent":
                if not (
                    isinstance(change, dict)
                    and set(change) == CLASH_CONSENT_FIELDS
                    and isinstance(change["accepted"], bool | None)
                    and change["state"] in ("draft", "sent", "answered")
                    and isinstance(change["last_metadata"], str | None)
                ):
                    self._refuse_journal(table)
                cr.execute(
                    SQL(
                        "SELECT 1 FROM privacy_consent WHERE id = %s "
                        "AND partner_id = %s",
                        row_id,
                        master_id,
                    )
                )
            else:
                self._refuse_journal(str(table))
            if not cr.fetchone():
                self._refuse_journal(table)

    def _check_journal_defaults(self, journal):
        """Default values: only those of a customer field, only back to a
        duplicate."""
        rows = journal.get("default", [])
        olds = {str(pid) for pid in json.loads(self.merged_ids or "[]")}
        if not pairs(rows, olds):
            self._refuse_journal("ir_default")
        if not rows:
            return
        self.env.cr.execute(
            SQL(
                "SELECT count(*) FROM ir_default d "
                "JOIN ir_model_fields f ON f.id = d.field_id "
                "WHERE d.id = ANY(%s) AND f.ttype = 'many2one' "
                "AND f.relation = 'res.partner'",
                [row_id for row_id, _old in rows],
            )
        )
        if self.env.cr.fetchone()[0] != len({row_id for row_id, _old in rows}):
            self._refuse_journal("ir_default")

    @api.model
    def _table_label(self, table):
        """What a table holds, in the user's words: its model, or the field
        of a many2many table; the table's name when neither is known."""
        IrModel = self.env["ir.model"]
        for name, model in self.env.registry.items():
            if model._table == table and not model._abstract:
                return IrModel._get(name).name
        for name, model in self.env.registry.items():
            for field in model._fields.values():
                if field.type == "many2many" and field.relation == table:
                    label = field._description_string(self.env)
                    return f"{label} ({IrModel._get(name).name})"
        return table

    # ------------------------------------------------------------ BUSINESS
    @api.model
    def _cron_purge(self):
        """Delete the duplicates of merges older than the undo delay, each
        merge in a savepoint: one that cannot be purged (a duplicate still
        referenced...) is logged and retried the next night, the others go
        on."""
        limit = fields.Datetime.now() - timedelta(days=self._undo_days())
        logs = self.search([("state", "=", "done"), ("create_date", "<", limit)])
        for log in logs:
            try:
                with self.env.cr.savepoint():
                    log._duplicates().unlink()
                    log.sudo().write({"state": "final", "journal": False})
            except Exception:
                _logger.exception(
                    "Merge purge: the duplicates of merge log %s could not be "
                    "deleted, left for the next run",
                    log.id,
                )
