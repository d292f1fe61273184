# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import io
import zipfile

from werkzeug.exceptions import NotFound

from odoo import _, fields, http
from odoo.exceptions import ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from .portal import travel_order_or_404


class TravelDocumentsPortal(CustomerPortal):
    """A customer's own documents on the portal, and its travel documents once
    its file is complete."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "travel_document_count" in counters:
            Document = request.env["travel.customer.document"]
            values["travel_document_count"] = (
                Document.search_count(self._travel_document_domain())
                if Document.has_access("read")
                else 0
            )
        return values

    def _travel_document_domain(self):
        return [("partner_id", "child_of", request.env.user.commercial_partner_id.id)]

    def _travel_render_documents(self, error=None, form=None, status=200):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "documents": request.env["travel.customer.document"].search(
                    self._travel_document_domain()
                ),
                "document_types": request.env["travel.customer.document.type"].search(
                    []
                ),
                "countries": request.env["res.country"].sudo().search([]),
                "max_size_mb": request.env["travel.customer.document"]._max_size_mb(),
                "page_name": "travel_documents",
                "error": error,
                "form": form or {},
            }
        )
        return request.render(
            "travel_customer.portal_my_documents", values, status=status
        )

    @http.route("/my/documents", type="http", auth="user", website=True)
    def portal_my_documents(self, **kw):
        return self._travel_render_documents()

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
        """Size and kind of the file are checked before anything is written."""
        form = {
            "type_id": type_id,
            "number": number or "",
            "country_id": country_id,
            "expiry_date": expiry_date or "",
        }
        Document = request.env["travel.customer.document"]
        doc_type = (
            request.env["travel.customer.document.type"]
            .browse(int(type_id) if (type_id or "").isdigit() else 0)
            .exists()
        )
        try:
            if not doc_type:
                raise ValidationError(_("Choose the type of the document."))
            if len(number or "") > 64:
                raise ValidationError(_("The document number is too long."))
            if not file or not getattr(file, "filename", None):
                raise ValidationError(_("Choose the file to send."))
            content = file.read()
            Document._check_upload(content)
            try:
                expiry = fields.Date.to_date(expiry_date) if expiry_date else False
            except ValueError as error:
                raise ValidationError(_("The expiry date is not a date.")) from error
            Document.sudo().create(
                {
                    "partner_id": request.env.user.partner_id.id,
                    "type_id": doc_type.id,
                    "number": (number or "").strip(),
                    "country_id": int(country_id)
                    if (country_id or "").isdigit()
                    else False,
                    "expiry_date": expiry,
                    "file": base64.b64encode(content),
                    "file_name": file.filename,
                }
            )
        except ValidationError as error:
            return self._travel_render_documents(
                error=error.args[0], form=form, status=400
            )
        return request.redirect("/my/documents")

    @http.route(
        "/my/documents/<int:document_id>/file", type="http", auth="user", website=True
    )
    def portal_document_file(self, document_id, **kw):
        document = request.env["travel.customer.document"].search(
            self._travel_document_domain() + [("id", "=", document_id)]
        )
        if not document or not document.file:
            raise NotFound()
        return request.make_response(
            base64.b64decode(document.sudo().file),
            headers=[
                ("Content-Type", "application/octet-stream"),
                (
                    "Content-Disposition",
                    http.content_disposition(document.file_name or "document"),
                ),
            ],
        )

    @http.route(
        "/my/orders/<int:order_id>/travel_documents",
        type="http",
        auth="user",
        website=True,
    )
    def portal_travel_documents(self, order_id, access_token=None, **kw):
        """The confirmed order's PDF and the departure's attachments, in one
        ZIP, once the booking is paid and the file complete (or the customer
        type says the documents go anyway)."""
        order_sudo = travel_order_or_404(self, order_id, access_token)
        refusal = order_sudo._travel_documents_refusal()
        if refusal:
            values = self._prepare_portal_layout_values()
            values.update({"order": order_sudo, "refusal": refusal})
            return request.render(
                "travel_customer.portal_travel_documents_refused", values, status=403
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
