# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json

from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_amount

from ..models.loyalty_card import WALLET_PROGRAM
from ..models.res_partner import CONSENT_KEYS, MERGE_ARCHIVE_KEY
from ..models.travel_customer_merge_log import CHOICE_FIELDS
from .base_partner_merge_automatic_wizard import MERGE_CLASH_KEY

MERGE_MAX_PARAM = "travel_customer.merge_max"
MERGE_MAX_DEFAULT = 50
# What a customer holds, shown in the preview.
COUNT_KEYS = ("bookings", "quotations", "invoices", "participants", "messages")


class TravelCustomerMerge(models.TransientModel):
    """Merge duplicates into one master customer.

    Finds the candidates (``res.partner._travel_similar_customers``), lets the
    user tick them and pick field values, then hands the moving of every
    reference to Odoo's own merge wizard and applies the travel rules.
    """

    _name = "travel.customer.merge"
    _description = "Merge Customers"

    partner_id = fields.Many2one(
        "res.partner",
        string="Master",
        required=True,
        help="The customer that remains; the others are merged into it.",
    )
    line_ids = fields.One2many(
        "travel.customer.merge.line", "wizard_id", string="Customers"
    )
    field_ids = fields.One2many(
        "travel.customer.merge.field", "wizard_id", string="Values to keep"
    )
    add_partner_id = fields.Many2one(
        "res.partner",
        string="Add a customer",
        help="Search any customer to merge it too.",
    )
    include_archived = fields.Boolean(string="Include archived customers")
    preview = fields.Html(compute="_compute_preview", sanitize=False)

    # ------------------------------------------------------------ COMPUTE
    @api.depends("line_ids.selected", "partner_id")
    def _compute_preview(self):
        for wizard in self:
            duplicates = wizard._selected_partners() - wizard.partner_id
            if not duplicates:
                wizard.preview = Markup("<p>%s</p>") % _(
                    "Tick the customers to merge into the master."
                )
                continue
            counts = wizard._counts(duplicates)
            Log = self.env["travel.customer.merge.log"]
            items = Markup("").join(
                Markup("<li>%s</li>")
                % _(
                    "%(customer)s: %(moved)s",
                    customer=p.display_name,
                    moved=Log._counts_in_words(counts[p.id]),
                )
                for p in duplicates
            )
            clashes = wizard._clashes(duplicates)
            wizard.preview = Markup("<p>%s</p><ul>%s</ul>%s") % (
                _(
                    "Everything below moves to %(master)s; the duplicates are "
                    "archived and the merge can be undone from the Merge Log "
                    "for %(days)s days:",
                    master=wizard.partner_id.display_name,
                    days=Log._undo_days(),
                ),
                items,
                Markup("").join(
                    Markup("<div class='alert alert-warning'>%s</div>") % clash
                    for clash in clashes
                ),
            )

    # ------------------------------------------------------------ ONCHANGE
    @api.onchange("add_partner_id")
    def _onchange_add_partner_id(self):
        partner = self.add_partner_id
        if partner and partner not in self.line_ids.partner_id:
            self.line_ids = [
                Command.create({"partner_id": partner.id, "selected": True})
            ]
        self.add_partner_id = False

    @api.onchange("include_archived")
    def _onchange_include_archived(self):
        if self.partner_id:
            self.line_ids = [Command.clear()] + self._candidate_line_commands(
                self.partner_id, self.include_archived, self._selected_partners().ids
            )

    @api.onchange("line_ids", "partner_id")
    def _onchange_fill_field_choices(self):
        self.field_ids = [Command.clear()] + self._field_choice_commands(
            self.partner_id, self._selected_partners()
        )

    # ------------------------------------------------------------ CRUD
    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        partner_id = values.get("partner_id") or (
            self.env.context.get("active_model") == "res.partner"
            and self.env.context.get("active_id")
        )
        if partner_id:
            master = self.env["res.partner"].browse(partner_id)
            values["partner_id"] = partner_id
            # a group of the duplicate scan: its customers come ticked
            values["line_ids"] = self._candidate_line_commands(
                master,
                ticked_ids=self.env.context.get("travel_merge_partner_ids") or [],
            )
            selected = self.env["res.partner"].browse(
                [c[2]["partner_id"] for c in values["line_ids"] if c[2]["selected"]]
            )
            values["field_ids"] = self._field_choice_commands(master, selected)
        return values

    # ------------------------------------------------------------ ACTION
    def action_merge(self):
        """Merge the ticked customers into the master, all or nothing."""
        self.ensure_one()
        master = self.partner_id
        chosen = {
            line.field_name: line._value_to_write()
            for line in self.field_ids
            if line.source_partner_id and line.source_partner_id != master
        }
        self._merge_customers(master, self._selected_partners() - master, chosen)
        return master._get_records_action(context={})

    @api.model
    def _merge_customers(self, master, duplicates, chosen=None):
        """Merge ``duplicates`` into ``master`` (``chosen``: the values the
        user picked among the duplicates'): every door of a merge (this
        dialog, Odoo's Contacts "Merge", its automatic merge) ends here."""
        partners = duplicates | master
        self._check_merge(master, duplicates)
        self._lock(partners)
        counts = self._counts(duplicates)
        names = {p.id: p.display_name for p in duplicates}
        travel_values = self._travel_values(master, duplicates)
        Log = self.env["travel.customer.merge.log"]
        # before the chosen values: an undo puts the master's own back
        journal = Log._journal(master, duplicates)
        if chosen:
            master.write(chosen)
        journal["users"] = self._resolve_users(master, duplicates)
        cards = self._cards_before(partners)
        journal["clash"] = self._merge_core(master, duplicates)
        self._merge_travel_values(master, travel_values)
        journal["cards"] = self._merge_wallets(master, cards)
        Log._journal_removed(journal)
        self.env["travel.duplicate.group"].sudo().search(
            [("state", "=", "open"), ("partner_ids", "in", partners.ids)]
        ).state = "merged"
        # the log is the code's own: read-only for every user
        log = Log.sudo().create(
            {
                "master_id": master.id,
                "user_id": self.env.user.id,
                "journal": journal,
                "merged_ids": json.dumps(list(names)),
                "merged_names": "\n".join(names.values()),
                "counts": json.dumps(counts),
            }
        )
        self._merge_post_summary(master, names, counts)
        return log

    @api.model
    def _merge_core(self, master, duplicates):
        """Odoo's merge, with the duplicates it deletes archived instead (see
        res.partner's unlink), and what it changes on the master's rows when
        they clash noted: returns those changes. The transaction's cache, not
        the context, carries both: only this code can ask for them."""
        cache = self.env.cr.cache
        archive_into = cache.setdefault(MERGE_ARCHIVE_KEY, {})
        archive_into.update(dict.fromkeys(duplicates.ids, master.id))
        cache[MERGE_CLASH_KEY] = []
        try:
            self.env["base.partner.merge.automatic.wizard"]._travel_merge(
                duplicates, master
            )
            return cache.get(MERGE_CLASH_KEY, [])
        finally:
            cache.pop(MERGE_CLASH_KEY, None)
            for duplicate_id in duplicates.ids:
                archive_into.pop(duplicate_id, None)

    @api.model
    def _merge_travel_values(self, master, travel_values):
        """The master gets the travel values merged; a refused consent (the
        consents' clash rule: a refusal wins) goes through the history and
        the blacklist as any answer."""
        refused = {
            key: False
            for key in CONSENT_KEYS
            if travel_values.pop(f"travel_consent_{key}", None) is False
        }
        if refused:
            master._travel_record_consents(refused, channel="backoffice")
        master.write(travel_values)

    @api.model
    def _merge_post_summary(self, master, names, counts):
        """What moved from each duplicate, in the master's chatter."""
        master.message_post(
            body=Markup("<p>%s</p><ul>%s</ul>")
            % (
                _("Customers merged into this one:"),
                Markup("").join(
                    Markup("<li>%s (#%s): %s</li>")
                    % (
                        names[pid],
                        pid,
                        self.env._(
                            "%(bookings)s bookings, %(quotations)s quotations, "
                            "%(invoices)s invoices, %(participants)s participants, "
                            "%(messages)s messages",
                            **counts[pid],
                        ),
                    )
                    for pid in names
                ),
            )
        )

    # ------------------------------------------------------------ BUSINESS
    def _selected_partners(self):
        return self.line_ids.filtered("selected").partner_id

    def _is_manager(self):
        return self.env.user.has_group("travel_customer.group_travel_manager")

    @api.model
    def _merge_max(self):
        return self.env["ir.config_parameter"]._travel_get_int(
            MERGE_MAX_PARAM, MERGE_MAX_DEFAULT
        )

    def _check_merge(self, master, duplicates):
        """Refuse, with the reason, a merge that must not happen."""
        if not self.env.user.has_group("travel_customer.group_travel_user"):
            raise AccessError(_("Only Travel customers users can merge customers."))
        if not duplicates:
            raise UserError(
                _(
                    "Tick at least one other customer: a customer cannot be merged "
                    "with itself."
                )
            )
        partners = master | duplicates
        self._check_merge_relatives(partners)
        self._check_merge_states(partners)
        limit = self._merge_max() if self._is_manager() else 3
        if len(partners) > limit:
            raise UserError(
                _(
                    "You can merge at most %(limit)s customers at once (%(count)s "
                    "selected).",
                    limit=limit,
                    count=len(partners),
                )
            )
        # every one of them changes: the user must be allowed to change them
        partners.check_access("write")

    @api.model
    def _check_merge_relatives(self, partners):
        """A customer's own contacts, addresses and parent company (at any
        depth) are not its duplicates."""
        for partner in partners:
            related, parent = partner.browse(), partner.parent_id
            while parent and parent not in related:
                related |= parent
                parent = parent.parent_id
            related &= partners
            if related:
                raise UserError(
                    _(
                        "%(customer)s cannot be merged with %(related)s: a customer's "
                        "own contacts, addresses and parent company are not "
                        "duplicates.",
                        customer=partner.display_name,
                        related=related[0].display_name,
                    )
                )

    @api.model
    def _check_merge_states(self, partners):
        """Customers that cannot be merged together: one already merged
        (undo first), anonymized with kept ones, of different companies."""
        merged = partners.with_context(active_test=False).filtered(
            "travel_merged_into_id"
        )
        if merged:
            raise UserError(
                _(
                    "%(customer)s was merged into %(master)s already: undo that "
                    "merge first (Merge Log), or merge %(master)s instead.",
                    customer=merged[0].display_name,
                    master=merged[0].travel_merged_into_id.display_name,
                )
            )
        anonymized = partners.filtered("travel_anonymized")
        if anonymized and anonymized != partners:
            raise UserError(
                _(
                    "%s is anonymized: it cannot be merged with a customer whose "
                    "personal data is kept.",
                    anonymized[0].display_name,
                )
            )
        companies = partners.company_id
        if len(companies) > 1:
            raise UserError(
                _(
                    "These customers belong to different companies (%s): they cannot "
                    "be merged.",
                    ", ".join(companies.mapped("name")),
                )
            )

    def _lock(self, partners):
        """Lock the customers, or refuse if another merge holds them."""
        partners._travel_lock()

    def _users_kept(self, master, duplicates):
        """The user account the master keeps: its own, else an active one."""
        users = (master | duplicates).with_context(active_test=False).user_ids
        return (
            users.filtered(lambda u: not u.share)
            or master.with_context(active_test=False).user_ids
            or users
        ).sorted(lambda u: (not u.active, u.id))[:1]

    def _resolve_users(self, master, duplicates):
        """Odoo merges customers with one user account at most: the master
        keeps one, the others are archived on a copy of their customer."""
        users = (master | duplicates).with_context(active_test=False).user_ids
        if len(users) < 2:
            return []
        if len(users.filtered(lambda u: not u.share)) > 1:
            raise UserError(
                _(
                    "Several of these customers are internal users (%s): they "
                    "cannot be merged.",
                    ", ".join(users.filtered(lambda u: not u.share).mapped("login")),
                )
            )
        moved = []
        for user in (users - self._users_kept(master, duplicates)).sudo():
            partner = user.partner_id
            holder = partner.copy(
                {"name": _("%s (merged account)", partner.name), "active": False}
            )
            user.write({"partner_id": holder.id, "active": False})
            moved.append((user.id, partner.id, holder.id))
        return moved

    @api.model
    def _cards_before(self, partners):
        """Their loyalty cards (e-wallets...) as they are: Odoo's merge adds
        their points up on one card per program and archives the others."""
        cards = (
            self.env["loyalty.card"]
            .sudo()
            .with_context(active_test=False)
            .search([("partner_id", "in", partners.ids)])
        )
        return {card.id: (card.points, card.active) for card in cards}

    def _merge_wallets(self, master, before):
        """The history of each card Odoo's merge emptied goes with its points
        to the card kept. Returns what an undo needs: ``[[card, points,
        active, history lines moved, card kept], ...]``."""
        Card = self.env["loyalty.card"].sudo().with_context(active_test=False)
        kept = {}  # program: the card the merge kept (the master's active one)
        for card in Card.search(
            [("partner_id", "=", master.id)], order="active desc, id"
        ):
            kept.setdefault(card.program_id, card)
        journal = []
        for card in Card.browse(list(before)).exists():
            points, active = before[card.id]
            keeper = kept.get(card.program_id, card)
            moved = self.env["loyalty.history"]
            if active and not card.active and keeper != card:
                moved = card.history_ids
                moved.card_id = keeper
            journal.append([card.id, points, active, moved.ids, keeper.id])
        return journal

    def _travel_values(self, master, duplicates):
        """The master's travel profile once merged (notes, level, type, dispute,
        consents)."""
        everyone = master | duplicates
        values = {"travel_dispute": any(everyone.mapped("travel_dispute"))}
        levels = everyone.travel_level_id
        blocking = levels.filtered("blocks_booking")
        if levels:
            values["travel_level_id"] = (
                blocking[:1] or master.travel_level_id or levels.sorted("sequence")[-1:]
            ).id
        default_type = self.env["travel.customer.type"]._get_default()
        if master.customer_type_id == default_type:
            other = duplicates.customer_type_id - default_type
            if other:
                values["customer_type_id"] = other[:1].id
        # consents: a refusal given by any of them wins over the master's yes
        refused = (
            self.env["privacy.consent"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", duplicates.ids),
                    ("state", "=", "answered"),
                    ("accepted", "=", False),
                ]
            )
            .activity_id
        )
        for key, activity in master._travel_consent_purposes().items():
            if activity in refused and master[f"travel_consent_{key}"]:
                values[f"travel_consent_{key}"] = False
        notes = [
            (p, p.comment) for p in everyone if p.comment and str(p.comment).strip()
        ]
        if len(notes) > 1 or (notes and notes[0][0] != master):
            values["comment"] = Markup("").join(
                Markup("<p><b>%s</b></p>%s") % (p.display_name, comment)
                for p, comment in notes
            )
        return values

    @api.model
    def _counts(self, partners):
        """What each customer holds, to show what moves: ``{id: {key: n}}``."""
        counts = {p.id: dict.fromkeys(COUNT_KEYS, 0) for p in partners}
        if not partners:
            return counts
        env = self.env(su=True)
        key = {"sale": "bookings", "draft": "quotations", "sent": "quotations"}
        for partner, state, count in env["sale.order"]._read_group(
            [("partner_id", "in", partners.ids)], ["partner_id", "state"], ["__count"]
        ):
            if state in key:
                counts[partner.id][key[state]] += count
        for partner, count in env["account.move"]._read_group(
            [
                ("partner_id", "in", partners.ids),
                ("move_type", "in", ("out_invoice", "out_refund")),
            ],
            ["partner_id"],
            ["__count"],
        ):
            counts[partner.id]["invoices"] = count
        for res_id, count in env["mail.message"]._read_group(
            [("model", "=", "res.partner"), ("res_id", "in", partners.ids)],
            ["res_id"],
            ["__count"],
        ):
            counts[res_id]["messages"] = count
        for partner, count in env["travel.participant"]._read_group(
            [("partner_id", "in", partners.ids)], ["partner_id"], ["__count"]
        ):
            counts[partner.id]["participants"] = count
        return counts

    def _clashes(self, duplicates):
        """What cannot simply move: shown in the preview, resolved by the merge."""
        clashes = []
        master = self.partner_id
        users = (master | duplicates).with_context(active_test=False).user_ids
        if len(users) > 1:
            kept = self._users_kept(master, duplicates)
            clashes.append(
                _(
                    "Several customers have a user account (%(logins)s): the master "
                    "keeps %(kept)s, the others are archived.",
                    logins=", ".join(users.mapped("login")),
                    kept=kept.login,
                )
            )
        clashes += self._unique_clashes(master, duplicates)
        wallets = (
            self.env["loyalty.card"]
            .sudo()
            .search(
                [
                    ("program_id", "=", self.env.ref(WALLET_PROGRAM).id),
                    ("partner_id", "in", (master | duplicates).ids),
                ]
            )
        )
        if len(wallets) > 1:
            clashes.append(
                _(
                    "Several of them have an e-wallet: their balances (%s in all) "
                    "and histories are added to one.",
                    format_amount(
                        self.env,
                        sum(wallets.mapped("points")),
                        wallets[:1].currency_id or self.env.company.currency_id,
                    ),
                )
            )
        banks = (master | duplicates).bank_ids
        numbers = banks.mapped("sanitized_acc_number")
        for number in {n for n in numbers if numbers.count(n) > 1}:
            clashes.append(
                _(
                    "The bank account %s is recorded on several of them: the master "
                    "keeps one, its payments keep pointing to it.",
                    number,
                )
            )
        return clashes

    def _unique_clashes(self, master, duplicates):
        """Rows of the duplicates that a unique index keeps from moving to the
        master, because the master has the same already (a tag, a follower,
        a consent), and what the merge does with them."""
        if not duplicates:
            return []
        Log = self.env["travel.customer.merge.log"]
        core = self.env["base.partner.merge.automatic.wizard"]
        clashes = []
        for table, count in core._travel_clash_counts(duplicates, master):
            values = {"count": count, "what": Log._table_label(table)}
            if table == "mail_followers":
                message = _(
                    "%(count)s record(s) of %(what)s already exist on the master: "
                    "the master's are kept with the subtypes of both, the "
                    "duplicates' are removed (and put back by an undo).",
                    **values,
                )
            elif table == "privacy_consent":
                message = _(
                    "%(count)s record(s) of %(what)s already exist on the master: "
                    "the master's are kept, a refusal given by a duplicate "
                    "wins, the duplicates' are removed (and put back by an "
                    "undo).",
                    **values,
                )
            else:
                message = _(
                    "%(count)s record(s) of %(what)s already exist on the master: "
                    "the master's are kept, the duplicates' are removed (and "
                    "put back by an undo).",
                    **values,
                )
            clashes.append(message)
        return clashes

    @api.model
    def _candidate_line_commands(self, master, include_archived=False, ticked_ids=()):
        """Lines of the master, its similar customers and ``ticked_ids``
        (ticked, whether similar or not); the similar customers the scan
        would propose (its match probability setting) come ticked."""
        similar = master._travel_similar_customers(include_archived=include_archived)
        threshold = self.env["travel.customer.similarity"]._threshold()
        commands = [
            Command.create(
                {
                    "partner_id": master.id,
                    "selected": True,
                    "score": 100,
                    "reasons": _("Master"),
                }
            )
        ]
        commands += [
            Command.create(
                {
                    "partner_id": found["partner_id"],
                    "selected": found["probability"] >= threshold
                    or found["partner_id"] in ticked_ids,
                    "score": found["score"],
                    "reasons": ", ".join(found["reasons"]),
                }
            )
            for found in similar
        ]
        listed = {master.id} | {found["partner_id"] for found in similar}
        commands += [
            Command.create({"partner_id": pid, "selected": True})
            for pid in ticked_ids
            if pid not in listed
        ]
        return commands

    @api.model
    def _field_choice_commands(self, master, selected):
        """One line per field on which the selected customers disagree."""
        partners = selected | master
        if len(partners) < 2:
            return []
        Partner = self.env["res.partner"]
        commands = []
        for fname in CHOICE_FIELDS:
            field = Partner._fields[fname]
            values = {p: p[fname] for p in partners if p[fname]}
            if len({field.convert_to_cache(v, p) for p, v in values.items()}) < 2:
                continue
            source = master if master in values else next(iter(values))
            commands.append(
                Command.create(
                    {
                        "field_name": fname,
                        "field_label": field._description_string(self.env),
                        "candidate_partner_ids": [
                            Command.set(list(p.id for p in values))
                        ],
                        "source_partner_id": source.id,
                    }
                )
            )
        return commands


class TravelCustomerMergeLine(models.TransientModel):
    _name = "travel.customer.merge.line"
    _description = "Customer to merge"
    _order = "score desc, id"

    wizard_id = fields.Many2one(
        "travel.customer.merge", required=True, ondelete="cascade"
    )
    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    selected = fields.Boolean(string="Merge")
    score = fields.Integer()
    reasons = fields.Char()
    email = fields.Char(related="partner_id.email")
    city = fields.Char(related="partner_id.city")
    # not "active": the line itself would become archivable, and hidden
    partner_active = fields.Boolean(related="partner_id.active", string="Active")
    booking_count = fields.Integer(string="Bookings", compute="_compute_counts")
    quotation_count = fields.Integer(string="Quotations", compute="_compute_counts")
    invoice_count = fields.Integer(string="Invoices", compute="_compute_counts")
    participant_count = fields.Integer(string="Participants", compute="_compute_counts")

    @api.depends("partner_id")
    def _compute_counts(self):
        counts = self.env["travel.customer.merge"]._counts(self.partner_id)
        for line in self:
            held = counts.get(line.partner_id.id, {})
            line.booking_count = held.get("bookings", 0)
            line.quotation_count = held.get("quotations", 0)
            line.invoice_count = held.get("invoices", 0)
            line.participant_count = held.get("participants", 0)


class TravelCustomerMergeField(models.TransientModel):
    _name = "travel.customer.merge.field"
    _description = "Value kept by a customer merge"

    wizard_id = fields.Many2one(
        "travel.customer.merge", required=True, ondelete="cascade"
    )
    field_name = fields.Char(required=True)
    field_label = fields.Char(string="Field")
    candidate_partner_ids = fields.Many2many("res.partner")
    source_partner_id = fields.Many2one(
        "res.partner",
        string="Keep the value of",
        domain="[('id', 'in', candidate_partner_ids)]",
    )
    value = fields.Char(string="Value kept", compute="_compute_value")

    @api.depends("source_partner_id", "field_name")
    def _compute_value(self):
        for line in self:
            value = (
                line.source_partner_id[line.field_name]
                if line.source_partner_id
                else ""
            )
            if isinstance(value, models.BaseModel):
                value = value.display_name
            line.value = str(value) if value else ""

    def _value_to_write(self):
        value = self.source_partner_id[self.field_name]
        return value.id if isinstance(value, models.BaseModel) else value
