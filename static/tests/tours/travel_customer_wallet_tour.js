import {registry} from "@web/core/registry";

// A customer pays part of its quotation with its e-wallet on the portal
// (see tests/test_wallet_http.py).
registry.category("web_tour.tours").add("travel_customer_wallet", {
  steps: () => [
    {
      content: "The balance is offered",
      trigger: ".o_travel_wallet_box:contains('120.00')",
    },
    {
      content: "Use it on this booking",
      trigger: "button.o_travel_wallet_use",
      run: "click",
    },
    {
      content: "It is used",
      trigger: ".o_travel_wallet_used",
    },
  ],
});
