from . import main
from . import portal
from . import impersonation
from . import signup
from . import documents
