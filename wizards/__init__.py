from . import base_partner_merge_automatic_wizard
from . import travel_customer_merge
from . import travel_departure_markup
from . import portal_wizard_user
from . import travel_link_discount
from . import privacy_lookup_wizard
from . import travel_portal_company
