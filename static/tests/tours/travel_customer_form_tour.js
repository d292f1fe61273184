import {registry} from "@web/core/registry";

// The customer form's tabs (see tests/test_customer_form.py): a Travel user
// enters the identity and records a consent the customer gave.
registry.category("web_tour.tours").add("travel_customer_form_tabs", {
  steps: () => [
    {
      content: "Open the Identity tab",
      trigger: ".o_notebook a[name=travel_identity]",
      run: "click",
    },
    {
      content: "Enter the birth place",
      trigger: ".o_field_widget[name=travel_birth_place] input",
      run: "edit Grenoble",
    },
    {
      content: "The documents have a tab",
      trigger: ".o_notebook a[name=travel_documents]",
      run: "click",
    },
    {
      trigger: ".o_field_widget[name=travel_document_ids] .o_list_renderer",
    },
    {
      content: "Open the Consents tab",
      trigger: ".o_notebook a[name=travel_consents]",
      run: "click",
    },
    {
      content: "Not asked yet",
      trigger:
        ".o_field_widget[name=travel_consent_us_answer] input[data-value=not_asked]:checked",
    },
    {
      content: "The customer refuses to be contacted by our partners",
      trigger:
        ".o_field_widget[name=travel_consent_partners_answer] input[data-value=refused]",
      run: "click",
    },
    {
      content: "The e-wallet has a tab",
      trigger: ".o_notebook a[name=travel_wallet]",
      run: "click",
    },
    {
      trigger: ".o_field_widget[name=travel_wallet_balance]",
    },
    {
      content: "The linked customers have a tab",
      trigger: ".o_notebook a[name=travel_links]",
      run: "click",
    },
    {
      trigger: "button[name=action_travel_link_customer]",
    },
    {
      content: "Save",
      trigger: ".o_form_button_save",
      run: "click",
    },
    {
      content: "Saved: the answer is in the history",
      trigger: ".o_form_saved",
    },
    {
      trigger: ".o_notebook a[name=travel_consents]",
      run: "click",
    },
    {
      trigger: ".o_field_widget[name=travel_consent_record_ids] .o_data_row",
    },
  ],
});

// A Contacts user outside the Travel groups sees the Travel fields read-only
// and not the staff tabs.
registry.category("web_tour.tours").add("travel_customer_form_read_only", {
  steps: () => [
    {
      content: "The customer type is read-only",
      trigger: ".o_field_widget[name=customer_type_id].o_readonly_modifier",
    },
    {
      content: "No staff tabs",
      trigger:
        ".o_notebook:not(:has(a[name=travel_documents])):not(:has(a[name=travel_consents])):not(:has(a[name=travel_wallet])):not(:has(a[name=travel_links]))",
    },
    {
      content: "Open the Identity tab",
      trigger: ".o_notebook a[name=travel_identity]",
      run: "click",
    },
    {
      content: "The identity is shown, read-only",
      trigger:
        ".o_field_widget[name=travel_birth_place].o_readonly_modifier:not(:has(input)):contains(Lyon)",
    },
  ],
});
