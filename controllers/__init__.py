from . import main
from . import portal
from . import impersonation
from . import documents
from . import consent
from . import signup
from . import portal_profile
