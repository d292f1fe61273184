# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.http import request


def render_portal_page(portal, template, values, **kwargs):
    """``template`` in the portal's layout (its menu and breadcrumbs), with
    ``values`` added to the layout's; ``kwargs`` go to ``request.render``
    (a status)."""
    layout = portal._prepare_portal_layout_values()
    layout.update(values)
    return request.render(template, layout, **kwargs)


def portal_count(model, domain):
    """A home page counter: how many ``model`` records in ``domain`` the
    visitor reads, 0 when it may not read that model at all (a counter is
    never an access error)."""
    Model = request.env[model]
    return Model.search_count(domain) if Model.has_access("read") else 0
