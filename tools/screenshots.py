"""Screenshots of the user guide: ``make screenshots``.

Creates a database with the addon and its demo data (``--keep`` reuses it),
serves it, and drives Debian's Chromium, headless, with Playwright (from the
tools' virtual environment, see tools/dev.py; Playwright's own browsers are
not downloaded): one PNG per screen of readme/USAGE.md, saved in
static/description/. The back-office screens are taken as the demo
administrator, the portal ones as the demo portal users (a reseller, a
guardian).
"""

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dev  # noqa: E402
import rpc  # noqa: E402

OUT = dev.ROOT / "static" / "description"
WIDTH, HEIGHT = 1280, 960
ADMIN = ("admin", "admin")
RESELLER = ("karim.benali@soleil-voyages.example.fr", "soleil-voyages")
GUARDIAN = ("claire.martin@example.fr", "claire-martin")
# an Odoo screen is ready when its view is there and nothing is loading
READY = """selector => document.querySelector(selector) &&
    !document.querySelector('.o_loading_indicator, .o-overlay-container .o_loading')"""
# the records the screens show, by their XML ids in the addon's demo data
XMLIDS = [
    "partner_jean_dupont",
    "partner_claire_martin",
    "partner_testine_1",
    "partner_soleil_voyages",
    "sale_order_vercors_pins",
    "sale_order_06",
    "participant_leo_martin",
    "travel_customer_merge_action",
    "spreadsheet_dashboard_travel",
]
JEAN = "/odoo/contacts/{partner_jean_dupont}"
ACTION = "/odoo/action-travel_customer."
FORM = ".o_form_view .o_form_sheet"
LISTED = ".o_list_view .o_data_row"
ROWS = ".o_list_renderer"
LIST_OR_KANBAN = ".o_list_view, .o_kanban_view"
PORTAL = "#wrap"


def opened_by(name, partner, tab, button, **more):
    """The screen the button ``button`` of a customer's tab opens."""
    return dict(
        name=name,
        url=f"/odoo/contacts/{{{partner}}}",
        actions=[("tab", tab), ("click", f"button[name='{button}']")],
        **more,
    )


# The screens of the guide, in its order: name, user, address ({xmlid}: a
# record's id), what shows the screen is ready, the actions then (tab, scroll,
# click: a CSS selector; search: a text), what shows they are done, and
# whether to crop the page below that element (lists, portal pages).
SHOTS = [
    dict(
        name="customer_search",
        url="/odoo/contacts?view_type=list",
        ready=".o_list_view",
        actions=[("search", "testine bordeaux")],
        done=".o_searchview_facet",
        crop=ROWS,
    ),
    dict(name="customer_form", url=JEAN, actions=[("tab", "travel_bookings")]),
    *(
        # the tab's content, not only the top of the form
        dict(
            name=f"customer_{name}",
            url=JEAN,
            actions=[("tab", f"travel_{name}"), ("scroll", ".o_notebook")],
        )
        for name in ("identity", "documents", "consents", "wallet", "links")
    ),
    dict(
        name="customer_participants",
        url="/odoo/contacts/{partner_claire_martin}",
        actions=[("tab", "travel_participants")],
    ),
    dict(
        name="booking_form",
        url="/odoo/action-sale.action_orders/{sale_order_vercors_pins}",
        actions=[("tab", "travel_participants")],
    ),
    opened_by(
        "merge_dialog",
        "partner_testine_1",
        "travel_system_info",
        "{travel_customer_merge_action}",
        done=".modal .o_form_view",
    ),
    *(
        dict(name=name, url=ACTION + action, ready=ready, crop=ROWS)
        for name, action, ready in (
            ("duplicate_candidates", "travel_duplicate_group_action", LIST_OR_KANBAN),
            ("departures", "travel_departure_action", LISTED),
        )
    ),
    opened_by(
        "assignment_screen",
        "partner_soleil_voyages",
        "travel_reseller",
        "action_travel_assign_departures",
        done=LISTED,
        crop=ROWS,
    ),
    dict(
        name="participants",
        url=ACTION + "travel_participant_action",
        ready=LIST_OR_KANBAN,
        crop=ROWS,
    ),
    dict(name="privacy_tab", url=JEAN, actions=[("tab", "travel_system_info")]),
    dict(
        name="settings",
        url=ACTION + "travel_customer_config_settings_action",
        ready=".o_setting_container, .o_settings_container, .settings",
    ),
    dict(
        name="registration_card",
        url="/report/html/travel_customer.report_registration_card/{sale_order_06}",
        ready=".page",
        crop=".page",
    ),
    dict(name="portal_departures", user=RESELLER, url="/my/departures"),
    dict(name="portal_home", user=GUARDIAN, url="/my"),
    dict(
        name="portal_participant",
        user=GUARDIAN,
        url="/my/participants/{participant_leo_martin}",
    ),
    *(
        dict(name=f"portal_{name}", user=GUARDIAN, url=f"/my/{name}")
        for name in ("consents", "wallet", "documents")
    ),
    dict(
        name="report_bookings",
        url=ACTION + "travel_report_booking_action?view_type=pivot",
        ready=".o_pivot table",
        crop=".o_pivot table",
    ),
    dict(
        name="report_fill_rate",
        url=ACTION + "travel_report_departure_action?view_type=graph",
        ready=".o_graph_renderer canvas",
    ),
    dict(
        name="travel_dashboard",
        url="/odoo/dashboards?dashboard_id={spreadsheet_dashboard_travel}",
        ready=".o_spreadsheet_dashboard_action .o-spreadsheet",
        # the charts are drawn once their data is read
        done=".o_spreadsheet_dashboard_action .o-figure canvas",
    ),
    dict(
        name="scheduled_jobs", url=ACTION + "travel_job_action", ready=LISTED, crop=ROWS
    ),
]


def screens(ids, only=()):
    """SHOTS with their defaults and the records' ids in place."""
    for shot in SHOTS:
        if only and shot["name"] not in only:
            continue
        portal = shot["url"].startswith("/my")
        shot = {
            "user": ADMIN,
            "ready": PORTAL if portal else FORM,
            "crop": PORTAL if portal else None,
            "actions": [],
            **shot,
        }
        shot["url"] = shot["url"].format(**ids)
        shot["actions"] = [(kind, arg.format(**ids)) for kind, arg in shot["actions"]]
        yield shot


def prepare(base, db):
    """The ids the screens need; the duplicate scan run (by its scheduled job)
    and a report layout chosen, as a user would have done."""
    odoo = rpc.Client(base)
    odoo.authenticate(db, *ADMIN)
    rows = odoo.call(
        "ir.model.data",
        "search_read",
        [("module", "=", "travel_customer"), ("name", "in", XMLIDS)],
        ["name", "res_id"],
    )
    ids = {row["name"]: row["res_id"] for row in rows}
    # the duplicate scan, run as its scheduled job: the jobs' list shows a run
    scan = odoo.call("travel.job", "search_read", [("code", "=", "scan")], ["cron_id"])
    odoo.call("ir.cron", "method_direct_trigger", [scan[0]["cron_id"][0]])
    layout = odoo.call(
        "ir.model.data",
        "search_read",
        [("module", "=", "web"), ("name", "=", "external_layout_standard")],
        ["res_id"],
    )[0]["res_id"]
    france = odoo.call("res.country", "search", [("code", "=", "FR")], limit=1)
    # a French company: the registration card lists what French law asks
    odoo.call(
        "res.company",
        "write",
        odoo.call("res.company", "search", []),
        {"external_report_layout_id": layout, "country_id": france[0]},
    )
    # the links shown (referral) as on a real site, not this local server
    for key, value in (
        ("web.base.url", "https://www.example.com"),
        ("web.base.url.freeze", "True"),
    ):
        odoo.call("ir.config_parameter", "set_param", key, value)
    return ids


# ---------------------------------------------------------------- the browser
# (run in the tools' virtual environment, where Playwright is)
def log_in(context, base, db, credentials):
    """The browser's session: ``credentials``' (login, password)."""
    context.clear_cookies()
    login, password = credentials
    params = {"db": db, "login": login, "password": password}
    answer = context.request.post(
        f"{base}/web/session/authenticate",
        data=rpc.payload(params),
    )
    try:
        rpc.result(answer.json())
    except rpc.RPCError as error:
        sys.exit(f"[{dev.ADDON}] cannot log in as {login}: {error}")


def act(page, kind, arg):
    """One action of a screen (see SHOTS)."""
    if kind == "search":  # type in the search box, then Enter
        page.fill(".o_searchview_input", arg)
        page.wait_for_timeout(800)
        page.press(".o_searchview_input", "Enter")
    elif kind == "tab":
        page.click(f'.o_notebook a.nav-link[name="{arg}"]')
    elif kind == "scroll":  # the element at the top of the screen
        page.eval_on_selector(arg, "element => element.scrollIntoView()")
    else:
        page.click(arg)
    page.wait_for_timeout(500)


def wait_ready(page, selector):
    page.wait_for_function(READY, arg=selector, timeout=60_000)
    page.wait_for_timeout(1000)  # fonts, images and transitions


def shoot(page, base, shot):
    page.goto(base + shot["url"])
    wait_ready(page, shot["ready"])
    for kind, arg in shot["actions"]:
        act(page, kind, arg)
    if shot.get("done"):
        wait_ready(page, shot["done"])
    page.mouse.move(WIDTH - 1, HEIGHT - 1)  # no hovered row or button
    # nor a dialog's first field selected, as the user has not typed yet
    page.evaluate(
        "document.activeElement?.closest('.modal') && document.activeElement.blur()"
    )
    # "the page is out of date": the demo database's assets were just built
    page.evaluate(
        "document.querySelectorAll('.o_notification_manager > *')"
        ".forEach(n => n.remove())"
    )
    height = HEIGHT
    if shot["crop"]:  # down to the bottom of that element, not the blank below
        bottom = page.eval_on_selector(
            shot["crop"], "element => element.getBoundingClientRect().bottom"
        )
        height = min(HEIGHT, max(300, int(bottom) + 24))
    page.screenshot(
        path=OUT / f"{shot['name']}.png",
        clip={"x": 0, "y": 0, "width": WIDTH, "height": height},
    )
    dev.say(f"  {shot['name']}.png")


def browse(base, db, ids, only):
    """Take the screenshots with Playwright driving Debian's Chromium."""
    from playwright.sync_api import sync_playwright

    binary = next(filter(None, map(shutil.which, ("chromium", "google-chrome"))))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=binary, args=["--hide-scrollbars", "--lang=en-US"]
        )
        context = browser.new_context(
            viewport={"width": WIDTH, "height": HEIGHT},
            device_scale_factor=1,
            locale="en-US",
        )
        page = context.new_page()
        user = None
        for shot in screens(ids, only):
            if shot["user"] != user:
                user = shot["user"]
                log_in(context, base, db, user)
            shoot(page, base, shot)
        browser.close()


# ---------------------------------------------------------------- the run
def database(db, keep):
    """The demo database of the screenshots: made anew, or updated."""
    if keep and dev.database_exists(db):
        dev.say(f"updating {dev.ADDON} in {db}")
        dev.odoo("-d", db, "-u", dev.ADDON, "--stop-after-init", "--log-level=warn")
    else:
        dev.install(db)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="travel_customer_screenshots")
    parser.add_argument(
        "--keep", action="store_true", help="reuse the database if it exists"
    )
    parser.add_argument("--browse", help=argparse.SUPPRESS)  # base URL
    parser.add_argument("--ids", help=argparse.SUPPRESS)
    parser.add_argument("only", nargs="*", help="names of the screenshots to take")
    args = parser.parse_args()
    if args.browse:
        browse(args.browse, args.db, json.loads(args.ids), set(args.only))
        return
    dev.ensure_chromium()
    database(args.db, args.keep)
    with dev.serve(args.db) as base:
        ids = prepare(base, args.db)
        command = [str(dev.tools_python()), __file__, "--db", args.db]
        command += ["--browse", base, "--ids", json.dumps(ids), *args.only]
        sys.exit(subprocess.run(command, check=False).returncode)


if __name__ == "__main__":
    main()
