# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every role against every public method, writable field and route of the
addon, as an attacker calls them over RPC and HTTP.

The entry points are read from the registry and the routing map, not listed
by hand: a new public method, field or route without a row in the tables
below fails the test until someone decides who may use it. Each refusal
also checks that nothing was written (PostgreSQL's own per-transaction
counters of inserted, updated and deleted rows), and every call carries a
context holding every key the addon's code reads, set: the context never
grants anything.
"""

import base64
import re
import threading
from pathlib import Path

import psycopg2

from odoo import Command
from odoo.api import call_kw
from odoo.exceptions import AccessError, UserError
from odoo.service.model import get_public_method
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

ADDON = "travel_customer"
ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------- roles
PUBLIC = "public"
PORTAL = "portal"
RESELLER = "reseller"
GUARDIAN = "guardian"
EMPLOYEE = "employee"
CONTACTS = "contacts"
TRAVEL = "travel_user"
MANAGER = "travel_manager"
PRIVACY = "privacy_officer"
IMPERSONATOR = "impersonator"

ROLE_GROUPS = {
    PORTAL: "base.group_portal",
    RESELLER: "base.group_portal",
    GUARDIAN: "base.group_portal",
    EMPLOYEE: "base.group_user",
    CONTACTS: "base.group_user,base.group_partner_manager",
    TRAVEL: "base.group_user,travel_customer.group_travel_user",
    MANAGER: "base.group_user,travel_customer.group_travel_manager",
    PRIVACY: "base.group_user,travel_customer.group_travel_privacy",
    IMPERSONATOR: "base.group_user,travel_customer.group_travel_portal_impersonation",
}
ROLES = (PUBLIC, *ROLE_GROUPS)
SHARE = {PUBLIC, PORTAL, RESELLER, GUARDIAN}
NOBODY = frozenset()
# the Travel groups (privacy officers and impersonators are Travel users too)
TRAVEL_USERS = frozenset({TRAVEL, MANAGER, PRIVACY, IMPERSONATOR})
MANAGERS = frozenset({MANAGER})
PRIVACY_OFFICERS = frozenset({PRIVACY})
IMPERSONATORS = frozenset({IMPERSONATOR})
# ``open``: the method only returns an action or a report for a record the
# caller can read; any role may call it, and it must write nothing
OPEN = "open"
# create / write / unlink / default_get: the field table below covers them
CRUD = "crud"

# Who may call each public method of the addon. Everybody else is refused
# (an error) and nothing is written.
METHODS = {
    ("res.partner", "action_travel_anonymize"): PRIVACY_OFFICERS,
    ("res.partner", "action_travel_export_personal_data"): PRIVACY_OFFICERS,
    ("res.partner", "action_travel_assign_departures"): OPEN,
    ("res.partner", "action_travel_link_customer"): OPEN,
    ("res.partner", "action_travel_new_booking"): OPEN,
    ("res.partner", "action_travel_view_bookings"): OPEN,
    ("res.partner", "action_travel_view_quotations"): OPEN,
    ("res.partner", "action_travel_send_password_reset"): TRAVEL_USERS,
    ("res.partner", "action_travel_send_portal_access"): TRAVEL_USERS,
    ("res.partner", "action_travel_view_portal"): IMPERSONATORS,
    ("travel.portal.company", "action_open"): IMPERSONATORS,
    ("sale.order", "action_confirm"): TRAVEL_USERS,
    ("sale.order", "action_travel_checkin"): TRAVEL_USERS,
    ("sale.order", "action_travel_edit_customer"): OPEN,
    ("sale.order", "action_travel_open"): OPEN,
    ("sale.order", "action_travel_registration_card"): OPEN,
    # Odoo lets whoever reads a document post on it: the addon only adds
    # the booking's contact person to the recipients
    ("sale.order", "message_post"): TRAVEL_USERS | {PORTAL},
    ("travel.anonymize.request", "action_approve"): PRIVACY_OFFICERS,
    ("travel.customer.link", "action_set_discount"): OPEN,
    ("travel.customer.merge", "action_merge"): TRAVEL_USERS,
    ("travel.customer.merge.log", "action_undo"): TRAVEL_USERS,
    ("travel.customer.type", "action_view_partners"): OPEN,
    ("travel.departure.markup", "action_apply"): MANAGERS,
    ("travel.departure.offer", "action_assign"): TRAVEL_USERS,
    ("travel.departure.offer", "action_unassign"): TRAVEL_USERS,
    ("travel.departure.offer", "action_set_markup"): OPEN,
    ("travel.duplicate.group", "action_not_duplicates"): TRAVEL_USERS,
    ("travel.duplicate.group", "action_merge_groups"): TRAVEL_USERS,
    ("travel.duplicate.group", "action_open_merge"): OPEN,
    ("travel.duplicate.group", "action_scan"): TRAVEL_USERS,
    ("travel.link.discount", "action_apply"): TRAVEL_USERS,
    ("travel.participant", "action_open_bookings"): OPEN,
    ("travel.participant", "action_open_customer"): OPEN,
    ("portal.wizard.user", "action_grant_access"): TRAVEL_USERS | {CONTACTS},
    ("res.config.settings", "set_values"): NOBODY,
    # OCA's impersonation, attacked on the administrator: nobody may
    ("res.users", "impersonate_login"): NOBODY,
    ("res.users", "action_impersonate_login"): OPEN,
    # changes nothing unless the caller views the portal as a customer
    ("res.users", "back_to_origin_login"): OPEN,
    # a report's row opens its order (read rights on the report and the order)
    ("travel.report.booking", "action_open_order"): TRAVEL_USERS,
    ("travel.report.document", "action_open_order"): TRAVEL_USERS,
    ("travel.report.reseller", "action_open_order"): TRAVEL_USERS,
    ("travel.job", "action_run_now"): MANAGERS,
    ("sale.order", "action_travel_send_confirmation"): TRAVEL_USERS,
    ("sale.order", "action_travel_send_end_client_quotation"): TRAVEL_USERS,
    ("res.partner", "action_travel_send_referral_invitation"): TRAVEL_USERS,
    ("res.partner", "action_travel_send_membership_renewal"): TRAVEL_USERS,
    ("travel.partner.bulk.edit", "action_apply"): TRAVEL_USERS,
    ("travel.departure.bulk.assign", "action_apply"): MANAGERS,
}
# ORM methods the addon overrides: the field table covers the writes, and
# Odoo's access rights and record rules the reads
CRUD_METHODS = {
    "create",
    "write",
    "unlink",
    "default_get",
    "read",
    "copy",
    "name_search",
    "search",
    "search_count",
    "search_fetch",
    "search_read",
    "read_group",
    "web_search_read",
}

# Who may write the addon's stored fields. ``*`` is the model's default;
# a field missing from a model's table takes it. A model of the addon
# without a table fails the test.
FIELD_WRITERS = {
    "res.partner": {
        "*": TRAVEL_USERS,
        # Odoo's internal notes, hidden from portal users by the addon
        "comment": TRAVEL_USERS | {CONTACTS},
        "travel_markup": MANAGERS,
        "travel_merged_into_id": NOBODY,
        "travel_anonymized": NOBODY,
        "travel_offers_assigned_at": NOBODY,
        "travel_referral_code": NOBODY,
        "travel_referred_by_id": NOBODY,
        "travel_referral_rewarded": NOBODY,
        "travel_rate_code_ids": MANAGERS,
        "travel_mailing_contact_ids": NOBODY,
    },
    "sale.order": {
        "*": TRAVEL_USERS,
        "travel_consent_confirmed": NOBODY,
        "travel_checkin_date": NOBODY,
        "travel_cashback_amount": NOBODY,
        "travel_cashback_reversed": NOBODY,
        "travel_reminder_sent_date": NOBODY,
    },
    "product.template": {"*": TRAVEL_USERS},
    "product.product": {"*": TRAVEL_USERS},
    "product.pricelist": {"*": TRAVEL_USERS},
    "mailing.contact": {"*": TRAVEL_USERS, "travel_partner_id": NOBODY},
    "res.company": {"*": NOBODY},
    "privacy.log": {"*": NOBODY},
    "travel.consent.record": {"*": NOBODY},
    "travel.anonymize.request": {"*": NOBODY},
    "travel.customer.document": {"*": TRAVEL_USERS},
    "travel.customer.document.type": {"*": MANAGERS},
    "travel.customer.level": {"*": MANAGERS},
    "travel.customer.type": {"*": MANAGERS},
    "travel.customer.link": {
        "*": TRAVEL_USERS,
        "discount": NOBODY,
        "approved_by_id": NOBODY,
        "approved_on": NOBODY,
    },
    "travel.customer.merge.log": {"*": NOBODY},
    "travel.departure": {"*": MANAGERS},
    "travel.departure.assignment": {
        "*": TRAVEL_USERS,
        "markup": MANAGERS,
        "markup_override": MANAGERS,
        "reseller_price": NOBODY,
        "pricelist_id": NOBODY,
    },
    "travel.departure.offer": {"*": NOBODY},
    "travel.duplicate.group": {"*": TRAVEL_USERS},
    "travel.duplicate.ignore": {"*": TRAVEL_USERS},
    "travel.membership": {"*": TRAVEL_USERS},
    "travel.participant": {
        "*": TRAVEL_USERS,
        "allergies": NOBODY,
        "treatments": NOBODY,
        "medical_notes": NOBODY,
    },
    "travel.profile.field": {"*": MANAGERS},
    "travel.profile.custom.field": {
        "*": MANAGERS,
        "field_ids": NOBODY,
        "view_ids": NOBODY,
    },
    "travel.sales.channel": {"*": MANAGERS},
    # reports: SQL queries, read only
    "travel.report.booking": {"*": NOBODY},
    "travel.report.customer": {"*": NOBODY},
    "travel.report.departure": {"*": NOBODY},
    "travel.report.document": {"*": NOBODY},
    "travel.report.duplicate": {"*": NOBODY},
    "travel.report.privacy": {"*": NOBODY},
    "travel.report.reseller": {"*": NOBODY},
    "travel.job": {"*": NOBODY},
    "travel.job.run": {"*": NOBODY},
}
# Wizards (transient): each user works on its own, created by itself; their
# fields are a form's state, the action methods above do the checks.
# res.users shares its partner's fields: the res.partner table applies.
SKIPPED_MODELS = {"res.users", "res.config.settings"}


def _context_keys():
    """Every context key the addon's Python code reads or sets."""
    keys = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts:
            continue
        text = path.read_text()
        keys.update(re.findall(r"context\.get\(\s*[\"'](\w+)[\"']", text))
        keys.update(re.findall(r"context\[\s*[\"'](\w+)[\"']\s*\]", text))
        for args in re.findall(r"with_context\(([^()]*)\)", text):
            keys.update(re.findall(r"(\w+)\s*=", args))
    keys.discard("active_test")
    return keys


class _Rollback(Exception):
    pass


class SecurityRolesMixin:
    """A user of each role, and records of a customer of its own."""

    @classmethod
    def _security_setup(cls):
        env = cls.env
        cls.users = {PUBLIC: env.ref("base.public_user")}
        for role, groups in ROLE_GROUPS.items():
            cls.users[role] = new_test_user(
                env, login=f"sec_{role}", groups=groups, name=f"Sec {role}"
            )
        professional = env.ref("travel_customer.customer_type_professional")
        cls.users[RESELLER].partner_id.write(
            {"customer_type_id": professional.id, "travel_markup": 10.0}
        )
        cls.product = env["product.product"].create(
            {"name": "Sec trip", "type": "service", "list_price": 800.0}
        )
        cls.stay = env["product.product"].create(
            {"name": "Sec stay", "type": "service", "travel_is_stay": True}
        )
        cls.customer = cls.users[PORTAL].partner_id
        cls.customer.write({"email": "sec.portal@example.org"})
        cls.order = env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "order_line": [Command.create({"product_id": cls.product.id})],
            }
        )
        cls.order.action_confirm()
        cls.participant = env["travel.participant"].create(
            {
                "first_name": "Secret",
                "last_name": "Child",
                "partner_id": cls.customer.id,
                "guardian_ids": [Command.link(cls.users[GUARDIAN].partner_id.id)],
            }
        )
        cls.departure = env["travel.departure"].create(
            {
                "product_id": cls.stay.id,
                "date_start": "2030-06-01",
                "date_end": "2030-06-08",
                "capacity": 20,
                "price": 1000.0,
            }
        )
        cls.assignment = env["travel.departure.assignment"].create(
            {
                "partner_id": cls.users[RESELLER].partner_id.id,
                "departure_id": cls.departure.id,
            }
        )
        cls.other = env["res.partner"].create(
            {"name": "Sec Other", "email": "sec.other@example.org"}
        )
        cls.duplicate = env["res.partner"].create(
            {"name": "Sec Dupont", "email": "sec.dupont@example.org"}
        )
        cls.duplicate_2 = env["res.partner"].create(
            {"name": "Sec Dupont", "email": "sec.dupont@example.org"}
        )
        cls.link = env["travel.customer.link"].create(
            {"partner_id": cls.customer.id, "linked_partner_id": cls.other.id}
        )
        cls.group = env["travel.duplicate.group"].create(
            {"partner_ids": [Command.set((cls.duplicate | cls.duplicate_2).ids)]}
        )
        merged = env["res.partner"].create({"name": "Sec Merged Away"})
        master = env["res.partner"].create({"name": "Sec Merged Master"})
        wizard = env["travel.customer.merge"].create(
            {
                "partner_id": master.id,
                "line_ids": [
                    Command.create({"partner_id": p.id, "selected": True})
                    for p in master | merged
                ],
            }
        )
        wizard.action_merge()
        cls.merge_log = env["travel.customer.merge.log"].search(
            [("master_id", "=", master.id)], limit=1
        )
        cls.document = env["travel.customer.document"].create(
            {
                "partner_id": cls.customer.id,
                "type_id": env["travel.customer.document.type"].search([], limit=1).id,
                "number": "SEC123456",
            }
        )
        cls.consent = env["travel.consent.record"].create(
            {
                "partner_id": cls.customer.id,
                "activity_id": env["privacy.activity"].search([], limit=1).id,
                "accepted": False,
                "channel": "backoffice",
            }
        )
        cls.privacy_log = env["privacy.log"].create(
            {"anonymized_name": "S***", "anonymized_email": "s***@example.org"}
        )
        cls.anonymize_request = env["travel.anonymize.request"].create(
            {
                "partner_id": cls.other.id,
                "company_ids": [Command.set(env.company.ids)],
            }
        )
        cls.ignored = env["travel.duplicate.ignore"].create(
            {"partner_a_id": cls.other.id, "partner_b_id": cls.duplicate.id}
        )
        cls.job_run = env["travel.job.run"].create(
            {
                "job_id": env.ref("travel_customer.travel_job_scan").id,
                "date_start": "2030-01-01 03:00:00",
            }
        )
        cls.context_keys = _context_keys()

    # ------------------------------------------------------------ helpers
    def _writes(self):
        """Rows inserted, updated or deleted by this transaction so far, per
        table (PostgreSQL's own counters)."""
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del "
            "FROM pg_stat_xact_user_tables WHERE n_tup_ins + n_tup_upd + n_tup_del > 0"
            # Odoo's own log of the devices a session is used from
            " AND relname NOT IN ('res_device_log', 'res_device')"
        )
        return dict(self.env.cr.fetchall())

    def _attack_context(self, record):
        """A context with every key the addon reads, set."""
        context = {}
        for key in self.context_keys:
            if key == "active_model":
                context[key] = record._name
            elif key == "active_domain":
                context[key] = []
            elif key.endswith("_ids"):
                context[key] = record.ids
            elif key.endswith("_id") or key.endswith("_into"):
                context[key] = record.id or 1
            else:
                context[key] = True
        return context


@tagged("post_install", "-at_install")
class TestSecurityMatrix(SecurityRolesMixin, HttpCase):
    """Each role against each public method and writable field."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._security_setup()

    # ------------------------------------------------------------ registry
    def _addon_models(self):
        """Models the addon defines or extends, with the names of the
        methods and stored fields the addon adds to each."""
        result = {}
        for name, cls in self.env.registry.items():
            methods, fields_ = set(), set()
            for klass in cls.__mro__:
                if not klass.__module__.startswith(f"odoo.addons.{ADDON}."):
                    continue
                for attr, value in vars(klass).items():
                    if attr.startswith("_") or attr in cls._fields:
                        continue
                    if callable(value) and not isinstance(value, type):
                        methods.add(attr)
            for fname, field in cls._fields.items():
                if (
                    ADDON in (getattr(field, "_modules", None) or ())
                    and (field.store or field.inverse)
                    and not field.automatic
                    and field.type != "one2many"
                ):
                    fields_.add(fname)
            if methods or fields_:
                result[name] = (methods, fields_)
        return result

    def _public_methods(self):
        found = set()
        for model, (methods, _fields) in self._addon_models().items():
            if self.env[model]._abstract:
                continue  # no records to call a method on
            for method in methods:
                try:
                    get_public_method(self.env[model], method)
                except (AccessError, AttributeError):
                    continue  # @api.private: not reachable over RPC
                found.add((model, method))
        return found

    def test_every_entry_point_has_a_row(self):
        """A new public method or a model with new fields must be given
        its roles here before it lands."""
        missing = sorted(
            key
            for key in self._public_methods()
            if key not in METHODS and key[1] not in CRUD_METHODS
        )
        self.assertFalse(missing, "public methods without a row in METHODS")
        models_ = {
            model
            for model, (_methods, fields_) in self._addon_models().items()
            if fields_
            and not self.env[model]._transient
            and model not in SKIPPED_MODELS
        }
        self.assertFalse(
            sorted(models_ - set(FIELD_WRITERS)), "models without FIELD_WRITERS"
        )
        stale = sorted(set(METHODS) - self._public_methods())
        self.assertFalse(stale, "rows of METHODS for methods that are gone")

    # ------------------------------------------------------------ samples
    def _sample(self, model, user):
        """The record ``user`` attacks: an existing one, or a wizard of its
        own (None when it may not even create the wizard)."""
        env = self.env
        samples = {
            "res.partner": self.customer,
            "sale.order": self.order,
            "travel.customer.link": self.link,
            "travel.customer.merge.log": self.merge_log,
            "travel.customer.type": env.ref("travel_customer.customer_type_regular"),
            "travel.departure.offer": env["travel.departure.offer"].search(
                [
                    ("partner_id", "=", self.users[RESELLER].partner_id.id),
                    ("departure_id", "=", self.departure.id),
                ],
                limit=1,
            ),
            "travel.duplicate.group": self.group,
            "travel.participant": self.participant,
            "travel.customer.document": self.document,
            "travel.departure.assignment": self.assignment,
            "travel.departure": self.departure,
            "travel.consent.record": self.consent,
            "privacy.log": self.privacy_log,
            "travel.anonymize.request": self.anonymize_request,
            "res.users": env.ref("base.user_admin"),
            "travel.job.run": self.job_run,
        }
        if model in samples:
            return samples[model].with_user(user)
        wizards_ = self._wizard_values(user)
        if model not in wizards_:
            sample = env[model].sudo().search([], limit=1, order="id")
            self.assertTrue(sample, f"no {model} to attack: add one to the set-up")
            return sample.with_user(user)
        try:
            with self.env.cr.savepoint():
                return (
                    env[model]
                    .with_user(user)
                    .with_context(**self._attack_context(self.customer))
                    .create(wizards_[model]())
                )
        except UserError:
            return None

    def _wizard_values(self, user):
        """The values each wizard is opened with."""
        return {
            "travel.customer.merge": lambda: {
                "partner_id": self.duplicate.id,
                "line_ids": [
                    Command.create({"partner_id": p.id, "selected": True})
                    for p in self.duplicate | self.duplicate_2
                ],
            },
            "travel.departure.markup": lambda: {
                "partner_id": self.users[RESELLER].partner_id.id,
                "departure_ids": [Command.set(self.departure.ids)],
                "markup": -150.0,
            },
            "travel.link.discount": lambda: {
                "link_id": self.link.id,
                "discount": 90.0,
                "supervisor_code": "0000",
            },
            "portal.wizard.user": lambda: {
                "partner_id": self.other.id,
                "email": "sec.other@example.org",
                "wizard_id": self.env["portal.wizard"]
                .with_user(user)
                .create({"partner_ids": [Command.set(self.other.ids)]})
                .id,
            },
            "res.config.settings": dict,
            "travel.partner.bulk.edit": lambda: {
                "partner_ids": [Command.set(self.customer.ids)],
                "customer_type_id": self.env.ref(
                    "travel_customer.customer_type_vip"
                ).id,
            },
            "travel.departure.bulk.assign": lambda: {
                "departure_ids": [Command.set(self.departure.ids)],
                "reseller_ids": [Command.set(self.users[RESELLER].partner_id.ids)],
            },
            "travel.portal.company": lambda: {"partner_id": self.customer.id},
        }

    # ------------------------------------------------------------ calls
    def _try(self, records, name, args=()):
        """Call ``name`` on ``records`` the way RPC does, with the attack
        context; return (error or None, tables written), rolled back."""
        result = {}
        try:
            with self.env.cr.savepoint():
                before = self._writes()
                try:
                    get_public_method(records, name)
                    with (
                        mute_logger("odoo.models", "odoo.sql_db", "odoo.http"),
                        self.env.cr.savepoint(),
                    ):
                        call_kw(
                            records.browse(),
                            name,
                            [records.ids, *args]
                            if not getattr(getattr(records, name), "_api", None)
                            else list(args),
                            {"context": self._attack_context(records)},
                        )
                    result["error"] = None
                except (UserError, psycopg2.IntegrityError) as error:
                    # a database constraint is a refusal too (RPC says why)
                    result["error"] = error
                after = self._writes()
                result["written"] = {
                    table: count - before.get(table, 0)
                    for table, count in after.items()
                    if count != before.get(table, 0)
                }
                raise _Rollback
        except _Rollback:
            self.env.invalidate_all()  # what the rolled back call left in cache
        return result["error"], result["written"]

    def test_public_methods_refuse_other_roles(self):
        failures = []
        for (model, method), allowed in sorted(METHODS.items()):
            for role in ROLES:
                if allowed not in (OPEN, CRUD) and role in allowed:
                    continue
                user = self.users[role]
                records = self._sample(model, user)
                if records is None:
                    continue  # may not even open the wizard
                error, written = self._try(records, method)
                if written:
                    failures.append(f"{role} {model}.{method} wrote {written}")
                elif allowed != OPEN and error is None:
                    failures.append(f"{role} {model}.{method} was not refused")
        self.assertFalse(failures, "\n".join(failures))

    # ------------------------------------------------------------ fields
    def _other_value(self, record, fname):
        """A value ``fname`` of ``record`` does not have (an attacker's)."""
        field = record._fields[fname]
        current = record.sudo()[fname]
        if field.type == "many2one":
            other = (
                self.env[field.comodel_name]
                .sudo()
                .search([("id", "not in", current.ids)], limit=1)
            )
            return other.id or False
        if field.type == "many2many":
            other = (
                self.env[field.comodel_name]
                .sudo()
                .search([("id", "not in", current.ids)], limit=1)
            )
            return [Command.set(other.ids)]
        if field.type == "boolean":
            return not current
        if field.type in ("integer", "float", "monetary"):
            return -150
        if field.type == "date":
            return "2001-02-03"
        if field.type == "datetime":
            return "2001-02-03 04:05:06"
        if field.type == "selection":
            values = [
                v
                for v, _label in field._description_selection(self.env)
                if v != current
            ]
            return values[0] if values else False
        if field.type == "binary":
            return base64.b64encode(b"attack").decode()
        if field.type == "json":
            return {"res_groups_users_rel": [[1, 2]]}
        if field.type == "reference":
            return False
        return "Attack text"

    def test_fields_refuse_other_roles(self):
        failures = []
        models_ = self._addon_models()
        for model, writers in sorted(FIELD_WRITERS.items()):
            fields_ = sorted(models_.get(model, (set(), set()))[1])
            for role in ROLES:
                user = self.users[role]
                records = self._sample(model, self.env.ref("base.user_root"))
                if records is None:
                    continue
                records = records.sudo(False).with_user(user)
                for fname in fields_:
                    allowed = writers.get(fname, writers["*"])
                    if role in allowed:
                        continue
                    value = self._other_value(records, fname)
                    error, written = self._try(records, "write", ({fname: value},))
                    if error is None or written:
                        failures.append(
                            f"{role} wrote {model}.{fname}={value!r}: "
                            f"{'not refused' if error is None else written}"
                        )
        self.assertFalse(failures, "\n".join(failures))

    def test_create_refuses_restricted_fields(self):
        """Setting a restricted field at creation is the same attack: it is
        refused, or the value is not kept."""
        failures = []
        for role in (CONTACTS, TRAVEL):
            Partner = self.env["res.partner"].with_user(self.users[role])
            for fname, allowed in FIELD_WRITERS["res.partner"].items():
                if fname == "*" or role in allowed:
                    continue
                value = self._other_value(self.customer, fname)
                try:
                    with self.env.cr.savepoint():
                        partner = Partner.with_context(
                            **self._attack_context(self.customer)
                        ).create({"name": "Sec created", fname: value})
                        kept = (
                            partner.sudo()
                            ._fields[fname]
                            .convert_to_write(partner.sudo()[fname], partner)
                        )
                        if kept == value and kept:
                            failures.append(f"{role} created a customer with {fname}")
                        raise _Rollback
                except (_Rollback, UserError):
                    self.env.invalidate_all()
        self.assertFalse(failures, "\n".join(failures))


# Every route of the addon: the URL attacked (on records of the portal
# customer, or of the reseller), and who may see what it shows. Everybody
# else gets no secret of theirs, and nothing is written by a GET.
ROUTES = {
    "/my/orders/<int:order_id>": ("/my/orders/{order}", {PORTAL}),
    "/my/orders/<int:order_id>/accept": ("/my/orders/{order}/accept", {PORTAL}),
    "/my/orders/<int:order_id>/transaction": (
        "/my/orders/{order}/transaction",
        {PORTAL},
    ),
    "/my/orders/<int:order_id>/consents": ("/my/orders/{order}/consents", {PORTAL}),
    "/my/orders/<int:order_id>/wallet": ("/my/orders/{order}/wallet", {PORTAL}),
    "/my/orders/<int:order_id>/travel_documents": (
        "/my/orders/{order}/travel_documents",
        {PORTAL},
    ),
    "/my/consents": ("/my/consents", {PORTAL}),
    "/my/wallet": ("/my/wallet", {PORTAL}),
    "/my/documents": ("/my/documents", {PORTAL}),
    "/my/documents/upload": ("/my/documents/upload", {PORTAL}),
    "/my/documents/<int:document_id>/file": (
        "/my/documents/{document}/file",
        {PORTAL},
    ),
    "/my/participants": ("/my/participants", {PORTAL, GUARDIAN}),
    "/my/participants/<int:participant_id>": (
        "/my/participants/{participant}",
        {PORTAL, GUARDIAN},
    ),
    "/my/departures": ("/my/departures", {RESELLER}),
    "/my/departures/page/<int:page>": ("/my/departures/page/1", {RESELLER}),
    "/my/departures/<int:departure_id>": ("/my/departures/{departure}", {RESELLER}),
    "/my/departures/<int:departure_id>/quotation": (
        "/my/departures/{departure}/quotation",
        {RESELLER},
    ),
    "/my/client_quotes": ("/my/client_quotes", {RESELLER}),
    "/my/client_quotes/page/<int:page>": ("/my/client_quotes/page/1", {RESELLER}),
    "/my/client_bookings": ("/my/client_bookings", {RESELLER}),
    "/my/client_bookings/page/<int:page>": (
        "/my/client_bookings/page/1",
        {RESELLER},
    ),
    "/my/client_quotes/<int:order_id>/send": (
        "/my/client_quotes/{order}/send",
        {RESELLER},
    ),
    "/my/client_quotes/<int:order_id>/confirm": (
        "/my/client_quotes/{order}/confirm",
        {RESELLER},
    ),
    "/my/participants/new": ("/my/participants/new", {PORTAL, GUARDIAN}),
    "/my/participants/<int:participant_id>/documents/upload": (
        "/my/participants/{participant}/documents/upload",
        {PORTAL, GUARDIAN},
    ),
    "/my/trips/<int:order_id>": ("/my/trips/{order}", {PORTAL}),
    "/my/personal_data": ("/my/personal_data", {PORTAL}),
    "/travel_customer/personal_data/<int:partner_id>": (
        "/travel_customer/personal_data/{customer}",
        {PRIVACY},
    ),
    "/travel_customer/impersonate/back": ("/travel_customer/impersonate/back", set()),
    "/travel/referral/<string:code>": ("/travel/referral/{referral}", set()),
}


@tagged("post_install", "-at_install")
class TestSecurityRoutes(SecurityRolesMixin, HttpCase):
    """Each role against each route of the addon, over HTTP."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._security_setup()
        cls.secrets = {
            # what only the customer (and its guardian, for the child) may see
            PORTAL: [cls.order.name, "sec.portal@example.org", "SEC123456"],
            GUARDIAN: ["Secret Child"],
            RESELLER: [cls.departure.display_name],
        }

    def _addon_routes(self):
        """The addon's routes from Odoo's routing map: rule -> (methods,
        routing)."""
        routes = {}
        thread = threading.current_thread()
        thread.dbname = getattr(thread, "dbname", self.env.cr.dbname)
        for rule in self.env["ir.http"].routing_map().iter_rules():
            endpoint = rule.endpoint.original_endpoint
            func = getattr(endpoint, "__func__", endpoint)
            if func.__module__.startswith(f"odoo.addons.{ADDON}."):
                routes[rule.rule] = (
                    set(rule.methods or ("GET", "POST")) - {"HEAD", "OPTIONS"},
                    rule.endpoint.routing,
                )
        return routes

    def _url(self, rule):
        return ROUTES[rule][0].format(
            order=self.order.id,
            document=self.document.id,
            participant=self.participant.id,
            departure=self.departure.id,
            customer=self.customer.id,
            referral=self.customer.sudo().travel_referral_code or "none",
        )

    def _login(self, role):
        if role == PUBLIC:
            self.authenticate(None, None)
        else:
            self.authenticate(f"sec_{role}", f"sec_{role}")

    def _request(self, method, url, routing, data=None):
        if routing["type"] == "json":
            return self.url_open(
                url,
                data='{"jsonrpc": "2.0", "method": "call", "params": {}}',
                headers={"Content-Type": "application/json"},
                allow_redirects=False,
            )
        if method == "POST":
            return self.url_open(
                url, data=data or {"attack": "1"}, allow_redirects=False
            )
        return self.url_open(url, allow_redirects=False)

    def test_every_route_has_a_row(self):
        routes = self._addon_routes()
        self.assertFalse(sorted(set(routes) - set(ROUTES)), "routes without a row")
        self.assertFalse(sorted(set(ROUTES) - set(routes)), "rows for gone routes")

    @mute_logger("odoo.http", "odoo.addons.http_routing.models.ir_http", "werkzeug")
    def test_posts_need_the_csrf_token(self):
        """A state change sent from another site (no CSRF token) is refused
        and writes nothing."""
        failures = []
        for rule, (methods, routing) in sorted(self._addon_routes().items()):
            if "POST" not in methods or routing["type"] != "http":
                continue
            if routing.get("csrf") is False:
                failures.append(f"{rule}: CSRF check switched off")
                continue
            owner = sorted(ROUTES[rule][1])[0] if ROUTES[rule][1] else PORTAL
            self._login(owner)
            before = self._writes()
            response = self._request("POST", self._url(rule), routing)
            if response.status_code != 400 or self._writes() != before:
                failures.append(f"{rule}: {response.status_code} without token")
        self.assertFalse(failures, "\n".join(failures))

    @mute_logger("odoo.http", "odoo.addons.http_routing.models.ir_http", "werkzeug")
    def test_gets_change_nothing_and_leak_nothing(self):
        failures = []
        for rule, (methods, routing) in sorted(self._addon_routes().items()):
            if "GET" not in methods or routing["type"] != "http":
                continue
            url = self._url(rule)
            allowed = ROUTES[rule][1]
            for role in ROLES:
                self._login(role)
                self._request("GET", url, routing)  # first visit: tokens, assets
                before = self._writes()
                response = self._request("GET", url, routing)
                written = {
                    t: n for t, n in self._writes().items() if n != before.get(t, 0)
                }
                if written:
                    failures.append(f"GET {rule} as {role} wrote {sorted(written)}")
                body = response.content.decode(errors="replace")
                for owner, secrets in self.secrets.items():
                    if owner in allowed and role in allowed:
                        continue
                    if owner == role:
                        continue
                    leaked = [s for s in secrets if s in body]
                    if leaked:
                        failures.append(f"GET {rule} as {role} shows {leaked}")
        self.assertFalse(failures, "\n".join(failures))

    @mute_logger("odoo.http", "odoo.addons.http_routing.models.ir_http", "werkzeug")
    def test_visitor_cannot_tell_existing_ids(self):
        """Logged out, an existing record and a missing one answer alike."""
        self._login(PUBLIC)
        failures = []
        for rule, (methods, routing) in sorted(self._addon_routes().items()):
            if "<int:" not in rule or "GET" not in methods:
                continue
            url = self._url(rule)
            missing = re.sub(r"/\d+(/|$)", r"/999999999\1", url, count=1)
            if "/page/" in url:
                continue
            one = self._request("GET", url, routing)
            two = self._request("GET", missing, routing)
            if (one.status_code, one.headers.get("Location", "").split("?")[0]) != (
                two.status_code,
                two.headers.get("Location", "").split("?")[0],
            ):
                failures.append(
                    f"{rule}: {one.status_code} for an existing id, "
                    f"{two.status_code} for a missing one"
                )
        self.assertFalse(failures, "\n".join(failures))
