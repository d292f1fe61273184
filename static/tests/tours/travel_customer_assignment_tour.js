import {registry} from "@web/core/registry";

// Starts on a reseller's form (see tests/test_reseller_portal.py): assign one
// departure from the assignment screen, then all the others.
registry.category("web_tour.tours").add("travel_customer_assignment", {
  steps: () => [
    {
      content: "Open the Reseller tab",
      trigger: ".o_notebook a[name=travel_reseller]",
      run: "click",
    },
    {
      content: "Open the assignment screen",
      trigger: "button[name=action_travel_assign_departures]",
      run: "click",
    },
    {
      content: "Keep the departures under 1,000 (reseller price)",
      trigger: ".o_searchview_input",
      run: "edit 1000",
    },
    {
      content: "Reseller price below",
      trigger: ".o_searchview_autocomplete li:contains('Reseller price below')",
      run: "click",
    },
    {
      content: "Only the August departure is left: select it",
      trigger:
        ".o_list_table:not(:has(.o_data_row + .o_data_row)) .o_data_row:contains('990.00') .o_list_record_selector input",
      run: "click",
    },
    {
      content: "Assign it",
      trigger:
        ".o_control_panel button[name=action_assign]:contains('Assign'):not(:contains('All'))",
      run: "click",
    },
    {
      content: "It is assigned",
      trigger: ".o_data_row.fw-bold:contains('990.00')",
    },
    {
      content: "Back to every departure",
      trigger: ".o_searchview_facet:contains('Reseller price below') .o_facet_remove",
      run: "click",
    },
    {
      content: "Assign all departures",
      trigger: ".o_control_panel button:contains('Assign All Departures')",
      run: "click",
    },
    {
      content: "Confirm",
      trigger: ".modal .modal-footer .btn-primary",
      run: "click",
    },
    {
      content: "Every departure is assigned",
      trigger: ".o_list_table:not(:has(.o_data_row.text-muted)) .o_data_row.fw-bold",
    },
  ],
});
