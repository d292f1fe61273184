# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import io
import zipfile

from werkzeug.exceptions import NotFound

from odoo import _, fields, http
from odoo.exceptions import AccessError, MissingError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from .portal import (
    travel_flash,
    travel_order_or_404,
    travel_participant_domain,
    travel_participant_or_404,
)
from .portal_page import portal_count, render_portal_page


class TravelDocumentsPortal(CustomerPortal):
    """A customer's own documents on the portal, and its travel documents once
    its file is complete."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "travel_document_count" in counters:
            values["travel_document_count"] = portal_count(
                "travel.customer.document", self._travel_document_domain()
            )
        return values

    def _travel_document_domain(self):
        return [("partner_id", "child_of", request.env.user.commercial_partner_id.id)]

    def _travel_render_documents(self, error=None, form=None, status=200):
        return render_portal_page(
            self,
            "travel_customer.portal_my_documents",
            {
                "documents": self._travel_visible_documents(),
                "document_types": request.env["travel.customer.document.type"].search(
                    []
                ),
                "countries": request.env["res.country"].sudo().search([]),
                "max_size_mb": request.env["travel.customer.document"]._max_size_mb(),
                "page_name": "travel_documents",
                "error": error,
                "form": form or {},
            },
            status=status,
        )

    @http.route("/my/documents", type="http", auth="user", website=True, readonly=True)
    def portal_my_documents(self, **kw):
        return self._travel_render_documents()

    def _travel_create_document(self, form, file, participant=None):
        """Check the form and the file (size and kind before anything is
        written), then file the document: the customer's own, or one of its
        participants' (then it belongs to the participant's account)."""
        type_id, country_id = form.get("type_id"), form.get("country_id")
        Document = request.env["travel.customer.document"]
        doc_type = (
            request.env["travel.customer.document.type"]
            .browse(int(type_id) if (type_id or "").isdigit() else 0)
            .exists()
        )
        if not doc_type:
            raise ValidationError(_("Choose the type of the document."))
        if len(form.get("number") or "") > 64:
            raise ValidationError(_("The document number is too long."))
        if not file or not getattr(file, "filename", None):
            raise ValidationError(_("Choose the file to send."))
        content = file.read()
        Document._check_upload(content)
        try:
            expiry = fields.Date.to_date(form.get("expiry_date") or None)
        except ValueError as error:
            raise ValidationError(_("The expiry date is not a date.")) from error
        return Document.sudo().create(
            {
                "partner_id": participant.partner_id.id
                if participant
                else request.env.user.partner_id.id,
                "participant_id": participant.id if participant else False,
                "type_id": doc_type.id,
                "number": (form.get("number") or "").strip(),
                "country_id": int(country_id)
                if (country_id or "").isdigit()
                else False,
                "expiry_date": expiry or False,
                "file": base64.b64encode(content),
                "file_name": file.filename,
            }
        )

    @staticmethod
    def _travel_document_form(type_id, number, country_id, expiry_date):
        return {
            "type_id": type_id,
            "number": number or "",
            "country_id": country_id,
            "expiry_date": expiry_date or "",
        }

    @http.route(
        "/my/documents/upload",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_document_upload(
        self,
        type_id=None,
        number=None,
        country_id=None,
        expiry_date=None,
        file=None,
        **kw,
    ):
        form = self._travel_document_form(type_id, number, country_id, expiry_date)
        try:
            document = self._travel_create_document(form, file)
        except ValidationError as error:
            return self._travel_render_documents(
                error=error.args[0], form=form, status=400
            )
        travel_flash(_("%s is received, thank you.", document.display_name))
        return request.redirect("/my/documents")

    @http.route(
        "/my/participants/<int:participant_id>/documents/upload",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_participant_document_upload(
        self,
        participant_id,
        type_id=None,
        number=None,
        country_id=None,
        expiry_date=None,
        file=None,
        **kw,
    ):
        """A guardian sends a document of its participant (a child's ID)."""
        participant = travel_participant_or_404(participant_id)
        form = self._travel_document_form(type_id, number, country_id, expiry_date)
        try:
            document = self._travel_create_document(form, file, participant)
        except ValidationError as error:
            travel_flash(error.args[0], "danger")
        else:
            travel_flash(
                _(
                    "%(document)s of %(participant)s is received, thank you.",
                    document=document.display_name,
                    participant=participant.name,
                )
            )
        return request.redirect(f"/my/participants/{participant.id}#documents")

    def _travel_visible_documents(self, domain=None):
        """The customer's documents and those of the participants it sees
        (a guardian's child belongs to another account), as superuser once
        the rules have listed them."""
        participants = request.env["travel.participant"].search(
            travel_participant_domain()
        )
        own = request.env["travel.customer.document"].search(
            self._travel_document_domain() + (domain or [])
        )
        theirs = (
            request.env["travel.customer.document"]
            .sudo()
            .search([("participant_id", "in", participants.ids)] + (domain or []))
        )
        return own.sudo() | theirs

    @http.route(
        "/my/documents/<int:document_id>/file",
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_document_file(self, document_id, **kw):
        document = self._travel_visible_documents([("id", "=", document_id)])
        if not document or not document.file:
            raise NotFound()
        return request.make_response(
            base64.b64decode(document.file),
            headers=[
                ("Content-Type", "application/octet-stream"),
                (
                    "Content-Disposition",
                    http.content_disposition(document.file_name or "document"),
                ),
            ],
        )

    def _travel_trip_order(self, order_id, access_token=None):
        """The booking (as superuser), the participants of it the visitor may
        see (all of them for the customer, its own children for a guardian of
        another account) and whether the visitor is the customer; 404 for
        anybody else."""
        try:
            order = self._document_check_access("sale.order", order_id, access_token)
        except (AccessError, MissingError):
            order = None
        if order:
            return order, order.travel_participant_ids, True
        order = request.env["sale.order"].sudo().browse(int(order_id)).exists()
        participants = request.env["travel.participant"].search(
            travel_participant_domain()
            + [("id", "in", order.travel_participant_ids.ids)]
        )
        if not order or not participants:
            raise NotFound()
        return order, participants.sudo(), False

    @http.route(
        "/my/trips/<int:order_id>",
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
        readonly=True,
    )
    def portal_my_trip(self, order_id, access_token=None, **kw):
        """A booking's trip: departure, dates, participants, the documents
        each traveller needs and where they stand, the travel documents."""
        order, participants, owner = self._travel_trip_order(order_id, access_token)
        return render_portal_page(
            self,
            "travel_customer.portal_my_trip",
            {
                "order": order,
                "participants": participants,
                "document_rows": order._travel_document_rows(participants),
                "refusal": order._travel_documents_refusal(),
                "owner": owner,
                "page_name": "travel_trip",
            },
        )

    @http.route(
        "/my/orders/<int:order_id>/travel_documents",
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_travel_documents(self, order_id, access_token=None, **kw):
        """The confirmed order's PDF and the departure's attachments, in one
        ZIP, once the booking is paid and the file complete (or the customer
        type says the documents go anyway)."""
        order_sudo = travel_order_or_404(self, order_id, access_token)
        refusal = order_sudo._travel_documents_refusal()
        if refusal:
            return render_portal_page(
                self,
                "travel_customer.portal_travel_documents_refused",
                {"order": order_sudo, "refusal": refusal},
                status=403,
            )
        pdf, _type = (
            request.env["ir.actions.report"]
            .sudo()
            ._render_qweb_pdf("sale.action_report_saleorder", [order_sudo.id])
        )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{order_sudo.name.replace('/', '-')}.pdf", pdf)
            departure = order_sudo.travel_departure_id
            attachments = (
                request.env["ir.attachment"]
                .sudo()
                .search(
                    [
                        ("res_model", "=", "travel.departure"),
                        ("res_id", "=", departure.id),
                    ]
                )
                if departure
                else []
            )
            for attachment in attachments:
                archive.writestr(
                    f"{attachment.id}-{attachment.name}", attachment.raw or b""
                )
        return request.make_response(
            buffer.getvalue(),
            headers=[
                ("Content-Type", "application/zip"),
                (
                    "Content-Disposition",
                    http.content_disposition(
                        _("Travel documents %s.zip", order_sudo.name.replace("/", "-"))
                    ),
                ),
            ],
        )
