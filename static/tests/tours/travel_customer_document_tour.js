import {registry} from "@web/core/registry";

const PDF = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

// A customer sends its ID card from its portal (see tests/test_document_http.py).
registry.category("web_tour.tours").add("travel_customer_upload_id", {
  url: "/my/documents",
  steps: () => [
    {
      content: "The ID card",
      trigger: "select[name=type_id]",
      run: "selectByLabel ID card",
    },
    {
      trigger: "input[name=number]",
      run: "edit TOUR-42",
    },
    {
      content: "Attach the scan",
      trigger: "input[name=file]",
      run() {
        const transfer = new DataTransfer();
        transfer.items.add(new File([PDF], "id-card.pdf", {type: "application/pdf"}));
        this.anchor.files = transfer.files;
      },
    },
    {
      content: "Send it",
      trigger: "button.o_travel_document_send",
      run: "click",
    },
    {
      content: "It is listed",
      trigger: "tr.o_travel_document_row:contains('TOUR-42') a:contains('id-card.pdf')",
    },
  ],
});
