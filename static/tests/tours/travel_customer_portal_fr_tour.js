import {registry} from "@web/core/registry";

// A customer using the portal in French (see tests/test_translations.py).
registry.category("web_tour.tours").add("travel_customer_portal_fr", {
  url: "/my",
  steps: () => [
    {
      content: "The participants card, in French",
      trigger:
        "a[href='/my/participants']:contains('Les personnes pour qui vous réservez')",
      run: "click",
    },
    {
      content: "Open the child",
      trigger: "tr.o_travel_participant_row a:contains('Tom Guardianed')",
      run: "click",
    },
    {
      content: "The form speaks French",
      trigger: "label[for=allergies]:contains('Allergies')",
    },
    {
      trigger: "label[for=treatments]:contains('Traitements')",
    },
    {
      trigger: "textarea[name=allergies]",
      run: "edit Pollen",
    },
    {
      content: "Save",
      trigger: "button.o_travel_participant_save:contains('Enregistrer')",
      run: "click",
    },
    {
      content: "Saved, in French",
      trigger: ".o_travel_saved:contains('Enregistré')",
    },
  ],
});
