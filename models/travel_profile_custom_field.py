# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

# the persons a profile field describes, and where their Identity fields end
PROFILE_MODELS = {
    "res.partner": ("base.view_partner_form", "travel_id_country_id"),
    "travel.participant": (
        "travel_customer.travel_participant_view_form",
        "id_country_id",
    ),
}
NAME_PATTERN = re.compile(r"^x_[a-z][a-z0-9_]{0,40}$")


class TravelProfileCustomField(models.Model):
    """A person field of the business's own (a visa number, a partner hotel
    chain's loyalty card...), added without code.

    It is an Odoo custom field (``ir.model.fields``, ``state='manual'``) of
    the same name on customers and participants, shown on their Identity
    tab by a generated inherited view, as Odoo's own customization tools do.
    Once defined, it is chosen like the shipped ones in Profile Fields
    Required by Law (countries, moment), which puts it on the registration
    card and the check-in checks; the personal-data export, the portal and
    the anonymization take it too.
    """

    _name = "travel.profile.custom.field"
    _description = "Profile Field of Your Own"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    name = fields.Char(
        string="Technical Name",
        required=True,
        help="x_ followed by lowercase letters, digits or _ (e.g. x_visa_number).",
    )
    label = fields.Char(required=True, translate=True)
    ttype = fields.Selection(
        [
            ("char", "Text"),
            ("date", "Date"),
            ("integer", "Whole number"),
            ("boolean", "Yes / No"),
        ],
        string="Type",
        required=True,
        default="char",
    )
    # made by the code (_create_custom_fields), read by administrators only
    field_ids = fields.Many2many(
        "ir.model.fields",
        "travel_profile_custom_field_ir_field_rel",
        "custom_field_id",
        "field_id",
        string="Custom Fields",
        readonly=True,
        copy=False,
        groups="base.group_system",
    )
    view_ids = fields.Many2many(
        "ir.ui.view",
        "travel_profile_custom_field_ir_view_rel",
        "custom_field_id",
        "view_id",
        string="Views",
        readonly=True,
        copy=False,
        groups="base.group_system",
    )

    _sql_constraints = [
        ("name_unique", "UNIQUE (name)", "A profile field of this name exists."),
    ]

    # ------------------------------------------------------------ CONSTRAINTS
    @api.constrains("name")
    def _check_name(self):
        for record in self:
            if not NAME_PATTERN.match(record.name or ""):
                raise ValidationError(
                    _(
                        "The technical name %(name)s is not valid: it starts "
                        "with x_ then holds lowercase letters, digits or _ only "
                        "(42 characters at most).",
                        name=record.name,
                    )
                )
            for model in PROFILE_MODELS:
                field = self.env[model]._fields.get(record.name)
                own = record.sudo().field_ids.filtered(
                    lambda f, model=model: f.model == model
                )
                if field and not own:
                    raise ValidationError(
                        _(
                            "The name %(name)s is already a field of %(model)s "
                            "(%(label)s): choose another one.",
                            name=record.name,
                            model=self.env[model]._description,
                            label=field.get_description(self.env)["string"],
                        )
                    )

    # ------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        self._check_code_only(vals_list)
        records = super().create(vals_list)
        for record in records:
            record._create_custom_fields()
        return records

    def write(self, vals):
        self._check_code_only([vals])
        if {"name", "ttype"} & set(vals) and any(
            record.sudo().field_ids
            for record in self
            if record.name != vals.get("name", record.name)
            or record.ttype != vals.get("ttype", record.ttype)
        ):
            raise UserError(
                _(
                    "The name and type of a profile field cannot change once it "
                    "holds data: create a new field instead."
                )
            )
        result = super().write(vals)
        if "label" in vals:
            self._sync_labels()
        return result

    def _check_code_only(self, vals_list):
        """The custom fields and views are the code's: never chosen by hand."""
        if not self.env.su and any(
            {"field_ids", "view_ids"} & set(vals) for vals in vals_list
        ):
            raise AccessError(
                _("The custom fields and views of a profile field are made by Odoo.")
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_custom_fields(self):
        """The field goes with its data, its views and its requirements."""
        self.env["travel.profile.field"].sudo().with_context(active_test=False).search(
            [("key", "in", self.mapped("name"))]
        ).unlink()
        self.sudo().view_ids.unlink()
        self.sudo().field_ids.unlink()

    # ------------------------------------------------------------ BUSINESS
    def _create_custom_fields(self):
        """The custom field on each person model, and its place on the form."""
        self.ensure_one()
        IrFields = self.env["ir.model.fields"].sudo()
        created = IrFields
        for model in PROFILE_MODELS:
            created |= IrFields.create(
                {
                    "name": self.name,
                    "model_id": self.env["ir.model"]._get_id(model),
                    "ttype": self.ttype,
                    "state": "manual",
                    "field_description": self.label,
                    "copied": False,
                }
            )
        views = self.env["ir.ui.view"].sudo()
        for model, (view_xmlid, anchor) in PROFILE_MODELS.items():
            readonly = (
                ' readonly="not travel_can_edit"' if model == "res.partner" else ""
            )
            views |= views.create(
                {
                    "name": f"{model}.form.travel.profile.{self.name}",
                    "model": model,
                    "inherit_id": self.env.ref(view_xmlid).id,
                    "mode": "extension",
                    "priority": 99,
                    "arch": (
                        f"<data><xpath expr=\"//field[@name='{anchor}']\" "
                        f'position="after"><field name="{self.name}"{readonly}/>'
                        "</xpath></data>"
                    ),
                }
            )
        self.sudo().write(
            {
                "field_ids": [fields.Command.set(created.ids)],
                "view_ids": [fields.Command.set(views.ids)],
            }
        )
        self._sync_labels()

    def _sync_labels(self):
        """The label, in every language it is translated to, is the custom
        fields' label: the forms, the card and the export show it."""
        self.flush_model(["label"])
        self.env["ir.model.fields"].flush_model(["field_description"])
        self.env.cr.execute(
            SQL(
                """
                UPDATE ir_model_fields f SET field_description = c.label
                FROM travel_profile_custom_field_ir_field_rel rel
                JOIN travel_profile_custom_field c ON c.id = rel.custom_field_id
                WHERE f.id = rel.field_id
                  AND c.id = ANY(%s)
                  AND f.field_description IS DISTINCT FROM c.label
                """,
                self.ids,
            )
        )
        if self.env.cr.rowcount:
            self.env["ir.model.fields"].invalidate_model(["field_description"])
            self.env.registry.clear_cache()

    def _register_hook(self):
        """The labels' translations loaded with a module's .po files (after
        its records) reach the custom fields."""
        result = super()._register_hook()
        self.sudo().search([])._sync_labels()
        return result

    @api.model
    def _names(self):
        """The names of the custom profile fields, in their order."""
        return self.sudo().search([]).mapped("name")
