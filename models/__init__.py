from . import travel_customer_type
from . import travel_customer_level
from . import travel_sales_channel
from . import res_partner
from . import sale_order
from . import travel_customer_merge_log
