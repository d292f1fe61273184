import {registry} from "@web/core/registry";

// Dashboards > Travel (see tests/test_report_tour.py): the dashboard loads
// its figures and charts without an error.
registry.category("web_tour.tours").add("travel_customer_dashboard", {
  steps: () => [
    {
      content: "Open the Travel dashboard",
      trigger:
        ".o_spreadsheet_dashboard_search_panel li.o_search_panel_category_value[data-name='Travel']",
      run: "click",
    },
    {
      content: "It is the active one",
      trigger:
        ".o_search_panel_category_value.active[data-name='Travel'] .o_dashboard_name",
    },
    {
      content: "Its figures and charts are drawn, without an error",
      trigger:
        ".o_spreadsheet_dashboard_action:not(:has(.dashboard-loading-status)) .o-figure",
    },
  ],
});

// Sales > Orders > Travel Calendar, then the departures' calendar.
registry.category("web_tour.tours").add("travel_customer_calendars", {
  steps: () => [
    {
      content: "The bookings on their travel dates",
      trigger: ".o_calendar_view .o_calendar_renderer",
    },
    {
      content: "A booking of the demo data is shown",
      trigger: ".o_calendar_view .fc-event",
    },
    {
      content: "Go to the departures",
      trigger: ".o_main_navbar",
      run: "goToUrl /odoo/action-travel_customer.travel_departure_action",
    },
    {
      content: "Switch to the calendar",
      trigger: ".o_list_view .o_switch_view.o_calendar",
      run: "click",
    },
    {
      content: "The departures on their dates",
      trigger: ".o_calendar_view .o_calendar_renderer",
    },
  ],
});
