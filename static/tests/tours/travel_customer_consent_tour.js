import {registry} from "@web/core/registry";

// A customer confirms its contact preferences on its quotation, before
// signing it (see tests/test_consent_http.py).
registry.category("web_tour.tours").add("travel_customer_order_consents", {
  steps: () => [
    {
      content: "Its current answers are shown",
      trigger:
        ".o_travel_order_consents input[name=travel_consent_partners]:not(:checked)",
    },
    {
      content: "Agree to be contacted by our partners",
      trigger: ".o_travel_order_consents input[name=travel_consent_partners]",
      run: "check",
    },
    {
      content: "Confirm the answers",
      trigger: "button.o_travel_order_consents_confirm",
      run: "click",
    },
    {
      content: "They are confirmed for this order",
      trigger: ".o_travel_consents_confirmed",
    },
    {
      trigger: ".o_travel_order_consents input[name=travel_consent_partners]:checked",
    },
  ],
});
