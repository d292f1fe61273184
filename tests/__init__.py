from . import test_customer_type
from . import test_profile
from . import test_booking
from . import test_search
from . import test_merge
from . import test_tour
from . import test_privacy
from . import test_privacy_http
