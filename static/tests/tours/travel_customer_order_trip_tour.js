import {registry} from "@web/core/registry";

// A customer finds the dates of its booking (see tests/test_portal_families.py,
// run in French): on the order, then on the trip page.
registry.category("web_tour.tours").add("travel_customer_order_trip", {
  url: "/my",
  steps: () => [
    {
      content: "Open the orders",
      trigger: "a[href='/my/orders']",
      run: "click",
    },
    {
      content: "Open the booking",
      trigger: "table a[href*='/my/orders/']",
      run: "click",
    },
    {
      content: "The departure, the dates and the participant are on the order",
      trigger:
        ".o_travel_order_trip:contains('Dates du voyage') .o_travel_order_dates:contains('→')",
    },
    {
      trigger: ".o_travel_order_departure:contains('Family Crete')",
    },
    {
      trigger: ".o_travel_order_participants:contains('Tom Guardianed')",
    },
    {
      content: "Open the trip page",
      trigger: "a.o_travel_trip_link",
      run: "click",
    },
    {
      content: "The documents the trip needs, in French",
      trigger: "tr.o_travel_trip_document_missing:contains('Manquant')",
    },
  ],
});
