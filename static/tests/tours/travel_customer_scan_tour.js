import {registry} from "@web/core/registry";

// Starts on Contacts > Duplicate Candidates, emptied (see tests/test_scan_tour.py).
registry.category("web_tour.tours").add("travel_customer_scan", {
  steps: () => [
    {
      content: "Nothing proposed yet",
      trigger: ".o_list_view:not(:has(.o_data_row))",
    },
    {
      content: "Scan now",
      trigger: "button[name=action_scan]",
      run: "click",
    },
    {
      content: "The scan is handed to the scheduler",
      trigger: ".o_notification:contains(The scan will start)",
    },
  ],
});

// Once the scheduler ran the scan: the list, reloaded, shows what it found.
registry.category("web_tour.tours").add("travel_customer_scan_result", {
  steps: () => [
    {
      content: "The look-alikes found are proposed",
      trigger: ".o_list_view .o_data_row",
    },
  ],
});
