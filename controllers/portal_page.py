# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.http import request


def render_portal_page(portal, template, values, **kwargs):
    """``template`` in the portal's layout (its menu and breadcrumbs), with
    ``values`` added to the layout's; ``kwargs`` go to ``request.render``
    (a status)."""
    layout = portal._prepare_portal_layout_values()
    layout.update(values)
    return request.render(template, layout, **kwargs)
