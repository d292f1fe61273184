import {registry} from "@web/core/registry";

const PDF = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

// A guardian on its portal (see tests/test_portal_families.py): it adds a
// child, sends the ID card of the child going on a trip and opens that trip,
// where the ID card is now given. Run in English and in French: the steps
// look for classes, not words, but for the confirmations.
registry.category("web_tour.tours").add("travel_customer_family_portal", {
  url: "/my",
  steps: () => [
    {
      content: "Open the participants",
      trigger: "a[href='/my/participants']",
      run: "click",
    },
    {
      content: "First name of the new child",
      trigger: "input[name=first_name]",
      run: "edit Zoé",
    },
    {
      trigger: "input[name=last_name]",
      run: "edit Guardianed",
    },
    {
      trigger: "input[name=birth_date]",
      run() {
        this.anchor.value = "2018-03-14";
      },
    },
    {
      trigger: ".o_travel_participant_new_form textarea[name=allergies]",
      run: "edit Kiwi",
    },
    {
      content: "Add the child",
      trigger: "button.o_travel_participant_add",
      run: "click",
    },
    {
      content: "Added: the page says so, on the child's own page",
      trigger: ".o_travel_saved:contains('Zoé Guardianed')",
    },
    {
      content: "Back to the participants",
      trigger: ".breadcrumb a[href='/my/participants']",
      run: "click",
    },
    {
      content: "Open the child going on a trip",
      trigger: "tr.o_travel_participant_row a:contains('Tom Guardianed')",
      run: "click",
    },
    {
      content: "Its ID card",
      trigger: ".o_travel_document_form select[name=type_id]",
      run: "selectByIndex 0",
    },
    {
      trigger: ".o_travel_document_form input[name=number]",
      run: "edit TOM-ID-1",
    },
    {
      content: "Attach the scan",
      trigger: ".o_travel_document_form input[name=file]",
      run() {
        const transfer = new DataTransfer();
        transfer.items.add(new File([PDF], "tom-id.pdf", {type: "application/pdf"}));
        this.anchor.files = transfer.files;
      },
    },
    {
      content: "Send it",
      trigger: "button.o_travel_document_send",
      run: "click",
    },
    {
      content: "Received: the page says so, and lists it",
      trigger: ".o_travel_saved:contains('TOM-ID-1')",
    },
    {
      trigger: "tr.o_travel_participant_document a:contains('tom-id.pdf')",
    },
    {
      content: "Open its trip",
      trigger: "li.o_travel_participant_trip a",
      run: "click",
    },
    {
      content: "The trip's dates and the ID card given for Tom",
      trigger: ".o_travel_trip_dates:contains('→')",
    },
    {
      trigger: "tr.o_travel_trip_document_given:contains('Tom Guardianed')",
    },
  ],
});
