# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import email_normalize


class MailingContact(models.Model):
    """A newsletter subscriber is a customer, or becomes a prospect.

    On Odoo's mailing lists, whatever the source of the subscription (the
    portal, a website form, an import, the back office): its e-mail is
    matched with the customers; a match links the subscription to that
    customer, no match creates a prospect (customer type Prospect, source
    Newsletter), whose first booking asks the salesperson for its right
    type as any prospect's does.
    """

    _inherit = "mailing.contact"

    travel_partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The customer of this e-mail, or the prospect the subscription "
        "created.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        self._travel_check_code_only(vals_list)
        contacts = super().create(vals_list)
        contacts._travel_link_customers()
        return contacts

    def write(self, vals):
        self._travel_check_code_only([vals])
        result = super().write(vals)
        if "email" in vals:
            self._travel_link_customers()
        return result

    def _travel_check_code_only(self, vals_list):
        """The customer is found by the e-mail, never chosen by hand."""
        if not self.env.su and any("travel_partner_id" in v for v in vals_list):
            raise AccessError(
                _("The customer of a subscription is found by its e-mail address.")
            )

    def _travel_link_customers(self):
        """Link each contact to the customer of its e-mail, creating the
        prospects missing, in a few queries whatever the number (imports)."""
        contacts = self.filtered(lambda c: email_normalize(c.email or ""))
        if not contacts:
            return
        Partner = self.env["res.partner"].sudo().with_context(active_test=True)
        emails = {email_normalize(c.email) for c in contacts}
        customers = {}
        for partner in Partner.search(
            [("email_normalized", "in", list(emails))], order="id"
        ):
            customer = partner.commercial_partner_id
            if not customer.travel_anonymized:
                customers.setdefault(partner.email_normalized, customer)
        missing = {}
        for contact in contacts:
            email = email_normalize(contact.email)
            if email not in customers and email not in missing:
                missing[email] = contact
        if missing:
            prospects = Partner.create(
                [contact._travel_prospect_values() for contact in missing.values()]
            )
            customers.update(zip(missing, prospects, strict=True))
        for contact in contacts:
            customer = customers[email_normalize(contact.email)]
            if contact.travel_partner_id != customer:
                contact.sudo().travel_partner_id = customer

    def _travel_prospect_values(self):
        """The prospect a subscription creates."""
        self.ensure_one()
        source = self.env.ref("utm.utm_source_newsletter")
        return {
            "name": self.name or self.email,
            "email": self.email,
            "country_id": self.country_id.id,
            "customer_type_id": self.env.ref(
                "travel_customer.customer_type_prospect"
            ).id,
            "travel_source_id": source.id,
        }
