from . import base_partner_merge_automatic_wizard
from . import travel_customer_merge
from . import travel_departure_markup
from . import portal_wizard_user
from . import travel_link_discount
from . import privacy_lookup_wizard
from . import travel_partner_bulk_edit
from . import travel_departure_bulk_assign
