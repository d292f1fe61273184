import {registry} from "@web/core/registry";

// A guardian on its portal (see tests/test_participant_portal.py): it opens its
// child's page and updates the allergies.
registry.category("web_tour.tours").add("travel_customer_guardian_portal", {
  url: "/my",
  steps: () => [
    {
      content: "Open the participants",
      trigger: "a[href='/my/participants']",
      run: "click",
    },
    {
      content: "Open the child",
      trigger: "tr.o_travel_participant_row a:contains('Tom Guardianed')",
      run: "click",
    },
    {
      content: "Update the allergies",
      trigger: "textarea[name=allergies]",
      run: "edit Pollen, cats",
    },
    {
      content: "Save",
      trigger: "button.o_travel_participant_save",
      run: "click",
    },
    {
      content: "Saved",
      trigger: ".o_travel_saved",
    },
    {
      content: "The new allergies are shown",
      trigger: "textarea[name=allergies]:value('Pollen, cats')",
    },
  ],
});
