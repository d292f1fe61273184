"""Screenshots of the user guide: ``make screenshots``.

Creates a database with the addon and its demo data (``--keep`` reuses it),
serves it, and drives headless Chromium through the DevTools protocol: one
PNG per screen of readme/USAGE.md, saved in static/description/. The
back-office screens are taken as the demo administrator, the portal ones as
the demo portal users (a reseller, a guardian).
"""

import argparse
import base64
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dev  # noqa: E402

OUT = dev.ROOT / "static" / "description"
WIDTH, HEIGHT = 1280, 960
ADMIN = ("admin", "admin")
RESELLER = ("karim.benali@soleil-voyages.example.fr", "soleil-voyages")
GUARDIAN = ("claire.martin@example.fr", "claire-martin")
# an Odoo screen is ready when its view is there and nothing is loading
READY = (
    "document.querySelector({selector}) && "
    "!document.querySelector('.o_loading_indicator, .o-overlay-container .o_loading')"
)


def tab(name):
    """Script clicking a form's notebook tab by its name."""
    return click(f'.o_notebook a.nav-link[name="{name}"]')


def scroll(selector):
    """Script scrolling the element ``selector`` (CSS) to the top."""
    return f"document.querySelector({json.dumps(selector)}).scrollIntoView()"


def click(selector):
    """Script clicking the element ``selector`` (CSS)."""
    return f"document.querySelector({json.dumps(selector)}).click()"


class Browser:
    """Just enough of the Chrome DevTools protocol to take screenshots."""

    def __init__(self):
        import websocket  # websocket-client, installed for the browser tests

        binary = next(
            filter(None, map(shutil.which, ("chromium", "google-chrome"))), None
        )
        if not binary:
            sys.exit("[travel_customer] Chromium is needed: make test installs it")
        port = dev.free_port()
        self.profile = tempfile.TemporaryDirectory(ignore_cleanup_errors=True)
        self.process = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--no-first-run",
                "--lang=en-US",
                "--remote-allow-origins=*",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={self.profile.name}",
                f"--window-size={WIDTH},{HEIGHT}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _i in range(100):
            try:
                targets = requests.get(f"http://127.0.0.1:{port}/json", timeout=2)
                page = next(t for t in targets.json() if t["type"] == "page")
                break
            except (requests.RequestException, StopIteration):
                time.sleep(0.2)
        else:
            sys.exit("[travel_customer] Chromium did not start")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.seq = 0
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=False,
        )

    def call(self, method, **params):
        self.seq += 1
        self.ws.send(json.dumps({"id": self.seq, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.seq:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def js(self, expression):
        result = self.call(
            "Runtime.evaluate",
            expression=expression,
            returnByValue=True,
            awaitPromise=True,
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait(self, condition, what, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.js(f"!!({condition})"):
                time.sleep(1)  # fonts, images and transitions
                return
            time.sleep(0.25)
        raise RuntimeError(f"{what}: not ready after {timeout} s ({condition})")

    def login(self, base, db, credentials):
        session = requests.post(
            f"{base}/web/session/authenticate",
            json={
                "jsonrpc": "2.0",
                "params": {
                    "db": db,
                    "login": credentials[0],
                    "password": credentials[1],
                },
            },
            timeout=60,
        )
        if session.json().get("error") or "session_id" not in session.cookies:
            sys.exit(f"[travel_customer] cannot log in as {credentials[0]}")
        self.call("Network.clearBrowserCookies")
        self.call(
            "Network.setCookie",
            name="session_id",
            value=session.cookies["session_id"],
            url=base,
        )
        return session.cookies["session_id"]

    def shot(self, name, crop=None):
        # "the page is out of date": the demo database's assets were just built
        self.js(
            "document.querySelectorAll('.o_notification_manager > *')"
            ".forEach(n => n.remove())"
        )
        params = {"format": "png"}
        if crop:  # down to the bottom of that element, not the blank below
            bottom = self.js(
                f"document.querySelector({json.dumps(crop)})"
                ".getBoundingClientRect().bottom"
            )
            height = min(HEIGHT, max(300, int(bottom) + 24))
            params["clip"] = dict(x=0, y=0, width=WIDTH, height=height, scale=1)
        data = self.call("Page.captureScreenshot", **params)["data"]
        (OUT / f"{name}.png").write_bytes(base64.b64decode(data))
        dev.say(f"  {name}.png")

    def close(self):
        self.ws.close()
        self.process.terminate()
        self.process.wait(timeout=30)
        self.profile.cleanup()


def rpc(base, session_id, model, method, *args, **kwargs):
    response = requests.post(
        f"{base}/web/dataset/call_kw",
        json={
            "jsonrpc": "2.0",
            "params": {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": kwargs,
            },
        },
        cookies={"session_id": session_id},
        timeout=300,
    ).json()
    if "error" in response:
        raise RuntimeError(f"{model}.{method}: {response['error']['data']['message']}")
    return response["result"]


def search(text):
    """Script typing ``text`` in the search box and pressing Enter."""
    return f"""(async () => {{
        const input = document.querySelector('.o_searchview_input');
        input.focus();
        input.value = {json.dumps(text)};
        input.dispatchEvent(new Event('input', {{bubbles: true}}));
        await new Promise(resolve => setTimeout(resolve, 800));
        input.dispatchEvent(
            new KeyboardEvent('keydown', {{key: 'Enter', bubbles: true}}));
    }})()"""


def shots(ids):
    """The screens of the guide, in its order: name, user, address, what
    shows the screen is ready, scripts run then (clicks), what shows they
    are done, and whether to crop the page below its content (portal)."""
    partner = "/odoo/contacts/{}".format
    action = "/odoo/action-travel_customer.{}".format
    form = ".o_form_view .o_form_sheet"
    listed = ".o_list_view .o_data_row"
    rows = ".o_list_renderer"
    portal = "#wrap"
    return [
        dict(
            name="customer_search",
            user=ADMIN,
            url="/odoo/contacts?view_type=list",
            ready=".o_list_view",
            scripts=[search("testine bordeaux")],
            done=".o_searchview_facet",
            crop=rows,
        ),
        dict(
            name="customer_form",
            user=ADMIN,
            url=partner(ids["partner_jean_dupont"]),
            ready=form,
            scripts=[tab("travel_bookings")],
        ),
        *(
            dict(
                name=f"customer_{name}",
                user=ADMIN,
                url=partner(ids["partner_jean_dupont"]),
                ready=form,
                # the tab's content, not only the top of the form
                scripts=[tab(f"travel_{page}"), scroll(".o_notebook")],
            )
            for name, page in (
                ("identity", "identity"),
                ("documents", "documents"),
                ("consents", "consents"),
                ("wallet", "wallet"),
                ("links", "links"),
            )
        ),
        dict(
            name="customer_participants",
            user=ADMIN,
            url=partner(ids["partner_claire_martin"]),
            ready=form,
            scripts=[tab("travel_participants")],
        ),
        dict(
            name="booking_form",
            user=ADMIN,
            url=f"/odoo/action-sale.action_orders/{ids['sale_order_vercors_pins']}",
            ready=form,
            scripts=[tab("travel_participants")],
        ),
        dict(
            name="merge_dialog",
            user=ADMIN,
            url=partner(ids["partner_testine_1"]),
            ready=form,
            scripts=[
                tab("travel_system_info"),
                click(f"button[name='{ids['merge_action']}']"),
            ],
            done=".modal .o_form_view",
        ),
        dict(
            name="duplicate_candidates",
            user=ADMIN,
            url=action("travel_duplicate_group_action"),
            ready=".o_list_view, .o_kanban_view",
            crop=rows,
        ),
        dict(
            name="departures",
            user=ADMIN,
            url=action("travel_departure_action"),
            ready=listed,
            crop=rows,
        ),
        dict(
            name="assignment_screen",
            user=ADMIN,
            url=partner(ids["partner_soleil_voyages"]),
            ready=form,
            scripts=[
                tab("travel_reseller"),
                click("button[name='action_travel_assign_departures']"),
            ],
            done=listed,
            crop=rows,
        ),
        dict(
            name="participants",
            user=ADMIN,
            url=action("travel_participant_action"),
            ready=".o_list_view, .o_kanban_view",
            crop=rows,
        ),
        dict(
            name="privacy_tab",
            user=ADMIN,
            url=partner(ids["partner_jean_dupont"]),
            ready=form,
            scripts=[tab("travel_system_info")],
        ),
        dict(
            name="settings",
            user=ADMIN,
            url=action("travel_customer_config_settings_action"),
            ready=".o_setting_container, .o_settings_container, .settings",
        ),
        dict(
            name="registration_card",
            user=ADMIN,
            url="/report/html/travel_customer.report_registration_card/"
            f"{ids['sale_order_06']}",
            ready=".page",
            crop=".page",
        ),
        dict(
            name="portal_departures",
            user=RESELLER,
            url="/my/departures",
            ready=portal,
            crop=portal,
        ),
        dict(name="portal_home", user=GUARDIAN, url="/my", ready=portal, crop=portal),
        dict(
            name="portal_participant",
            user=GUARDIAN,
            url=f"/my/participants/{ids['participant_leo_martin']}",
            ready=portal,
            crop=portal,
        ),
        dict(
            name="portal_consents",
            user=GUARDIAN,
            url="/my/consents",
            ready=portal,
            crop=portal,
        ),
        dict(
            name="portal_wallet",
            user=GUARDIAN,
            url="/my/wallet",
            ready=portal,
            crop=portal,
        ),
        dict(
            name="portal_documents",
            user=GUARDIAN,
            url="/my/documents",
            ready=portal,
            crop=portal,
        ),
    ]


def prepare(base, db):
    """The ids the screens need; the duplicate scan run and a report layout
    chosen, as a user would have done."""
    session = requests.post(
        f"{base}/web/session/authenticate",
        json={
            "jsonrpc": "2.0",
            "params": {"db": db, "login": ADMIN[0], "password": ADMIN[1]},
        },
        timeout=60,
    ).cookies["session_id"]
    names = [
        "partner_jean_dupont",
        "partner_claire_martin",
        "partner_testine_1",
        "partner_soleil_voyages",
        "sale_order_vercors_pins",
        "sale_order_06",
        "participant_leo_martin",
        "travel_customer_merge_action",
    ]
    rows = rpc(
        base,
        session,
        "ir.model.data",
        "search_read",
        [("module", "=", "travel_customer"), ("name", "in", names)],
        ["name", "res_id"],
    )
    ids = {row["name"]: row["res_id"] for row in rows}
    ids["merge_action"] = ids.pop("travel_customer_merge_action")
    rpc(base, session, "travel.duplicate.group", "action_scan", [])
    layout = rpc(
        base,
        session,
        "ir.model.data",
        "search_read",
        [("module", "=", "web"), ("name", "=", "external_layout_standard")],
        ["res_id"],
    )[0]["res_id"]
    france = rpc(base, session, "res.country", "search", [("code", "=", "FR")], limit=1)
    companies = rpc(base, session, "res.company", "search", [])
    # a French company: the registration card lists what French law asks
    rpc(
        base,
        session,
        "res.company",
        "write",
        companies,
        {"external_report_layout_id": layout, "country_id": france[0]},
    )
    # the links shown (referral) as on a real site, not this local server
    for key, value in (
        ("web.base.url", "https://www.example.com"),
        ("web.base.url.freeze", "True"),
    ):
        rpc(base, session, "ir.config_parameter", "set_param", key, value)
    return ids


def take(browser, base, db, only):
    ids = prepare(base, db)
    user = None
    for shot in shots(ids):
        if only and shot["name"] not in only:
            continue
        if shot["user"] != user:
            user = shot["user"]
            browser.login(base, db, user)
        browser.call("Page.navigate", url=base + shot["url"])
        time.sleep(0.5)
        browser.wait(READY.format(selector=json.dumps(shot["ready"])), shot["name"])
        for script in shot.get("scripts", ()):
            browser.js(script)
            time.sleep(0.5)
        if shot.get("done"):
            browser.wait(READY.format(selector=json.dumps(shot["done"])), shot["name"])
        browser.shot(shot["name"], crop=shot.get("crop"))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="travel_customer_screenshots")
    parser.add_argument(
        "--keep", action="store_true", help="reuse the database if it exists"
    )
    parser.add_argument("only", nargs="*", help="names of the screenshots to take")
    args = parser.parse_args()
    if args.keep and dev.database_exists(args.db):
        dev.say(f"updating {dev.ADDON} in {args.db}")
        dev.odoo(
            "-d", args.db, "-u", dev.ADDON, "--stop-after-init", "--log-level=warn"
        )
    else:
        if dev.database_exists(args.db):
            dev.drop_database(args.db)
        dev.install(args.db, "--log-level=warn")
    with dev.serve(args.db) as base:
        browser = Browser()
        try:
            take(browser, base, args.db, set(args.only))
        finally:
            browser.close()


if __name__ == "__main__":
    main()
