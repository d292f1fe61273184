import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

// Starts on the customer's form (see tests/test_tour.py).
registry.category("web_tour.tours").add("travel_customer_type_and_booking", {
  steps: () => [
    {
      content: "The customer form shows its type",
      trigger: ".o_form_view .o_field_widget[name=customer_type_id] input",
      run: "edit VIP",
    },
    {
      content: "Pick the VIP / Incentive type",
      trigger: ".o-autocomplete--dropdown-menu a:contains('VIP / Incentive')",
      run: "click",
    },
    ...stepUtils.saveForm(),
    {
      content: "Open the Bookings tab",
      trigger: ".o_notebook a[name=travel_bookings]",
      run: "click",
    },
    {
      content: "Start a new booking for this customer",
      trigger: "button[name=action_travel_new_booking]",
      run: "click",
    },
    {
      content: "The booking is for the customer",
      trigger: ".o_field_widget[name=partner_id] input:value('Tour Customer')",
    },
    {
      content: "The booking shows the customer's new type",
      trigger:
        ".o_field_widget[name=travel_customer_type_id]:contains('VIP / Incentive')",
    },
    {
      content: "Pick the sales channel",
      trigger: ".o_field_widget[name=travel_channel_id] input",
      run: "edit Phone",
    },
    {
      trigger: ".o-autocomplete--dropdown-menu a:contains('Phone')",
      run: "click",
    },
    {
      content: "Add a trip",
      trigger: ".o_field_x2many_list_row_add a:contains('Add a product')",
      run: "click",
    },
    {
      trigger: "div[name=product_template_id] input",
      run: "edit Tour test trip",
    },
    {
      trigger: ".o-autocomplete--dropdown-menu a:contains('Tour test trip')",
      run: "click",
    },
    {
      content: "The trip's price is filled in",
      trigger: ".o_selected_row .o_field_widget[name=price_unit] input:value('990.00')",
    },
    ...stepUtils.saveForm(),
  ],
});
