# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

CUSTOMER_CATEGORIES = [
    ("individual", "Individual"),
    ("professional", "Professional"),
    ("prospect", "Prospect"),
]


class TravelCustomerType(models.Model):
    """What kind of customer a partner is, and what the addon lets it do.

    The behaviour flags are read by the portal, the departure documents and
    the membership billing; exactly one type is the default of new customers.
    """

    _name = "travel.customer.type"
    _description = "Travel Customer Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    description = fields.Text(translate=True)
    category = fields.Selection(
        selection=CUSTOMER_CATEGORIES,
        required=True,
        default="individual",
        help="Professionals are resellers; the salesperson of a prospect is asked "
        "to assign the right type when its first booking is confirmed.",
    )
    is_default = fields.Boolean(
        string="Default",
        help="Type given to every new customer and to customers without a type.",
    )
    signup_selectable = fields.Boolean(
        string="Selectable at Sign-up",
        help="Offered to visitors who create their account on the portal.",
    )
    portal_order_allowed = fields.Boolean(
        string="Portal Ordering Allowed",
        default=True,
        help="If unchecked, these customers still log in and see their bookings, "
        "but ordering, signing or paying online is refused with a message asking "
        "them to contact customer service.",
    )
    documents_despite_incomplete = fields.Boolean(
        string="Documents Despite Incomplete File",
        help="Departure documents can be downloaded even when the customer's file "
        "is incomplete or the order is not fully paid.",
    )
    membership_mode = fields.Selection(
        selection=[
            ("collective", "Collective"),
            ("individual", "Individual only"),
        ],
        required=True,
        default="individual",
        help="How the annual association membership is billed on bookings.",
    )
    membership_group_exempt = fields.Boolean(
        string="No Membership on Group Orders",
        help="A booking of several participants charges no membership and makes "
        "no one a member; a participant booked alone pays as the membership "
        "mode says.",
    )
    guardian_portal_allowed = fields.Boolean(
        string="Guardian Portal Accounts",
        help="Legal guardians of this customer's participants may get a portal "
        "account.",
    )
    partner_count = fields.Integer(string="Customers", compute="_compute_partner_count")

    def init(self):
        """Types of earlier versions set to "none for group orders" (then a
        membership mode): individual mode with the group-order flag."""
        result = super().init()
        self.env.cr.execute(
            SQL(
                "UPDATE travel_customer_type SET membership_mode = 'individual', "
                "membership_group_exempt = TRUE WHERE membership_mode = 'none'"
            )
        )
        return result

    # ------------------------------------------------------------ COMPUTE
    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("customer_type_id", "in", self.ids)],
                ["customer_type_id"],
                ["__count"],
            )
        )
        for ctype in self:
            ctype.partner_count = counts.get(ctype, 0)

    # ------------------------------------------------------------ CONSTRAINT
    @api.constrains("is_default", "active")
    def _check_default(self):
        defaults = self.with_context(active_test=False).search(
            [("is_default", "=", True)]
        )
        if len(defaults) != 1:
            raise ValidationError(
                _(
                    "Exactly one customer type must be the default: mark another "
                    "type as default instead of removing the flag."
                )
            )
        if not defaults.active:
            raise ValidationError(
                _("The default customer type cannot be archived: %s.", defaults.name)
            )

    # ------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("is_default") for vals in vals_list):
            # the flag is dropped in SQL: the caller's rights are checked first
            self.check_access("create")
            self._unset_default()
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("is_default"):
            self.check_access("write")
            (self._get_default() - self)._unset_default()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_default(self):
        for ctype in self:
            if ctype.is_default:
                raise ValidationError(
                    _(
                        "The default customer type %s cannot be deleted: make "
                        "another type the default first.",
                        ctype.name,
                    )
                )

    # ------------------------------------------------------------ ACTION
    @api.readonly
    def action_view_partners(self):
        self.env["res.partner"].check_access("read")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "contacts.action_contacts"
        )
        action["domain"] = [("customer_type_id", "=", self.id)]
        action["context"] = {"default_customer_type_id": self.id}
        return action

    # ------------------------------------------------------------ BUSINESS
    @api.model
    def _get_default(self):
        """The default type (the one flagged ``is_default``)."""
        return self.with_context(active_test=False).search(
            [("is_default", "=", True)], limit=1
        )

    def _unset_default(self):
        """Drop the default flag without running the single-default check.

        It runs again on the record that takes the flag.
        """
        self.env["travel.customer.type"].flush_model(["is_default"])
        self.env.cr.execute(
            SQL("UPDATE travel_customer_type SET is_default = FALSE WHERE is_default")
        )
        self.invalidate_model(["is_default"])
