# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Odoo's e-mail composer opened on a template, as the addon's "send"
buttons open it."""


def composer_action(records, template_xmlid, layout, **context):
    """The composer's window action with the template for ``records``: a
    message in the record's chatter when there is one, a mass mailing when
    several are selected; ``context`` adds to (or overrides) the defaults."""
    template = records.env.ref(template_xmlid, raise_if_not_found=False)
    return {
        "type": "ir.actions.act_window",
        "view_mode": "form",
        "res_model": "mail.compose.message",
        "views": [(False, "form")],
        "target": "new",
        "context": {
            "default_model": records._name,
            "default_res_ids": records.ids,
            "default_template_id": template.id if template else False,
            "default_composition_mode": "comment" if len(records) == 1 else "mass_mail",
            "default_email_layout_xmlid": layout,
            "force_email": True,
            **context,
        },
    }
