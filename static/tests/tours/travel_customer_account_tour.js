import {registry} from "@web/core/registry";

// Starts on a portal customer's form (see tests/test_account_http.py).
registry.category("web_tour.tours").add("travel_customer_view_portal", {
  steps: () => [
    {
      content: "Open the Action menu",
      trigger: ".o_cp_action_menus button.dropdown-toggle",
      run: "click",
    },
    {
      content: "View portal as this customer",
      trigger:
        ".o-dropdown--menu .o-dropdown-item:contains('View portal as this customer')",
      run: "click",
    },
    {
      content: "The portal shows who is viewed, with a way back",
      trigger:
        ".o_travel_impersonation_banner:contains('Vera Viewed') form[action='/travel_customer/impersonate/back'][method=post] button",
      // the first portal page of a test builds the portal's assets
      timeout: 30000,
    },
  ],
});

// A visitor creates its account and says what kind of customer it is.
registry.category("web_tour.tours").add("travel_customer_signup", {
  steps: () => [
    {
      trigger: "input[name=login]",
      run: "edit tour@signup.example",
    },
    {
      trigger: "input[name=name]",
      run: "edit Theo Tour",
    },
    {
      content: "Choose the customer type",
      trigger: "select[name=travel_customer_type_id]",
      run: "selectByLabel Regular",
    },
    {
      trigger: "input[name=password]",
      run: "edit a-long-password-1",
    },
    {
      trigger: "input[name=confirm_password]",
      run: "edit a-long-password-1",
    },
    {
      content: "Agree to be contacted by us",
      trigger: "input[name=travel_consent_us]",
      run: "check",
    },
    {
      trigger: "input[name=travel_consent_us]:checked",
    },
    {
      content: "Sign up",
      trigger: ".oe_signup_form button[type=submit]",
      run: "click",
    },
    {
      content: "The new customer is on its portal",
      trigger: "a[href='/my/personal_data']",
    },
  ],
});
