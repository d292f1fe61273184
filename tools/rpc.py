"""The tools' client of Odoo: the web client's JSON-RPC routes.

One session (a ``requests.Session``, or the one of a Locust user, which times
each request under the ``name`` it is given), logged in on
``/web/session/authenticate``, calling models on ``/web/dataset/call_kw``
as the web client does. Used by ``make screenshots`` and ``make load``.
"""

import itertools

import requests


class RPCError(Exception):
    """Odoo answered a call with an error (its message)."""


def result(body):
    """The result of the JSON-RPC answer ``body``; its error raises RPCError."""
    if "error" in body:
        error = body["error"]
        raise RPCError(error.get("data", {}).get("message") or error.get("message"))
    return body["result"]


_IDS = itertools.count(1)


def payload(params):
    """The JSON-RPC request of ``params``."""
    return {"jsonrpc": "2.0", "method": "call", "id": next(_IDS), "params": params}


def call_kw(model, method, args=(), kwargs=None):
    """The route and parameters of the web client's call of a model's method."""
    params = {"model": model, "method": method, "args": args, "kwargs": kwargs or {}}
    return f"/web/dataset/call_kw/{model}/{method}", params


class Client:
    """Odoo at ``base`` (``http://host:port``), over ``session``."""

    def __init__(self, base, session=None, timeout=300):
        self.base = base.rstrip("/")
        self.session = session if session is not None else requests.Session()
        self.timeout = timeout

    def post(self, path, params, **kwargs):
        """POST ``params`` to ``path``: the response (``kwargs``: more
        arguments of the session, such as Locust's ``name``)."""
        return self.session.post(
            self.base + path,
            json=payload(params),
            timeout=self.timeout,
            **kwargs,
        )

    def authenticate(self, db, login, password):
        """Log the session in: the user's id."""
        params = {"db": db, "login": login, "password": password}
        return result(self.post("/web/session/authenticate", params).json())["uid"]

    def call(self, model, method, *args, **kwargs):
        """``model.method(*args, **kwargs)`` as the logged-in user."""
        return result(self.post(*call_kw(model, method, args, kwargs)).json())

    @property
    def session_id(self):
        return self.session.cookies.get("session_id")
