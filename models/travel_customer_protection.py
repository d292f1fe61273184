# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, models
from odoo.exceptions import AccessError, UserError

USER_GROUP = "travel_customer.group_travel_user"
MANAGER_GROUP = "travel_customer.group_travel_manager"
# Set by the addon's own code (with sudo) only: the nightly assignment, referrals
SYSTEM_FIELDS = (
    "travel_offers_assigned_at",
    "travel_referral_code",
    "travel_referred_by_id",
    "travel_referral_rewarded",
)


class TravelCustomerProtection(models.AbstractModel):
    """Who may set which customer field, inherited by ``res.partner``.

    The customer type and the reseller markup are commercial fields that only
    some groups set. Every path is checked: values written or created (the
    context's default_* included), a contact attached to or detached from a
    company, an import. Contacts and addresses take their customer's values:
    that is no change. The system fields are set by the addon's own code, the
    staff fields by Travel customers users, and an anonymized customer's
    personal data is never entered again.
    """

    _name = "travel.customer.protection"
    _description = "Customer Field Protection"

    # ------------------------------------------------------------ SYSTEM
    def _travel_check_merged_into(self, vals_list):
        """The customer merge alone sets "Merged into": what follows it (the
        master's export, anonymization...) is the result of a merge. The
        other system fields are set by the addon's own code only."""
        if self.env.su:
            return
        if any("travel_merged_into_id" in v for v in vals_list):
            raise AccessError(
                _(
                    "The Merged into field cannot be changed by hand: customers "
                    "are merged with Merge customers, and unmerged with Undo "
                    "merge (Merge Log)."
                )
            )
        for fname in SYSTEM_FIELDS:
            if any(fname in vals for vals in vals_list):
                raise AccessError(
                    _(
                        "%s is set by the application itself: it cannot be "
                        "changed by hand.",
                        self._fields[fname].get_description(self.env)["string"],
                    )
                )

    # ------------------------------------------------------------ STAFF
    @api.model
    def _travel_staff_fields(self):
        """The addon's customer fields that only Travel customers users set
        (identity, level, dispute, consents, guardianship...): every stored
        ``travel_*`` field but the system ones and those with rules of their
        own (type, markup); one2many lines are guarded by their own model."""
        special = set(SYSTEM_FIELDS) | set(self._travel_protected_fields())
        special |= {"travel_merged_into_id", "travel_anonymized"}
        # the profile fields a manager added (visa number...) are identity too
        custom = set(self.env["travel.profile.custom.field"]._names())
        return [
            fname
            for fname, field in self._fields.items()
            if (fname.startswith("travel_") or fname in custom)
            and (field.store or field.inverse)
            and field.type != "one2many"
            and fname not in special
        ]

    def _travel_check_staff_values(self, vals_list, create=False):
        """Refuse a user outside the Travel customers groups a value of a
        staff field that changes something: a new customer's value that is
        not the default, a customer's value other than its own or (for the
        fields a company shares with its contacts) its company's."""
        if self.env.su or self.env.user.has_group(USER_GROUP):
            return
        staff = set(self._travel_staff_fields())
        shared = set(self._commercial_fields())
        for vals in vals_list:
            for fname in staff & set(vals):
                field = self._fields[fname]
                if create:
                    default = self.default_get([fname]).get(fname, False)
                    records, allowed = self.browse(), [default]
                else:
                    records, allowed = self.sudo(), []
                changed = False
                for partner in records or [self.browse()]:
                    new = field.convert_to_cache(vals[fname], partner)
                    values = [*allowed]
                    if partner:
                        values.append(partner[fname])
                        if fname in shared:
                            values.append(partner.commercial_partner_id[fname])
                    olds = [field.convert_to_cache(v, partner) for v in values]
                    if isinstance(new, tuple):  # many2many: the same set
                        new, olds = set(new), [set(o) for o in olds]
                    if new not in olds and (new or not create):
                        changed = True
                if changed:
                    raise AccessError(
                        _(
                            "Only members of the group Travel customers / User can "
                            "change %s.",
                            field.get_description(self.env)["string"],
                        )
                    )

    # ------------------------------------------------------------ SETTINGS
    @api.model
    def _travel_protected_fields(self):
        """``{field: (group, default)}`` of the settings only ``group`` sets."""
        return {
            "customer_type_id": (
                USER_GROUP,
                self.env["travel.customer.type"].sudo()._get_default().id,
            ),
            "travel_markup": (MANAGER_GROUP, 0.0),
        }

    @api.model
    def _travel_protected_denied(self):
        """The protected fields the current user may not set."""
        if self.env.su:
            return {}
        return {
            fname: spec
            for fname, spec in self._travel_protected_fields().items()
            if not self.env.user.has_group(spec[0])
        }

    def _travel_protected_value(self, fname):
        value = self.sudo()[fname]
        if isinstance(value, models.BaseModel):
            return value.id
        if isinstance(value, float):
            return round(value, 2)
        return value

    def _travel_protected_error(self, fname):
        if fname == "travel_markup":
            return AccessError(
                _("Only a Travel customers manager can set a reseller's markup.")
            )
        return AccessError(
            _(
                "Only members of the group Travel customers / User can change "
                "a customer's type."
            )
        )

    def _travel_check_protected_values(self, vals):
        """Refuse a protected value written by a user who may not set it."""
        for fname in self._travel_protected_denied():
            if fname not in vals:
                continue
            value = vals[fname]
            if isinstance(value, float | int) and fname == "travel_markup":
                value = round(value, 2)
            for partner in self:
                allowed = (
                    partner._travel_protected_value(fname),
                    partner.sudo().commercial_partner_id._travel_protected_value(fname),
                )
                if value not in allowed:
                    raise self._travel_protected_error(fname)

    def _travel_check_created(self):
        """A new customer of a user who may not set a protected field holds its
        default; a new contact or address holds its customer's value."""
        denied = self._travel_protected_denied()
        for partner in self.sudo():
            commercial = partner.commercial_partner_id
            for fname, (_group, default) in denied.items():
                value = partner._travel_protected_value(fname)
                if value == default or (
                    commercial != partner
                    and value == commercial._travel_protected_value(fname)
                ):
                    continue
                raise self._travel_protected_error(fname)

    def _travel_protected_snapshot(self, vals):
        """Before a contact changes company: whether each partner is its own
        customer, and its protected values."""
        if not {"parent_id", "is_company"} & set(vals):
            return None
        denied = self._travel_protected_denied()
        if not denied:
            return None
        return {
            partner.id: (
                partner.commercial_partner_id == partner,
                {fname: partner._travel_protected_value(fname) for fname in denied},
            )
            for partner in self.sudo()
        }

    def _travel_check_moved(self, before):
        """After a contact changed company: a customer's own setting is never
        replaced by its new company's, and a contact that becomes a customer
        of its own (detached, or made a company) starts with the defaults,
        not with its former company's settings."""
        if not before:
            return
        denied = self._travel_protected_denied()
        for partner in self.sudo():
            was_customer, values = before[partner.id]
            is_customer = partner.commercial_partner_id == partner
            reset = {}
            for fname, (_group, default) in denied.items():
                value = partner._travel_protected_value(fname)
                if was_customer and values[fname] not in (default, value):
                    raise self._travel_protected_error(fname)
                if is_customer and not was_customer and value != default:
                    reset[fname] = default
            if reset:
                partner.write(reset)

    # ------------------------------------------------------------ ANONYMIZED
    def _travel_check_anonymized_parents(self, vals_list):
        """No contact or address is added to an anonymized customer."""
        parents = self.browse(
            [vals["parent_id"] for vals in vals_list if vals.get("parent_id")]
        )
        anonymized = parents.filtered("travel_anonymized")
        if anonymized:
            raise UserError(
                _(
                    "%s is anonymized: no contact or address can be added to it. "
                    "Create a new customer instead.",
                    anonymized[0].display_name,
                )
            )

    def _travel_check_anonymized_values(self, vals):
        """The Anonymized flag is the anonymization's own; an anonymized
        customer's personal data is never entered again."""
        if "travel_anonymized" in vals and not self.env.su:
            raise AccessError(
                _(
                    "The Anonymized flag cannot be changed by hand: a privacy "
                    "officer uses Anonymize customer (System Info tab)."
                )
            )
        anonymized = self.filtered("travel_anonymized")
        if not anonymized:
            return
        personal = set(self.env["travel.customer.privacy"]._personal_columns()) | {
            "name",
            "image_1920",
        }
        changed = [
            self._fields[fname].get_description(self.env)["string"]
            for fname, value in vals.items()
            if fname in personal and value
        ]
        if changed:
            raise UserError(
                _(
                    "%(customer)s is anonymized: personal data (%(fields)s) "
                    "cannot be entered again. Create a new customer instead.",
                    customer=anonymized[0].display_name,
                    fields=", ".join(changed),
                )
            )
