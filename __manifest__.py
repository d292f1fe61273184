# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Travel Customers",
    "summary": "Customer base for tour operators, travel agencies, holiday rentals, "
    "hotels and holiday camps: customer types, levels, bookings, fast search",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "travel_customer developers",
    "license": "LGPL-3",
    "depends": ["contacts", "sale_management", "portal", "phone_validation"],
    "external_dependencies": {"python": ["phonenumbers"]},
    "data": [
        "security/travel_customer_security.xml",
        "security/ir.model.access.csv",
        "data/travel_customer_type_data.xml",
        "data/travel_customer_level_data.xml",
        "data/travel_sales_channel_data.xml",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "views/travel_customer_type_views.xml",
        "views/travel_customer_level_views.xml",
        "views/travel_sales_channel_views.xml",
        "views/travel_customer_merge_log_views.xml",
        "wizards/travel_customer_merge_views.xml",
        "views/travel_duplicate_group_views.xml",
        "views/res_config_settings_views.xml",
        "views/res_partner_views.xml",
        "views/sale_order_views.xml",
        "views/travel_menus.xml",
    ],
    "demo": [
        "demo/product_demo.xml",
        "demo/res_partner_demo.xml",
        "demo/sale_order_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "travel_customer/static/tests/tours/*.js",
        ],
    },
    "post_init_hook": "post_init_hook",
    "installable": True,
    "application": False,
}
