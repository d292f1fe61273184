import {registry} from "@web/core/registry";

// Start on an eligible customer's form (see tests/test_privacy_http.py).
registry.category("web_tour.tours").add("travel_customer_anonymize", {
  steps: () => [
    {
      content: "Open the System Info tab",
      trigger: ".o_notebook a[name=travel_system_info]",
      run: "click",
    },
    {
      content: "Anonymize the customer",
      trigger: "button[name=action_travel_anonymize]",
      run: "click",
    },
    {
      content: "Confirm: it cannot be undone",
      trigger: ".modal:contains('cannot be undone') .modal-footer .btn-primary",
      run: "click",
    },
    {
      content: "The customer is anonymized",
      trigger: ".o_form_view div[name=travel_anonymized_alert]",
    },
    {
      content: "Its name is gone",
      trigger: ".o_field_widget[name=name] input:value('Anonymized customer')",
    },
  ],
});

// Start on a customer booked through an external channel.
registry.category("web_tour.tours").add("travel_customer_anonymize_blocked", {
  steps: () => [
    {
      content: "Open the System Info tab",
      trigger: ".o_notebook a[name=travel_system_info]",
      run: "click",
    },
    {
      content: "The reason is shown",
      trigger: "div[name=travel_anonymize_blockers]:contains('an external channel')",
    },
    {
      content: "No anonymization is offered",
      trigger:
        ".o_form_view:not(:has(button[name=action_travel_anonymize])) div[name=travel_system_actions]",
    },
  ],
});
