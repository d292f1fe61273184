import {registry} from "@web/core/registry";

// A reseller with a rate code on its portal (see tests/test_rate_code_tour.py):
// its departures show the rate code and its price; it asks a quotation for a
// client at that price.
registry.category("web_tour.tours").add("travel_customer_rate_code_portal", {
  url: "/my/departures",
  steps: () => [
    {
      content: "The departure is given by the rate code, at its price",
      trigger:
        "tr.o_travel_departure_row:has(.o_travel_rate_code:contains('AZUR-NET')):contains('777.00')",
    },
    {
      content: "Open it",
      trigger: "tr.o_travel_departure_row a:contains('Rate Corsica')",
      run: "click",
    },
    {
      content: "The page names the rate code",
      trigger: "dd.o_travel_rate_code:contains('AZUR-NET')",
    },
    {
      content: "Name of the client",
      trigger: "input[name=client_name]",
      run: "edit Camping du Port",
    },
    {
      content: "E-mail of the client",
      trigger: "input[name=client_email]",
      run: "edit accueil@camping-port.example",
    },
    {
      content: "Participants",
      trigger: "input[name=participants]",
      run: "edit 2",
    },
    {
      content: "Create the quotation",
      trigger: "button.o_travel_quotation_submit",
      run: "click",
    },
    {
      content: "The quotation is made",
      trigger: ".o_travel_order_end_client:contains('Camping du Port')",
    },
  ],
});

// Back office: a newsletter subscriber typed into Email Marketing becomes a
// prospect, linked to the subscription.
registry.category("web_tour.tours").add("travel_customer_newsletter_prospect", {
  steps: () => [
    {
      content: "Name of the subscriber",
      trigger: ".o_form_view .o_field_widget[name=name] input",
      run: "edit Zoé Newsletter",
    },
    {
      content: "Her e-mail",
      trigger: ".o_form_view .o_field_widget[name=email] input",
      run: "edit zoe.newsletter@example.org",
    },
    {
      content: "Save",
      trigger: ".o_form_button_save",
      run: "click",
    },
    {
      content: "The subscription is linked to the new prospect",
      trigger: ".o_field_widget[name=travel_partner_id]:contains('Zoé Newsletter')",
    },
  ],
});
