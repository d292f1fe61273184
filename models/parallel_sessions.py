# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Work shared by several database sessions at once (the nightly jobs whose
cost is the database server's processors)."""

import threading
from concurrent.futures import ThreadPoolExecutor

from odoo import api


def run_in_sessions(model, workers, method, *args, prefix="travel", **kwargs):
    """``[result]``: ``model``'s ``method(*args, **kwargs)`` run by
    ``workers`` database sessions at once, as this environment's user, each
    committing its own transaction. The scheduled job's progress record is
    left out of their context: only the caller's session reports on it."""
    env = model.env
    registry, uid, su = env.registry, env.uid, env.su
    context = dict(env.context)
    context.pop("ir_cron_progress_id", None)

    def work(_worker):
        threading.current_thread().dbname = registry.db_name
        with registry.cursor() as cr:
            session = api.Environment(cr, uid, context, su=su)[model._name]
            return getattr(session, method)(*args, **kwargs)

    with ThreadPoolExecutor(workers, thread_name_prefix=prefix) as pool:
        return list(pool.map(work, range(workers)))
