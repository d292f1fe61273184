# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import threading
import time
from contextlib import contextmanager

from odoo import _, api, fields, models
from odoo.tools import plaintext2html
from odoo.tools.translate import LazyTranslate

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)

MANAGER_GROUP = "travel_customer.group_travel_manager"
ERROR_MAX = 2000

FIGURE_LABELS = {
    "groups": _lt("duplicate groups waiting"),
    "anonymized": _lt("customers anonymized"),
    "assignments": _lt("assignments created"),
    "merges": _lt("merges made final"),
    "cashbacks": _lt("bookings credited with cashback"),
    "activities": _lt("activities created"),
    "reminders": _lt("reminders sent"),
    "indexes": _lt("indexes built"),
}


class TravelJobRun(models.Model):
    """One run of a scheduled job: when, how long, what it did, or why it
    failed. Written by the code only (``_run``), read by travel managers.

    A job that works in batches (the cron calls it again while work
    remains) is one run over all its batches."""

    _name = "travel.job.run"
    _description = "Scheduled Job Run"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    # managers only read runs: they may still mark their activity done
    _mail_post_access = "read"
    _rec_name = "job_id"

    job_id = fields.Many2one(
        "travel.job", required=True, ondelete="cascade", index=True, readonly=True
    )
    state = fields.Selection(
        [("running", "Running"), ("done", "Done"), ("failed", "Failed")],
        string="Status",
        required=True,
        default="running",
        readonly=True,
    )
    date_start = fields.Datetime(string="Start", required=True, readonly=True)
    date_end = fields.Datetime(string="End", readonly=True)
    duration = fields.Float(string="Duration (s)", readonly=True, digits=(16, 2))
    figures = fields.Json(readonly=True)
    summary = fields.Char(string="Result", compute="_compute_summary")
    error = fields.Text(string="Failure reason", readonly=True)
    batch_count = fields.Integer(string="Batches", readonly=True)
    pending = fields.Boolean(
        readonly=True, help="The last batch left work: the next call continues it."
    )
    progress_done = fields.Integer(
        readonly=True, help="Records done by the finished batches."
    )
    # Odoo's progress record of the running batch: an id, not a foreign key
    # (the run is written in a transaction of its own, that may not see it)
    cron_progress = fields.Integer(readonly=True)
    progress = fields.Float(compute="_compute_progress")

    @api.depends("figures", "error", "state")
    def _compute_summary(self):
        for run in self:
            if run.state == "failed":
                run.summary = (run.error or "").split("\n", 1)[0]
                continue
            figures = run.figures or {}
            run.summary = ", ".join(
                f"{run.env._(FIGURE_LABELS[key]) if key in FIGURE_LABELS else key}: "
                f"{figures[key]}"
                for key in sorted(figures)
            )

    def _compute_progress(self):
        """Percentage of a running job, from Odoo's own progress records."""
        for run in self:
            progress = (
                self.env["ir.cron.progress"].sudo().browse(run.cron_progress).exists()
            )
            if run.state != "running":
                run.progress = 100.0 if run.state == "done" else 0.0
                continue
            # between two batches the last one is already in progress_done
            done = run.progress_done + (0 if run.pending else progress.done)
            total = done + progress.remaining
            run.progress = 100.0 * done / total if total else 0.0

    # ------------------------------------------------------------ BUSINESS
    @api.model
    def _run(self, code, method, *args, **kwargs):
        """Run a job's method and record the run.

        The crons' code goes through here, e.g.
        ``env["travel.job.run"]._run("scan", model._cron_scan)``. The run is
        written in a transaction of its own, so that it shows while the job
        runs and stays when the job fails (the cron rolls its own back); the
        failure is raised again, for the scheduler to count it."""
        job = self.env["travel.job"]._get(code)
        if not job:
            return method(*args, **kwargs)
        before = job._counters()
        run = self._start(job)
        started = time.monotonic()
        try:
            if self._testing():
                with self.env.cr.savepoint():
                    result = method(*args, **kwargs)
            else:
                result = method(*args, **kwargs)
            self.env.flush_all()  # the job wrote any model: its errors fail the run
        except Exception as error:
            self._finish_failed(run, error, time.monotonic() - started)
            raise
        self._finish(run, job._figures(result, before), time.monotonic() - started)
        return result

    @api.model
    def _testing(self):
        return getattr(threading.current_thread(), "testing", False)

    @contextmanager
    def _own_env(self):
        """An environment on a transaction of its own, committed at once
        (the test's own transaction under tests: it is never committed)."""
        if self._testing():
            yield self.env(su=True)
            return
        with self.env.registry.cursor() as cr:
            yield self.env(cr=cr, su=True)

    @api.model
    def _start(self, job):
        """The run this call belongs to: the pending run of the job (a
        batch of the same run), or a new one."""
        progress_id = self.env.context.get("ir_cron_progress_id") or False
        with self._own_env() as env:
            Run = env[self._name]
            run = Run.search(
                [
                    ("job_id", "=", job.id),
                    ("state", "=", "running"),
                    ("pending", "=", True),
                ],
                limit=1,
            )
            if run:
                run.write({"cron_progress": progress_id, "pending": False})
            else:
                # runs left running by a stopped server
                Run.search([("job_id", "=", job.id), ("state", "=", "running")]).write(
                    {
                        "state": "failed",
                        "error": _("Interrupted: the server stopped during the run."),
                    }
                )
                run = Run.create(
                    {
                        "job_id": job.id,
                        "date_start": fields.Datetime.now(),
                        "cron_progress": progress_id,
                    }
                )
            return run.id

    @api.model
    def _finish(self, run_id, figures, seconds):
        progress = (
            self.env["ir.cron.progress"]
            .sudo()
            .browse(self.env.context.get("ir_cron_progress_id"))
            .exists()
        )
        remaining = progress.remaining if progress else 0
        with self._own_env() as env:
            run = env[self._name].browse(run_id)
            totals = dict(run.figures or {})
            for key, value in figures.items():
                totals[key] = totals.get(key, 0) + value
            if run.job_id.code == "scan":
                totals = figures  # what waits, not a sum
            run.write(
                {
                    "figures": totals,
                    "duration": run.duration + seconds,
                    "batch_count": run.batch_count + 1,
                    "progress_done": run.progress_done
                    + (progress.done if progress else 0),
                    "pending": bool(remaining),
                    "state": "running" if remaining else "done",
                    "date_end": fields.Datetime.now(),
                }
            )

    @api.model
    def _finish_failed(self, run_id, error, seconds):
        """Record the reason and ask the travel managers to look."""
        reason = f"{type(error).__name__}: {error}"[:ERROR_MAX]
        _logger.warning("Scheduled job run %s failed: %s", run_id, reason)
        with self._own_env() as env:
            run = env[self._name].browse(run_id)
            run.write(
                {
                    "state": "failed",
                    "error": reason,
                    "pending": False,
                    "duration": run.duration + seconds,
                    "batch_count": run.batch_count + 1,
                    "date_end": fields.Datetime.now(),
                }
            )
            run._notify_managers()

    def _notify_managers(self):
        """An activity for each travel manager on the failed run."""
        group = self.env.ref(MANAGER_GROUP)
        managers = group.sudo().users.filtered(lambda u: u.active and not u.share)
        for run in self:
            for user in managers:
                run.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=_(
                        "Scheduled job failed: %(job)s", job=run.job_id.display_name
                    ),
                    note=plaintext2html(run.error or ""),
                    user_id=user.id,
                )
