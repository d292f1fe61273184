# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

MANAGER_GROUP = "travel_customer.group_travel_manager"

# what each job counts: the figure its method returns when it returns a
# number (a dict of figures is taken as is)
JOB_FIGURE = {
    "scan": "groups",
    "retention": "anonymized",
    "assignment": "assignments",
    "merge_purge": "merges",
    "cashback": "cashbacks",
    "document_expiry": "activities",
    "reminder": "reminders",
    "indexes": "indexes",
}

# the method each job's cron calls
JOB_METHOD = {
    "scan": "_cron_scan",
    "retention": "_cron_retention",
    "assignment": "_cron_assign_all_offers",
    "merge_purge": "_cron_purge",
    "cashback": "_cron_travel_cashback",
    "document_expiry": "_cron_expiry_activities",
    "reminder": "_cron_travel_trip_reminder",
    "indexes": "_cron_build",
}


class TravelJob(models.Model):
    """One scheduled job of the addon, as a travel manager sees it: what it
    is, when it runs next, how its last runs went, and "run now".

    The scheduled action itself (``ir.cron``) stays Odoo's, readable only
    by administrators; this record points to it."""

    _name = "travel.job"
    _description = "Scheduled Job"
    _order = "sequence, id"
    _rec_name = "code"

    code = fields.Selection(
        [
            ("scan", "Duplicate scan"),
            ("retention", "Retention policy (anonymization)"),
            ("assignment", "Nightly assignment of departures"),
            ("merge_purge", "Deletion of merged duplicates"),
            ("cashback", "Cashback of ended trips"),
            ("document_expiry", "Expiring documents"),
            ("reminder", "Reminder before the trip"),
            ("indexes", "Search indexes of a large base"),
        ],
        string="Job",
        required=True,
        readonly=True,
    )
    sequence = fields.Integer(default=10)
    cron_id = fields.Many2one(
        "ir.cron", string="Scheduled action", ondelete="set null", readonly=True
    )
    run_ids = fields.One2many("travel.job.run", "job_id", string="Runs")
    last_run_id = fields.Many2one(
        "travel.job.run", string="Last run", compute="_compute_last_run"
    )
    last_state = fields.Selection(
        [("running", "Running"), ("done", "Done"), ("failed", "Failed")],
        string="Last status",
        compute="_compute_last_run",
    )
    last_start = fields.Datetime(string="Last start", compute="_compute_last_run")
    last_duration = fields.Float(
        string="Last duration (s)", compute="_compute_last_run", digits=(16, 2)
    )
    last_summary = fields.Char(string="Last result", compute="_compute_last_run")
    progress = fields.Float(compute="_compute_last_run")
    cron_active = fields.Boolean(string="Scheduled", compute="_compute_cron")
    next_call = fields.Datetime(string="Next run", compute="_compute_cron")

    _sql_constraints = [
        ("code_unique", "unique (code)", "Each job is listed once."),
    ]

    def _compute_display_name(self):
        labels = dict(self._fields["code"]._description_selection(self.env))
        for job in self:
            job.display_name = labels.get(job.code, "")

    def _compute_last_run(self):
        Run = self.env["travel.job.run"]
        for job in self:
            run = Run.search(
                [("job_id", "=", job.id or 0)],
                order="date_start desc, id desc",
                limit=1,
            )
            job.last_run_id = run
            job.last_state = run.state
            job.last_start = run.date_start
            job.last_duration = run.duration
            job.last_summary = run.summary
            job.progress = run.progress

    def _compute_cron(self):
        for job in self:
            cron = job.cron_id.sudo()
            job.cron_active = cron.active
            job.next_call = cron.active and cron.nextcall

    # ------------------------------------------------------------ ACTIONS
    def action_run_now(self):
        """Ask the scheduler to run the job as soon as a cron worker is free:
        the job never runs inside the user's web request."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(_("Only travel managers may start a scheduled job."))
        for job in self:
            cron = job.cron_id.sudo()
            if not cron.active:
                raise UserError(
                    _(
                        "The job %(job)s is not scheduled (its scheduled action is "
                        "archived or missing): ask an administrator to activate it.",
                        job=job.display_name,
                    )
                )
            cron._trigger()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": _(
                    "The job will start as soon as the scheduler is free; "
                    "reload the list to follow it."
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ------------------------------------------------------------ BUSINESS
    @api.model
    def _get(self, code):
        return self.sudo().search([("code", "=", code)], limit=1)

    def _counters(self):
        """Figures counted around a run, for the job methods that return
        nothing: ``{figure: count}``, read before and after the run."""
        self.ensure_one()
        if self.code == "scan":
            return {
                "groups": self.env["travel.duplicate.group"]
                .sudo()
                .search_count([("state", "=", "open")])
            }
        if self.code == "merge_purge":
            return {
                "merges": self.env["travel.customer.merge.log"]
                .sudo()
                .search_count([("state", "=", "final")])
            }
        return {}

    def _figures(self, result, before):
        """The figures of one run from the method's return value, or else
        from what was counted around it."""
        self.ensure_one()
        if isinstance(result, dict):
            return {
                key: value
                for key, value in result.items()
                if isinstance(value, int | float) and not isinstance(value, bool)
            }
        if isinstance(result, int) and not isinstance(result, bool):
            return {JOB_FIGURE[self.code]: result}
        after = self._counters()
        if self.code == "scan":
            # the open groups are rebuilt by each scan: what waits now
            return after
        return {key: after[key] - before.get(key, 0) for key in after}

    @api.model
    def _wrap_crons(self):
        """Route the jobs' crons of an older install through the run
        recorder (their data is ``noupdate``): only a code still as shipped
        before, ``model.<method>()``, is rewritten."""
        for job in self.sudo().search([]):
            cron = job.cron_id.sudo()
            method = JOB_METHOD[job.code]
            if cron and (cron.code or "").strip() == f"model.{method}()":
                cron.code = f'env["travel.job.run"]._run("{job.code}", model.{method})'
