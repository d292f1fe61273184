# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, datetime

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date, format_datetime
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)


class ProfileKeys(dict):
    """The shipped keys, and those of the custom profile fields: ``x_...``,
    a field of that name on customers and participants."""

    def __missing__(self, key):
        if isinstance(key, str) and key.startswith("x_"):
            return (key, key, ())
        raise KeyError(key)


# key: (field of the customer, field of a participant, fields of the booking)
PROFILE_KEYS = ProfileKeys(
    {
        "birth_date": ("travel_birth_date", "birth_date", ()),
        "birth_place": ("travel_birth_place", "birth_place", ()),
        "nationality": ("travel_nationality_id", "nationality_id", ()),
        "id_type": ("travel_id_type_id", "id_type_id", ()),
        "id_number": ("travel_id_number", "id_number", ()),
        "id_issue_date": ("travel_id_issue_date", "id_issue_date", ()),
        "id_country": ("travel_id_country_id", "id_country_id", ()),
        "address": ("street", "street", ()),
        "arrival_departure": (None, None, ("travel_date_start", "travel_date_end")),
        "vehicle_plate": (None, None, ("travel_vehicle_plate",)),
    }
)
KEY_SELECTION = [
    ("birth_date", _lt("Birth date")),
    ("birth_place", _lt("Birth place")),
    ("nationality", _lt("Nationality")),
    ("id_type", _lt("ID document type")),
    ("id_number", _lt("ID document number")),
    ("id_issue_date", _lt("ID document issue date")),
    ("id_country", _lt("ID document issuing country")),
    ("address", _lt("Address")),
    ("arrival_departure", _lt("Arrival and departure")),
    ("vehicle_plate", _lt("Vehicle plate")),
]


class TravelProfileField(models.Model):
    """A person field the law of a country asks of guests, and when it must be
    there: collected only, at booking confirmation, or at check-in."""

    _name = "travel.profile.field"
    _description = "Profile Field Required by Law"
    _order = "sequence, id"

    sequence = fields.Integer(default=10)
    key = fields.Selection("_key_selection", string="Field", required=True)
    country_ids = fields.Many2many(
        "res.country",
        string="Countries",
        required=True,
        help="Applies to the companies (hotels, camps, agencies) of these "
        "countries.",
    )
    required_at = fields.Selection(
        [
            ("collected", "Collected"),
            ("confirmation", "At booking confirmation"),
            ("checkin", "At check-in"),
        ],
        required=True,
        default="checkin",
    )
    active = fields.Boolean(default=True)

    @api.model
    def _key_selection(self):
        """The shipped fields, then the business's own, by their label in the
        reader's language."""
        custom = self.env["travel.profile.custom.field"].sudo().search([])
        return [(key, self.env._(label)) for key, label in KEY_SELECTION] + [
            (field.name, field.label) for field in custom
        ]

    @api.depends("key")
    def _compute_display_name(self):
        labels = dict(self._fields["key"]._description_selection(self.env))
        for field in self:
            field.display_name = labels.get(field.key, "")

    @api.model
    def _for_company(self, company, moment=None):
        """The fields configured for ``company``'s country; with ``moment``
        ('confirmation' or 'checkin'), those required by then."""
        domain = [("country_ids", "in", company.country_id.ids)]
        if moment == "confirmation":
            domain.append(("required_at", "=", "confirmation"))
        elif moment == "checkin":
            domain.append(("required_at", "in", ("confirmation", "checkin")))
        return self.sudo().search(domain) if company.country_id else self.browse()

    def _missing(self, order):
        """``[(person name, [labels])]`` of what is missing on ``order``."""
        labels = dict(self._fields["key"]._description_selection(self.env))
        missing = []
        booking = [
            labels[f.key]
            for f in self
            if any(not order[fname] for fname in PROFILE_KEYS[f.key][2])
        ]
        if booking:
            missing.append((order.name, booking))
        persons = [(order.partner_id, 0)] + [
            (p, 1) for p in order.travel_participant_ids
        ]
        for person, index in persons:
            lacking = [
                labels[f.key]
                for f in self
                if PROFILE_KEYS[f.key][index] and not person[PROFILE_KEYS[f.key][index]]
            ]
            if lacking:
                missing.append((person.display_name, lacking))
        return missing

    def _check_order(self, order, moment):
        missing = self._missing(order)
        if missing:
            raise ValidationError(
                _(
                    "%(order)s cannot be %(moment)s: the law of %(country)s asks "
                    "for\n%(missing)s",
                    order=order.name,
                    moment=_("confirmed")
                    if moment == "confirmation"
                    else _("checked in"),
                    country=order.company_id.country_id.name,
                    missing="\n".join(
                        f"- {name}: {', '.join(labels)}" for name, labels in missing
                    ),
                )
            )

    def _card_values(self, person):
        """``[(label, value)]`` of these fields for ``person`` (a customer or
        a participant), as the registration card prints them."""
        index = 0 if person._name == "res.partner" else 1
        labels = dict(self._fields["key"]._description_selection(self.env))
        values = []
        for field in self:
            fname = PROFILE_KEYS[field.key][index]
            if not fname:
                continue
            value = person[fname]
            if isinstance(value, models.BaseModel):
                value = value.display_name
            elif isinstance(value, datetime):
                value = format_datetime(self.env, value)
            elif isinstance(value, date):  # as the card's reader writes dates
                value = format_date(self.env, value)
            values.append((labels[field.key], value or ""))
        return values
