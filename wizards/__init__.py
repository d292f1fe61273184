from . import base_partner_merge_automatic_wizard
from . import travel_customer_merge
