# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import re

import psycopg2

from odoo import Command, api, models
from odoo.tools import SQL, mute_logger

# The customer merge dialog's models: their rows are not data to move.
MERGE_DIALOG_MODELS = (
    "travel.customer.merge",
    "travel.customer.merge.line",
    "travel.customer.merge.field",
)
_logger = logging.getLogger(__name__)
# Key of the transaction's cache (out of the client's reach) where the merge
# lists what it changed on the master's own rows when a duplicate's row
# clashed with one of them (see ``_travel_clash_*``): the journal takes it.
MERGE_CLASH_KEY = "travel_customer.merge_clashes"


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    """Odoo's merge machinery, made to lose nothing, and its doors (the
    Contacts "Merge" action, its automatic mode) sent through the customer
    merge's rules, journal and undo."""

    _inherit = "base.partner.merge.automatic.wizard"

    def _get_fk_on(self, table):
        dialog = self._travel_tables(self.env[name] for name in MERGE_DIALOG_MODELS)
        references = sorted(
            (fk_table, column)
            for fk_table, column in super()._get_fk_on(table)
            if fk_table not in dialog
        )
        # a reseller's assignments point to it without a database foreign key
        # (see travel.departure.assignment): they move to the master too
        if table == "res_partner":
            references.append(("travel_departure_assignment", "partner_id"))
        return references

    # ------------------------------------------------------------ DOORS
    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        """Every door of Odoo's merge (the Contacts list's "Merge", the
        automatic merge) merges customers as the customer merge does: same
        refusals, duplicates archived, journal, undo."""
        Partner = self.env["res.partner"]
        partners = Partner.browse(partner_ids).exists()
        if len(partners) < 2:
            return None
        if not dst_partner or dst_partner not in partners:
            dst_partner = self._get_ordered_partner(partners.ids)[-1]
        self.env["travel.customer.merge"]._merge_customers(
            dst_partner, partners - dst_partner
        )
        return None

    def _travel_merge(self, src_partners, dst_partner):
        """Odoo's ``_merge`` once the customer merge has checked everything
        (parents, user accounts): all duplicates in one pass, not three
        contacts a call."""
        if dst_partner.company_id:
            (src_partners | dst_partner).user_ids.sudo().write(
                {
                    "company_ids": [Command.link(dst_partner.company_id.id)],
                    "company_id": dst_partner.company_id.id,
                }
            )
        self._merge_bank_accounts(src_partners, dst_partner)
        self._update_foreign_keys(src_partners, dst_partner)
        self._update_reference_fields(src_partners, dst_partner)
        self._update_values(src_partners, dst_partner)
        self.env.add_to_compute(dst_partner._fields["partner_share"], dst_partner)
        self._log_merge_operation(src_partners, dst_partner)
        # archived, not deleted (see res.partner's unlink)
        src_partners.unlink()

    # ------------------------------------------------------------ FOREIGN KEYS
    @api.model
    def _update_foreign_keys_generic(self, model, src_records, dst_record):
        """Odoo deletes all of a duplicate's rows of a table as soon as one
        clashes with a unique index. Here, per table, one statement moves
        the rows that do not clash; the others follow the rule of their
        kind (``_travel_clash_<table>``), and what is still dropped was
        journaled by the customer merge before (``_journal``)."""
        if model != "res.partner" or not src_records:
            return super()._update_foreign_keys_generic(model, src_records, dst_record)
        self.env.flush_all()
        self.env.invalidate_all()
        ids = tuple(src_records.ids)
        for table, column, columns, indexes in self._travel_fk_plan():
            others = [c for c in columns if c != column]
            if "id" not in others:
                self._travel_move_relation(table, column, others, ids, dst_record.id)
            elif indexes:
                self._travel_move_unique(
                    table, column, columns, indexes, ids, dst_record.id
                )
            else:
                self._travel_move_plain(table, column, ids, dst_record.id)
        self.env.invalidate_all()
        return None

    @api.model
    def _travel_fk_plan(self):
        """How the merge moves each column that points to a customer:
        ``[(table, column, its table's columns, the unique indexes that use
        the column), ...]``, read from PostgreSQL's catalogue."""
        cr = self.env.cr
        relations = [
            (table, column)
            for table, column in self._get_fk_on("res_partner")
            if "base_partner_merge_" not in table
        ]
        tables = tuple({table for table, _column in relations})
        cr.execute(
            SQL(
                "SELECT c.relname, array_agg(a.attname::text ORDER BY a.attnum) "
                "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
                "WHERE c.relname IN %s AND c.relkind IN ('r', 'p') "
                "AND a.attnum > 0 AND NOT a.attisdropped GROUP BY c.relname",
                tables,
            )
        )
        columns = dict(cr.fetchall())
        indexes = self._travel_unique_indexes(tables)
        return [
            (
                table,
                column,
                columns[table],
                [
                    i
                    for i in indexes.get(table, [])
                    if self._travel_index_uses(i, column)
                ],
            )
            for table, column in relations
            if len(columns.get(table, [])) > 1
        ]

    @api.model
    def _travel_clash_counts(self, src_partners, dst_partner):
        """How many rows of the duplicates cannot move, per table that has
        some: ``[(table, count), ...]`` (the merge dialog's preview)."""
        self.env.flush_all()
        ids = tuple(src_partners.ids)
        counts = {}
        for table, column, columns, indexes in self._travel_fk_plan():
            if indexes and "id" in columns:
                clashing = self._travel_clashing_rows(
                    table, column, columns, indexes, ids, dst_partner.id
                )
                if clashing:
                    counts[table] = counts.get(table, 0) + len(clashing)
            elif "id" not in columns:
                others = [c for c in columns if c != column]
                self.env.cr.execute(
                    SQL(
                        "SELECT count(*) FROM %(table)s d WHERE d.%(column)s IN "
                        "%(ids)s AND %(master_has)s",
                        table=SQL.identifier(table),
                        column=SQL.identifier(column),
                        ids=ids,
                        master_has=self._travel_master_has_row(
                            table, column, others, dst_partner.id
                        ),
                    )
                )
                count = self.env.cr.fetchone()[0]
                if count:
                    counts[table] = counts.get(table, 0) + count
        # the duplicates' own followers who follow the master too
        self.env.cr.execute(
            SQL(
                "SELECT count(*) FROM mail_followers d "
                "WHERE d.res_model = 'res.partner' AND d.res_id IN %s "
                "AND EXISTS (SELECT 1 FROM mail_followers m "
                "WHERE m.res_model = 'res.partner' AND m.res_id = %s "
                "AND m.partner_id = d.partner_id)",
                ids,
                dst_partner.id,
            )
        )
        count = self.env.cr.fetchone()[0]
        if count:
            counts["mail_followers"] = counts.get("mail_followers", 0) + count
        return sorted(counts.items())

    @api.model
    def _travel_unique_indexes(self, tables):
        """The unique indexes of ``tables`` but their primary keys, read
        from PostgreSQL's catalogue: ``{table: [{"keys": [SQL text of each
        key], "where": SQL text of the predicate or None, "nulls_equal":
        bool}, ...]}`` (partial and expression indexes alike)."""
        if not tables:
            return {}
        self.env.cr.execute(
            SQL(
                """
                SELECT t.relname,
                       ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true)
                             FROM generate_series(1, i.indnkeyatts) AS k),
                       pg_get_expr(i.indpred, i.indrelid, true),
                       i.indnullsnotdistinct
                FROM pg_index i
                JOIN pg_class t ON t.oid = i.indrelid
                WHERE i.indisunique AND NOT i.indisprimary AND t.relname IN %s
                ORDER BY t.relname, i.indexrelid
                """,
                tuple(tables),
            )
        )
        found = {}
        for table, keys, where, nulls_equal in self.env.cr.fetchall():
            found.setdefault(table, []).append(
                {"keys": keys, "where": where, "nulls_equal": nulls_equal}
            )
        return found

    @api.model
    def _travel_index_uses(self, index, column):
        """Whether ``column`` is a key of ``index``, or appears in one of its
        expressions or its predicate."""
        word = re.compile(rf'(?<![\w"]){re.escape(column)}(?![\w"])|"{column}"')
        return any(word.search(text) for text in [*index["keys"], index["where"] or ""])

    @staticmethod
    def _travel_sql(text):
        """SQL text read from the catalogue (an index's expression), as a
        piece of a query."""
        return SQL(text.replace("%", "%%"))

    def _travel_move_plain(self, table, column, ids, dst_id):
        """No unique index on the column: every row moves. Where another
        constraint refuses (Odoo then deletes them all), they stay with
        the archived duplicates: nothing is lost, an undo has nothing to do."""
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                self.env.cr.execute(
                    SQL(
                        "UPDATE %s SET %s = %s WHERE %s IN %s",
                        SQL.identifier(table),
                        SQL.identifier(column),
                        dst_id,
                        SQL.identifier(column),
                        ids,
                    )
                )
        except psycopg2.IntegrityError as error:
            # a constraint (not a dropped connection: that one ends the merge)
            _logger.warning(
                "Merge: rows of %s left with the duplicates %s: %s", table, ids, error
            )

    def _travel_move_relation(self, table, column, others, ids, dst_id):
        """A many2many table: the pairs the master does not have move (one
        per value); the others stay with the archived duplicates."""
        self.env.cr.execute(
            SQL(
                "UPDATE %(table)s t SET %(column)s = %(dst)s WHERE t.ctid IN ("
                "  SELECT DISTINCT ON (%(others)s) d.ctid FROM %(table)s d"
                "  WHERE d.%(column)s IN %(ids)s AND NOT %(master_has)s"
                "  ORDER BY %(others)s, d.%(column)s)",
                table=SQL.identifier(table),
                column=SQL.identifier(column),
                dst=dst_id,
                others=SQL(", ").join(
                    SQL("d.%s", SQL.identifier(other)) for other in others
                ),
                ids=ids,
                master_has=self._travel_master_has_row(table, column, others, dst_id),
            )
        )

    @api.model
    def _travel_master_has_row(self, table, column, others, dst_id):
        """SQL: the master already has the row ``d`` of the many2many
        ``table`` (a row with its values in the ``others`` columns)."""
        return SQL(
            "EXISTS (SELECT 1 FROM %(table)s m WHERE m.%(column)s = %(dst)s "
            "AND %(same)s)",
            table=SQL.identifier(table),
            column=SQL.identifier(column),
            dst=dst_id,
            same=SQL(" AND ").join(
                SQL("m.%s = d.%s", SQL.identifier(other), SQL.identifier(other))
                for other in others
            ),
        )

    def _travel_move_unique(self, table, column, all_columns, indexes, ids, dst_id):
        """Move the duplicates' rows of ``table`` that clash with no row of
        the master under ``indexes`` (nor with each other), then apply the
        rule of the table's kind to the others, and drop what is left."""
        cr = self.env.cr
        clashing = self._travel_clashing_rows(
            table, column, all_columns, indexes, ids, dst_id
        )
        cr.execute(
            SQL(
                "UPDATE %s SET %s = %s WHERE %s IN %s AND NOT id = ANY(%s)",
                SQL.identifier(table),
                SQL.identifier(column),
                dst_id,
                SQL.identifier(column),
                ids,
                clashing,
            )
        )
        if not clashing:
            return
        rule = getattr(self, f"_travel_clash_{table}", None)
        if rule:
            rule(column, clashing, dst_id)
        # the master's row is kept; the duplicates' copy was journaled
        cr.execute(
            SQL("DELETE FROM %s WHERE id = ANY(%s)", SQL.identifier(table), clashing)
        )

    @api.model
    def _travel_clashing_rows(self, table, column, all_columns, indexes, ids, dst_id):
        """The ids of the rows of ``table`` whose ``column`` is in ``ids``
        that cannot move to ``dst_id``: under one of the unique ``indexes``
        (their predicate, expressions and NULLs as PostgreSQL applies them),
        a row of the master has the same values, or another duplicate's row
        with a lower id does."""
        cr = self.env.cr
        # the duplicates' rows as they would be once moved, under the
        # table's own name so that the indexes' expressions apply as written
        moved = SQL(
            "(SELECT %s FROM %s WHERE %s IN %s) AS %s",
            SQL(", ").join(
                SQL("%s::int AS %s", dst_id, SQL.identifier(name))
                if name == column
                else SQL.identifier(name)
                for name in all_columns
            ),
            SQL.identifier(table),
            SQL.identifier(column),
            ids,
            SQL.identifier(table),
        )
        selects, blocked, mutual = [SQL("id")], [], []
        for n, index in enumerate(indexes):
            index_selects, index_blocked, index_mutual = self._travel_index_clashes(
                table, column, ids, n, index
            )
            selects += index_selects
            blocked.append(index_blocked)
            mutual.append(index_mutual)
        cr.execute(
            SQL(
                "WITH mv AS (SELECT %s FROM %s), "
                "blocked AS (SELECT id FROM mv WHERE %s), "
                "free AS (SELECT * FROM mv WHERE id NOT IN (SELECT id FROM blocked)) "
                "SELECT id FROM blocked UNION %s ORDER BY id",
                SQL(", ").join(selects),
                moved,
                SQL(" OR ").join(blocked),
                SQL(" UNION ").join(mutual),
            )
        )
        return [row[0] for row in cr.fetchall()]

    @api.model
    def _travel_index_clashes(self, table, column, ids, n, index):
        """The parts of ``_travel_clashing_rows``' query for the ``n``-th
        unique ``index``: ``(selects, blocked, mutual)``, the moved rows' keys
        and predicate (``k<n>_<k>``, ``p<n>``), the condition of a moved row
        that a row of the master blocks, and the query of the moved rows that
        clash with a lower one (NULLs distinct unless the index says not)."""
        keys = [self._travel_sql(key) for key in index["keys"]]
        names = [SQL.identifier(f"k{n}_{k}") for k in range(len(keys))]
        where = self._travel_sql(index["where"] or "TRUE")
        predicate = SQL.identifier(f"p{n}")
        selects = [
            SQL("%s AS %s", key, name) for key, name in zip(keys, names, strict=False)
        ]
        selects.append(SQL("(%s) AS %s", where, predicate))
        equal = SQL("IS NOT DISTINCT FROM") if index["nulls_equal"] else SQL("=")
        blocked = SQL(
            "(mv.%s AND EXISTS (SELECT 1 FROM %s WHERE (%s) AND %s NOT IN %s AND %s))",
            predicate,
            SQL.identifier(table),
            where,
            SQL.identifier(column),
            ids,
            SQL(" AND ").join(
                SQL("(%s) %s mv.%s", key, equal, name)
                for key, name in zip(keys, names, strict=False)
            ),
        )
        not_null = (
            SQL("TRUE")
            if index["nulls_equal"]
            else SQL(" AND ").join(SQL("%s IS NOT NULL", name) for name in names)
        )
        mutual = SQL(
            "SELECT id FROM (SELECT id, %s AND %s AS clash, row_number() "
            "OVER (PARTITION BY %s, %s ORDER BY id) AS n FROM free) r "
            "WHERE clash AND n > 1",
            predicate,
            not_null,
            predicate,
            SQL(", ").join(names),
        )
        return selects, blocked, mutual

    # ------------------------------------------------------------ CLASH RULES
    @api.model
    def _travel_clash_journal(self, entry):
        """What a clash rule changed on the master's rows, for the undo."""
        self.env.cr.cache.setdefault(MERGE_CLASH_KEY, []).append(entry)

    def _travel_clash_mail_followers(self, column, clashing, dst_id):
        """Followers: the master's row gets the union of the subtypes."""
        if column != "partner_id":
            return
        self._travel_union_subtypes(
            SQL(
                "m.res_model = d.res_model AND m.res_id = d.res_id "
                "AND m.partner_id = %s",
                dst_id,
            ),
            clashing,
        )

    def _travel_union_subtypes(self, match, clashing):
        cr = self.env.cr
        cr.execute(
            SQL(
                "INSERT INTO mail_followers_mail_message_subtype_rel "
                "(mail_followers_id, mail_message_subtype_id) "
                "SELECT DISTINCT m.id, r.mail_message_subtype_id "
                "FROM mail_followers d "
                "JOIN mail_followers m ON %s AND m.id != d.id "
                "JOIN mail_followers_mail_message_subtype_rel r "
                "  ON r.mail_followers_id = d.id "
                "WHERE d.id = ANY(%s) ON CONFLICT DO NOTHING "
                "RETURNING mail_followers_id, mail_message_subtype_id",
                match,
                clashing,
            )
        )
        added = {}
        for follower, subtype in cr.fetchall():
            added.setdefault(follower, []).append(subtype)
        for follower, subtypes in sorted(added.items()):
            self._travel_clash_journal(["mail_followers", follower, sorted(subtypes)])

    def _travel_clash_privacy_consent(self, column, clashing, dst_id):
        """Consents: a refusal given by a duplicate wins over the master's
        answer for the same purpose."""
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT DISTINCT ON (m.id) m.id, m.accepted, m.state, "
                "m.last_metadata, d.last_metadata "
                "FROM privacy_consent d JOIN privacy_consent m "
                "  ON m.activity_id = d.activity_id AND m.partner_id = %s "
                "WHERE d.id = ANY(%s) AND d.state = 'answered' "
                "  AND NOT coalesce(d.accepted, FALSE) "
                "  AND (coalesce(m.accepted, FALSE) OR m.state != 'answered') "
                "ORDER BY m.id, d.id",
                dst_id,
                clashing,
            )
        )
        for consent_id, accepted, state, metadata, refusal in cr.fetchall():
            self._travel_clash_journal(
                [
                    "privacy_consent",
                    consent_id,
                    {"accepted": accepted, "state": state, "last_metadata": metadata},
                ]
            )
            cr.execute(
                SQL(
                    "UPDATE privacy_consent SET accepted = FALSE, "
                    "state = 'answered', last_metadata = %s WHERE id = %s",
                    refusal,
                    consent_id,
                )
            )

    # ------------------------------------------------------------ REFERENCES
    @api.model
    def _update_reference_fields(self, src_partners, dst_partner):
        """The duplicates' own followers: one per follower moves, a follower
        of both keeps the union of its subtypes (Odoo drops them all on a
        clash); default values (``ir.default``) pointing to a duplicate point
        to the master (Odoo does it for company-dependent fields only)."""
        cr = self.env.cr
        self.env.flush_all()
        ids = tuple(src_partners.ids)
        cr.execute(
            SQL(
                "UPDATE mail_followers SET res_id = %(dst)s WHERE id IN ("
                "  SELECT DISTINCT ON (d.partner_id) d.id FROM mail_followers d"
                "  WHERE d.res_model = 'res.partner' AND d.res_id IN %(ids)s"
                "  AND NOT EXISTS (SELECT 1 FROM mail_followers m"
                "    WHERE m.res_model = 'res.partner' AND m.res_id = %(dst)s"
                "    AND m.partner_id = d.partner_id)"
                "  ORDER BY d.partner_id, d.id)",
                dst=dst_partner.id,
                ids=ids,
            )
        )
        cr.execute(
            SQL(
                "SELECT id FROM mail_followers "
                "WHERE res_model = 'res.partner' AND res_id IN %s ORDER BY id",
                ids,
            )
        )
        clashing = [row[0] for row in cr.fetchall()]
        if clashing:
            self._travel_union_subtypes(
                SQL(
                    "m.res_model = 'res.partner' AND m.res_id = %s "
                    "AND m.partner_id = d.partner_id",
                    dst_partner.id,
                ),
                clashing,
            )
            cr.execute(SQL("DELETE FROM mail_followers WHERE id = ANY(%s)", clashing))
        self.env.invalidate_all()
        result = super()._update_reference_fields(src_partners, dst_partner)
        cr.execute(
            SQL(
                "UPDATE ir_default d SET json_value = %s FROM ir_model_fields f "
                "WHERE f.id = d.field_id AND f.ttype = 'many2one' "
                "AND f.relation = 'res.partner' AND d.json_value = ANY(%s)",
                str(dst_partner.id),
                [str(pid) for pid in ids],
            )
        )
        if cr.rowcount:
            self.env.registry.clear_cache()
        return result

    @api.model
    def _update_reference_fields_generic(
        self,
        referenced_model,
        src_records,
        dst_record,
        additional_update_records=None,
    ):
        """Odoo's, but writing only the records there are: Odoo writes each
        model's (none most of the time) through the ORM, and an empty write
        on some models (external ids, menus, actions) clears every cache of
        the registry, which makes the rest of the merge slow."""
        if referenced_model != "res.partner" or not src_records:
            return super()._update_reference_fields_generic(
                referenced_model, src_records, dst_record, additional_update_records
            )
        ids = src_records.ids
        references = [
            ("ir.attachment", "res_model"),
            ("mail.followers", "res_model"),
            ("mail.activity", "res_model"),
            ("mail.message", "model"),
            ("ir.model.data", "model"),
        ] + [
            (update["model"], update["field_model"])
            for update in additional_update_records or []
        ]
        for model, field_model in references:
            Model = self.env.get(model)
            if Model is None:
                continue
            records = Model.sudo().search(
                [(field_model, "=", referenced_model), ("res_id", "in", ids)]
            )
            if not records:
                continue
            try:
                with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                    records.write({"res_id": dst_record.id})
                    records.flush_recordset(["res_id"])
            except psycopg2.Error:
                records.unlink()
        for Model, fname in self._travel_reference_fields():
            records = Model.sudo().search(
                [(fname, "in", [f"{referenced_model},{pid}" for pid in ids])]
            )
            if records:
                records.write({fname: f"{referenced_model},{dst_record.id}"})
        # company-dependent fields, their fallback values, the duplicates'
        # own company-dependent values: as Odoo does
        self._travel_company_dependent_values(src_records, dst_record)
        return None

    @api.model
    def _travel_reference_fields(self):
        """The stored reference fields Odoo's merge rewrites (not computed,
        of a model with records): ``[(Model, field name), ...]``."""
        found = []
        for field in (
            self.env["ir.model.fields"]
            .sudo()
            .search([("ttype", "=", "reference"), ("store", "=", True)])
        ):
            Model = self.env.get(field.model)
            column = Model is not None and Model._fields.get(field.name)
            if column and not Model._abstract and column.compute is None:
                found.append((Model, field.name))
        return found

    def _travel_company_dependent_values(self, src_records, dst_record):
        """The part of Odoo's ``_update_reference_fields_generic`` about
        company-dependent fields (the same SQL)."""
        cr = self.env.cr
        ids = tuple(src_records.ids)
        for field in self.env.registry.many2one_company_dependents[dst_record._name]:
            cr.execute(
                SQL(
                    "UPDATE %(table)s SET %(field)s = ("
                    "  SELECT jsonb_object_agg(key, CASE WHEN value::int IN %(src)s"
                    "  THEN %(dst)s ELSE value::int END)"
                    "  FROM jsonb_each_text(%(field)s)) "
                    "WHERE %(field)s IS NOT NULL",
                    table=SQL.identifier(self.env[field.model_name]._table),
                    field=SQL.identifier(field.name),
                    src=ids,
                    dst=dst_record.id,
                )
            )
        cr.execute(
            SQL(
                "UPDATE ir_default SET json_value = CASE WHEN json_value::int IN "
                "%(src)s THEN %(dst)s ELSE json_value END FROM ir_model_fields f "
                "WHERE f.id = ir_default.field_id AND f.company_dependent "
                "AND f.relation = %(model)s AND f.ttype = 'many2one' "
                "AND json_value ~ '^[0-9]+$'",
                src=ids,
                dst=str(dst_record.id),
                model=dst_record._name,
            )
        )
        self.env.flush_all()
        with cr.savepoint():
            for fname, field in dst_record._fields.items():
                if not field.company_dependent:
                    continue
                self.env.execute_query(
                    SQL(
                        "WITH source AS (SELECT %(field)s FROM %(table)s "
                        "  WHERE id IN %(src)s ORDER BY id), "
                        "source_agg AS (SELECT jsonb_object_agg(key, value) AS value "
                        "  FROM source, jsonb_each(%(field)s)) "
                        "UPDATE %(table)s SET %(field)s = source_agg.value "
                        "|| COALESCE(%(table)s.%(field)s, '{}'::jsonb) "
                        "FROM source_agg "
                        "WHERE id = %(dst)s AND source_agg.value IS NOT NULL",
                        table=SQL.identifier(dst_record._table),
                        field=SQL.identifier(fname),
                        dst=dst_record.id,
                        src=ids,
                    )
                )

    @api.model
    def _travel_tables(self, models_):
        """The tables of ``models_`` and of their many2many relations."""
        tables = set()
        for model in models_:
            tables.add(model._table)
            tables.update(
                field.relation
                for field in model._fields.values()
                if field.type == "many2many" and field.store
            )
        return tables
