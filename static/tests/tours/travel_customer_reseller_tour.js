import {registry} from "@web/core/registry";

// A reseller on its portal (see tests/test_reseller_portal.py): it filters its
// departures, opens the cheaper one and asks a quotation for a client.
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
      content: "The quotation is shown",
      trigger: "#quote_content:contains('Portal Corsica')",
    },
  ],
});
