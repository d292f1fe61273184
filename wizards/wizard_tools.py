# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the addon's dialogs share: the records selected in the list they are
opened from, and the dialog shown again (with its summary, or its message)."""

from odoo import fields


def selected_default(env, model, fields_list, fname):
    """``{fname: [Command.set(ids)]}``: the ``model`` records selected in the
    list the dialog is opened from that the user may read; empty when the
    field is not asked for or the dialog is opened from elsewhere."""
    context = env.context
    if fname not in fields_list or context.get("active_model") != model:
        return {}
    selected = env[model].browse(context.get("active_ids") or [])
    return {fname: [fields.Command.set(selected._filtered_access("read").ids)]}


def reopen_action(wizard, name):
    """``wizard``'s own form again, in its dialog, titled ``name``."""
    return {
        "type": "ir.actions.act_window",
        "res_model": wizard._name,
        "res_id": wizard.id,
        "view_mode": "form",
        "target": "new",
        "name": name,
    }


def split_readable(records, env, label, reason):
    """``(readable, refused)``: the ``records`` (read as superuser) the user
    of ``env`` may read, and the others as ``(label % id, reason)``: a
    record the user may not see is named by its id only."""
    readable = records.with_env(env)._filtered_access("read")
    return readable, [(label % rid, reason) for rid in (records - readable).ids]
