import {registry} from "@web/core/registry";

// A reseller on its portal (see tests/test_reseller_portal.py): it filters its
// departures, opens the cheaper one and asks a quotation for a client, finds
// it again among its client quotations, sends it to the client and confirms it.
registry.category("web_tour.tours").add("travel_customer_reseller_portal", {
  url: "/my/departures",
  steps: () => [
    {
      content: "Both assigned departures are listed",
      trigger:
        "tr.o_travel_departure_row:contains('Portal Corsica') ~ tr.o_travel_departure_row",
    },
    {
      content: "Keep the departures under 1,200",
      trigger: "input[name=price_below]",
      run: "edit 1200",
    },
    {
      content: "Apply the filter",
      trigger: "button.o_travel_filter_apply",
      run: "click",
    },
    {
      content: "Only the cheaper departure is left: open it",
      trigger:
        "tbody:not(:has(tr.o_travel_departure_row + tr.o_travel_departure_row)) tr.o_travel_departure_row a:contains('Portal Corsica')",
      run: "click",
    },
    {
      content: "Name of the client",
      trigger: "input[name=client_name]",
      run: "edit Mairie de Calvi",
    },
    {
      content: "E-mail of the client",
      trigger: "input[name=client_email]",
      run: "edit accueil@calvi.example",
    },
    {
      content: "Participants",
      trigger: "input[name=participants]",
      run: "edit 3",
    },
    {
      content: "Create the quotation",
      trigger: "button.o_travel_quotation_submit",
      run: "click",
    },
    {
      content: "The quotation names the end client, the dates and the participants",
      trigger: ".o_travel_order_end_client:contains('Mairie de Calvi')",
    },
    {
      trigger: ".o_travel_order_dates:contains('→')",
    },
    {
      trigger: ".o_travel_order_participants:contains('3')",
    },
    {
      content: "Back to the portal home",
      trigger: ".o_portal_submenu a[href='/my/home'], .breadcrumb a[href='/my/home']",
      run: "click",
    },
    {
      content: "Find it again among the client quotations",
      trigger: "a[href='/my/client_quotes']",
      run: "click",
    },
    {
      content: "Open it",
      trigger:
        "tr.o_travel_client_order_row:has(.o_travel_end_client:contains('Mairie de Calvi')) a",
      run: "click",
    },
    {
      content: "A word for the client",
      trigger: "textarea[name=note]",
      run: "edit Here is your trip to Corsica.",
    },
    {
      content: "Send it to the end client",
      trigger: "button.o_travel_client_send",
      run: "click",
    },
    {
      content: "Sent: the page says so",
      trigger: ".o_travel_saved:contains('accueil@calvi.example')",
    },
    {
      content: "Confirm the contact preferences for this order",
      trigger: "button.o_travel_order_consents_confirm",
      run: "click",
    },
    {
      trigger: ".o_travel_consents_confirmed",
    },
    {
      content: "Confirm the booking",
      trigger: "button.o_travel_client_confirm",
      run: "click",
    },
    {
      content: "Confirmed: the page says so",
      trigger: ".o_travel_saved:contains('is confirmed')",
    },
  ],
});
