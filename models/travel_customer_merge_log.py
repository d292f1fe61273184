# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from datetime import date, timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

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


class TravelCustomerMergeLog(models.Model):
    """Who merged which customers into which master, and what moved.

    The journal lists every row the merge moved from a duplicate to the
    master, so that "Undo merge" can move them back while the duplicates are
    archived (they are deleted once the undo delay has passed).
    """

    _name = "travel.customer.merge.log"
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
    journal = fields.Json(readonly=True, copy=False)
    state = fields.Selection(
        [("done", "Merged"), ("undone", "Undone"), ("final", "Final")],
        default="done",
        required=True,
        readonly=True,
    )
    undo_deadline = fields.Datetime(
        compute="_compute_undo_deadline", string="Undo possible until"
    )

    @api.depends("create_date")
    def _compute_undo_deadline(self):
        days = self._undo_days()
        for log in self:
            log.undo_deadline = log.create_date and log.create_date + timedelta(
                days=days
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
        self.env.flush_all()
        cr = self.env.cr
        ids = tuple(duplicates.ids)
        journal = {"fk": [], "rel": [], "ref": [], "master": {}, "users": []}
        core = self.env["base.partner.merge.automatic.wizard"]
        # rows of wizards are deleted within hours: nothing to put back
        transient = core._travel_tables(
            self.env[name]
            for name, model in self.env.registry.items()
            if model._transient
        )
        foreign_keys = [
            (table, column)
            for table, column in core._get_fk_on("res_partner")
            if table not in transient
        ]
        cr.execute(
            "SELECT table_name, array_agg(column_name::text) "
            "FROM information_schema.columns WHERE table_name IN %s "
            "GROUP BY table_name",
            [tuple({table for table, _column in foreign_keys})],
        )
        columns = dict(cr.fetchall())
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
        journal["unique"] = self._journal_unique_rows(foreign_keys, columns, ids)
        values = master.read(list(MASTER_FIELDS))[0]
        journal["master"] = {
            fname: self._journal_value(value)
            for fname, value in values.items()
            if fname != "id"
        }
        return journal

    @api.model
    def _journal_unique_rows(self, foreign_keys, columns, ids):
        """The duplicates' rows that a unique index may keep from moving to
        the master (a consent for a purpose the master answered too, a
        follower of both): Odoo's merge deletes those, the journal keeps them
        whole (``[table, [row as JSON, ...]]``) so that an undo puts them back.
        Followers also keep their subtypes."""
        cr = self.env.cr
        cr.execute(
            """
            SELECT DISTINCT t.relname, a.attname
            FROM pg_index i
            JOIN pg_class t ON t.oid = i.indrelid
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(i.indkey)
            WHERE i.indisunique AND NOT i.indisprimary AND t.relname IN %s
            """,
            [tuple({table for table, _column in foreign_keys}) or ("",)],
        )
        unique = set(cr.fetchall())
        queries = [
            (
                table,
                SQL(
                    "SELECT to_jsonb(t)::text FROM %s t WHERE %s IN %s",
                    SQL.identifier(table),
                    SQL.identifier(column),
                    ids,
                ),
            )
            for table, column in foreign_keys
            if (table, column) in unique and "id" in columns.get(table, [])
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
                    "WHERE f.res_model = 'res.partner' AND f.res_id IN %s",
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
    def _journal_values(self, ids, transient):
        """Rows whose reference field ("res.partner,<id>") or company-dependent
        customer field ({company: id}) names a duplicate: Odoo's merge rewrites
        them in place, the journal keeps the old value."""
        cr = self.env.cr
        references, company = [], []
        for field in (
            self.env["ir.model.fields"]
            .sudo()
            .search([("ttype", "=", "reference"), ("store", "=", True)])
        ):
            Model = self.env.get(field.model)
            column = Model is not None and Model._fields.get(field.name)
            if not column or Model._abstract or column.compute or not column.store:
                continue
            if Model._table in transient or not Model._auto:
                continue
            cr.execute(
                SQL(
                    "SELECT id, %s FROM %s WHERE %s = ANY(%s)",
                    SQL.identifier(field.name),
                    SQL.identifier(Model._table),
                    SQL.identifier(field.name),
                    [f"res.partner,{pid}" for pid in ids],
                )
            )
            rows = cr.fetchall()
            if rows:
                references.append([Model._table, field.name, rows])
        for field in self.env.registry.many2one_company_dependents["res.partner"]:
            Model = self.env[field.model_name]
            if Model._table in transient:
                continue
            cr.execute(
                SQL(
                    "SELECT id, %(column)s::text FROM %(table)s t WHERE EXISTS ("
                    "SELECT 1 FROM jsonb_each_text(t.%(column)s) AS e "
                    "WHERE e.value ~ '^[0-9]+$' AND e.value::int = ANY(%(ids)s))",
                    column=SQL.identifier(field.name),
                    table=SQL.identifier(Model._table),
                    ids=list(ids),
                )
            )
            rows = cr.fetchall()
            if rows:
                company.append([Model._table, field.name, rows])
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
        if not self.env.user.has_group("travel_customer.group_travel_user"):
            raise AccessError(_("Only Travel customers users can undo a merge."))
        self.ensure_one()
        self._check_undo()
        cr = self.env.cr
        self.env.flush_all()
        master = self.master_id
        journal = self.journal
        # loyalty cards (e-wallets) get their points, state and history back
        Card = self.env["loyalty.card"].sudo().with_context(active_test=False)
        for card_id, points, active, history_ids, kept_id in journal.get("cards", []):
            card = Card.browse(card_id).exists()
            if not card:
                continue
            self.env["loyalty.history"].sudo().browse(history_ids).exists().filtered(
                lambda line, kept_id=kept_id: line.card_id.id == kept_id
            ).card_id = card
            card.write({"points": points, "active": active})
        self.env.flush_all()
        # one statement per table: the journal's rows go back where they were
        # if they still hold the master (its id; "res.partner,<id>" in
        # reference fields); rows moved elsewhere since stay where they are
        moved = [
            (entry, SQL("int"), master.id) for entry in journal["fk"] + journal["ref"]
        ] + [
            (entry, SQL("varchar"), f"res.partner,{master.id}")
            for entry in journal.get("refv", [])
        ]
        for (table, column, rows), kind, now in moved:
            row_ids, olds = zip(*rows, strict=True)
            cr.execute(
                SQL(
                    "UPDATE %s t SET %s = v.old "
                    "FROM unnest(%s::int[], %s::%s[]) AS v(id, old) "
                    "WHERE t.id = v.id AND t.%s = %s",
                    SQL.identifier(table),
                    SQL.identifier(column),
                    list(row_ids),
                    list(olds),
                    kind,
                    SQL.identifier(column),
                    now,
                )
            )
        duplicate_ids = json.loads(self.merged_ids or "[]")
        for table, column, rows in journal.get("company", []):
            row_ids, olds = zip(*rows, strict=True)
            # back to the old value where it is still what the merge made of it
            cr.execute(
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
        for table, column, other, rows, had in journal["rel"]:
            others, olds = zip(*rows, strict=True)
            # what the merge gave the master (a tag...) is the duplicates' again
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
        # the duplicates' rows the merge deleted (the master had the same)
        for table, rows in journal.get("removed", []):
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
        self.env.invalidate_all()
        duplicates = self._duplicates()
        duplicates.write({"active": True, "travel_merged_into_id": False})
        for user_id, partner_id, holder_id in journal["users"]:
            user = self.env["res.users"].sudo().browse(user_id)
            holder = self.env["res.partner"].sudo().browse(holder_id)
            user.write({"partner_id": partner_id, "active": True})
            holder.unlink()
        master.with_context(travel_merge_undo=True).write(journal["master"])
        self.state = "undone"
        master.message_post(
            body=Markup("<p>%s</p>")
            % _("Merge undone: %s restored.", ", ".join(duplicates.mapped("name")))
        )
        return True

    def _duplicates(self):
        return (
            self.env["res.partner"]
            .with_context(active_test=False)
            .browse(json.loads(self.merged_ids or "[]"))
            .exists()
        )

    def _check_undo(self):
        """Refuse, with the reason, an undo that cannot restore everything."""
        if self.master_id.travel_anonymized:
            raise UserError(
                _("The master customer has been anonymized: the merge is final.")
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
        cr = self.env.cr
        removed = {
            (table, json.loads(row)["id"])
            for table, rows in self.journal.get("removed", [])
            for row in rows
        }
        for table, _column, rows in self.journal["fk"] + self.journal["ref"]:
            row_ids = tuple(
                {row_id for row_id, _old in rows if (table, row_id) not in removed}
            )
            if not row_ids:
                continue
            cr.execute(
                SQL(
                    "SELECT count(*) FROM %s WHERE id IN %s",
                    SQL.identifier(table),
                    row_ids,
                )
            )
            if cr.fetchone()[0] != len(row_ids):
                raise UserError(
                    _(
                        "A record moved by this merge has been deleted since "
                        "(%s): the merge cannot be undone.",
                        self._table_label(table),
                    )
                )

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
        """Delete the duplicates of merges older than the undo delay."""
        limit = fields.Datetime.now() - timedelta(days=self._undo_days())
        logs = self.search([("state", "=", "done"), ("create_date", "<", limit)])
        for log in logs:
            log._duplicates().unlink()
        logs.write({"state": "final", "journal": False})
