import {registry} from "@web/core/registry";

// Starts on a confirmed booking (see tests/test_checkin_tour.py): check the
// guest in, then print its registration card.
registry.category("web_tour.tours").add("travel_customer_checkin", {
  steps: () => [
    {
      content: "Check the guest in",
      trigger: ".o_form_view button[name=action_travel_checkin]",
      run: "click",
    },
    {
      content: "The check-in date is set",
      trigger: ".o_field_widget[name=travel_checkin_date]:not(:empty)",
    },
    {
      content: "Print the registration card",
      trigger: ".o_form_view button[name=action_travel_registration_card]",
      run: "click",
    },
    {
      content: "The card is shown",
      trigger: ".o_action:has(iframe), .o_notification",
    },
  ],
});
