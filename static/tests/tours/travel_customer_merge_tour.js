import {registry} from "@web/core/registry";

// Starts on the form of "Test, Testine" (see tests/test_tour.py).
registry.category("web_tour.tours").add("travel_customer_merge", {
  steps: () => [
    {
      content: "Open the System Info tab",
      trigger: ".o_notebook a[name=travel_system_info]",
      run: "click",
    },
    {
      content: "Merge customers",
      trigger: "button:contains('Merge customers')",
      run: "click",
    },
    {
      content: "The duplicates are proposed, ticked",
      trigger:
        ".modal .o_data_row:contains('Testine Test'):contains('testine@example.org'):has(.o_boolean_toggle input:checked)",
    },
    {
      trigger:
        ".modal .o_data_row:contains('TEST Testine'):contains('Testine@example.org'):has(.o_boolean_toggle input:checked)",
    },
    {
      content: "Merge",
      trigger: ".modal button[name=action_merge]",
      run: "click",
    },
    {
      content: "Confirm",
      trigger: ".modal:contains('will be merged') .modal-footer .btn-primary",
      run: "click",
    },
    {
      content: "The dialog closes on the master",
      trigger: "body:not(:has(.modal))",
    },
    {
      content: "The master holds all the bookings",
      trigger: "button[name=action_travel_view_bookings] .o_stat_value:contains(3)",
    },
  ],
});
