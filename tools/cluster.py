"""The topology a travel group deploys, on one machine (`make cluster`).

- a PostgreSQL 15 primary and a hot standby fed by streaming replication,
  two clusters of Debian's postgresql-15 binaries under .build/cluster/pg/
  (the project's usual server on 5432 is left alone);
- two Odoo HTTP servers (prefork workers, each with its websocket port)
  using the standby as replica (`db_replica_host` / `db_replica_port`):
  read-only routes and methods run there;
- one Odoo cron server (no HTTP) running the scheduled actions;
- nginx in front, with Odoo's proxy settings (`proxy_mode`, /websocket).

The servers share one data directory (sessions and file store): a user's
session lives on whichever server answers. The database is copied from the
project's usual server when it exists there (`make bench` makes the bench
one), else created with the addon and its demo data.

    python3 tools/cluster.py start [--db DB] [--port 8080] [--workers 2]
    python3 tools/cluster.py status
    python3 tools/cluster.py drill [--requests 200]
    python3 tools/cluster.py stop
"""

import argparse
import contextlib
import json
import os
import pwd
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402
import dev  # noqa: E402

from odoo.tools import SQL  # noqa: E402

PG_BIN = Path(f"/usr/lib/postgresql/{dev.PG_VERSION}/bin")
TEMPLATES = Path(__file__).resolve().parent / "cluster"
HTTP_SERVERS = ("http-1", "http-2")
CRON_SERVER = "cron"
ADMIN_PASSWD = "admin"
NGINX_RETRY = 2  # seconds


class Place:
    """Where a cluster keeps its files: `make cluster`'s in .build/cluster,
    the replica test's in a temporary folder of its own."""

    def __init__(self, root):
        self.root = Path(root)
        self.pg = self.root / "pg"  # owned by PostgreSQL's user
        self.pg_run = self.pg / "run"  # the servers' sockets
        self.log = self.root / "log"
        self.run = self.root / "run"
        self.data = self.root / "data"
        self.state = self.root / "cluster.json"

    def make(self):
        for folder in (self.root, self.log, self.run, self.data):
            folder.mkdir(parents=True, exist_ok=True)


HERE = Place(dev.BUILD / "cluster")


class ClusterError(Exception):
    """What stops the cluster from starting, in a sentence for its user."""


def say(message):
    dev.say(f"cluster: {message}")


def fail(message):
    raise ClusterError(message)


# ---------------------------------------------------------------- helpers
def pg_user():
    """PostgreSQL refuses to run as root: as root, its servers run as the
    `postgres` user of Debian's package; otherwise as the current user."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid()).pw_name
    try:
        return pwd.getpwnam("postgres").pw_name
    except KeyError:
        fail("no `postgres` user: install Debian's postgresql-15 package")


def as_pg(cmd, **kwargs):
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", pg_user(), "--", *cmd]
    kwargs.setdefault("check", True)
    return subprocess.run(cmd, **kwargs)


def psql(port, query, db="postgres", place=HERE):
    """``query`` (``odoo.tools.SQL``) as PostgreSQL's superuser on a cluster
    server: its output."""
    return as_pg(
        [
            str(PG_BIN / "psql"),
            "-h",
            str(place.pg_run),
            "-p",
            str(port),
            "-U",
            pg_user(),
            "-d",
            db,
            "-XtAqc",
            dev.sql_text(query),
        ],
        capture_output=True,
        text=True,
    ).stdout.strip()


def odoo_psql(port, db, *options):
    """The ``psql`` command line into ``db`` on a cluster server as Odoo's
    database user (over TCP: its password goes in the environment)."""
    return [
        str(PG_BIN / "psql"),
        "-h",
        "localhost",
        "-p",
        str(port),
        "-U",
        dev.DB_USER,
        "-d",
        db,
        *options,
    ]


def port_free(port):
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def render(template, target, **values):
    text = (TEMPLATES / template).read_text()
    for key, value in values.items():
        text = text.replace(f"@{key.upper()}@", str(value))
    target.write_text(text)


def pid_alive(pid):
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # a server this process started and stopped
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def read_pid(path):
    # an empty file: nginx -t writes it before the server starts
    with contextlib.suppress(OSError, ValueError, IndexError):
        return int(path.read_text().split()[0])
    return None


def stop_pid(name, pid, timeout=60):
    """Stop the process ``pid`` that this script started (SIGTERM, then
    SIGKILL after ``timeout`` seconds)."""
    if not pid or not pid_alive(pid):
        return
    say(f"stopping {name} (pid {pid})")
    os.kill(pid, signal.SIGTERM)
    for _i in range(timeout * 4):
        if not pid_alive(pid):
            return
        time.sleep(0.25)
    os.kill(pid, signal.SIGKILL)


# ---------------------------------------------------------------- prerequisites
def nginx_binary():
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if not found:
        dev.apt_install("nginx")
        found = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(found).exists():
        fail("nginx is missing: install Debian's `nginx` package")
    return found


def check_postgresql():
    dev.odoo_location()
    if not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_basebackup").exists():
        dev.apt_install(f"postgresql-{dev.PG_VERSION}")
    for tool in ("initdb", "pg_ctl", "pg_basebackup", "psql", "pg_dump", "pg_restore"):
        if not (PG_BIN / tool).exists():
            fail(f"{PG_BIN / tool} is missing: install Debian's postgresql-15 package")
    if not (TEMPLATES / "odoo.cfg").exists():
        fail("the template tools/cluster/odoo.cfg is missing")


def check_prerequisites():
    check_postgresql()
    for template in ("odoo.cfg", "nginx.conf"):
        if not (TEMPLATES / template).exists():
            fail(f"the template tools/cluster/{template} is missing")
    return nginx_binary()


# ---------------------------------------------------------------- PostgreSQL
def pg_running(data):
    return (
        as_pg(
            [str(PG_BIN / "pg_ctl"), "status", "-D", str(data)],
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )


def pg_start(name, data, port, place=HERE, settings=()):
    """Start the server of ``data`` (``settings``: more ``name=value``
    options of PostgreSQL's, without spaces)."""
    if pg_running(data):
        return
    say(f"starting PostgreSQL {name} on port {port}")
    options = "".join(f" -c {setting}" for setting in settings)
    started = as_pg(
        [
            str(PG_BIN / "pg_ctl"),
            "start",
            "-w",
            "-t",
            "120",
            "-D",
            str(data),
            "-l",
            str(place.pg / f"{name}.log"),
            "-o",
            f"-c port={port} -c listen_addresses=localhost "
            f"-c unix_socket_directories={place.pg_run}{options}",
        ],
        check=False,
        stdout=subprocess.DEVNULL,
    )
    if started.returncode:
        fail(f"PostgreSQL {name} did not start: see {place.pg / f'{name}.log'}")


def pg_stop(name, data):
    if data.exists() and pg_running(data):
        say(f"stopping PostgreSQL {name}")
        as_pg(
            [str(PG_BIN / "pg_ctl"), "stop", "-m", "fast", "-w", "-D", str(data)],
            stdout=subprocess.DEVNULL,
        )


def ensure_postgresql(state, place=HERE, settings=()):
    """The primary (created once) and its standby (a base backup of it,
    following it by streaming replication); ``settings`` as ``pg_start``'s."""
    primary, standby = place.pg / "primary", place.pg / "standby"
    place.pg_run.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(place.pg, pg_user(), pg_user())
        shutil.chown(place.pg_run, pg_user(), pg_user())
        if as_pg(["test", "-w", str(place.pg_run)], check=False).returncode:
            fail(
                f"PostgreSQL's user {pg_user()} cannot reach {place.pg}: let it "
                "through the checkout's folders (chmod o+x), or run as a "
                "user other than root"
            )
    if not primary.exists():
        say("creating the primary PostgreSQL cluster")
        as_pg(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(primary),
                "-U",
                pg_user(),
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--auth-local=peer",
                "--auth-host=scram-sha-256",
            ],
            stdout=subprocess.DEVNULL,
        )
    pg_start("primary", primary, state["primary_port"], place, settings)
    ensure_role(state["primary_port"], place)
    if not standby.exists():
        say("creating the hot standby (base backup of the primary)")
        as_pg(
            [
                str(PG_BIN / "pg_basebackup"),
                "-h",
                str(place.pg_run),
                "-p",
                str(state["primary_port"]),
                "-U",
                pg_user(),
                "-D",
                str(standby),
                "-X",
                "stream",
                "-c",
                "fast",
                "-R",  # standby.signal and the primary's address
            ]
        )
    pg_start("standby", standby, state["standby_port"], place, settings)
    in_recovery = SQL("SELECT pg_is_in_recovery()")
    if psql(state["standby_port"], in_recovery, place=place) != "t":
        fail(f"the standby is not in recovery: remove {standby}")


def ensure_role(port, place=HERE):
    """Odoo's database role on the primary (the standby follows)."""
    exists = SQL("SELECT 1 FROM pg_roles WHERE rolname = %s", dev.DB_USER)
    if not psql(port, exists, place=place):
        psql(
            port,
            SQL(
                "CREATE ROLE %s LOGIN CREATEDB PASSWORD %s",
                SQL.identifier(dev.DB_USER),
                dev.DB_PASSWORD,
            ),
            place=place,
        )


def wait_replayed(state, place=HERE, timeout=60):
    """Wait until the standby has replayed what the primary has written so
    far: how long it took, in seconds."""
    start = time.monotonic()
    lsn = psql(state["primary_port"], SQL("SELECT pg_current_wal_lsn()"), place=place)
    replayed = SQL("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", lsn)
    while psql(state["standby_port"], replayed, place=place) != "t":
        if time.monotonic() - start > timeout:
            fail(f"the standby did not replay {lsn} in {timeout} s")
        time.sleep(0.05)
    return time.monotonic() - start


# ---------------------------------------------------------------- database
def copy_database(db, port, env):
    """Copy ``db`` from the usual server into the (empty) database of the
    same name on the primary: whether it worked."""
    dump = subprocess.Popen(
        [
            str(PG_BIN / "pg_dump"),
            "-h",
            "localhost",
            "-p",
            "5432",
            "-U",
            dev.DB_USER,
            "--no-owner",
            "--no-privileges",
            db,
        ],
        stdout=subprocess.PIPE,
        env=env,
    )
    # (the addon's functions call each other by their schema: the dump's
    # empty search_path restores their indexes as it is)
    restore = subprocess.Popen(
        odoo_psql(port, db, "-Xq", "-v", "ON_ERROR_STOP=1", "-o", os.devnull),
        stdin=dump.stdout,
        env=env,
    )
    dump.stdout.close()
    return not dump.wait() and not restore.wait()


def copy_from_usual_server(db, port, place=HERE):
    """Copy ``db`` from the project's usual server to the primary, its file
    store too."""
    env = dict(os.environ, PGPASSWORD=dev.DB_PASSWORD)
    say(f"copying {db} from the usual server (port 5432) to the primary")
    psql(
        port,
        SQL(
            "CREATE DATABASE %s OWNER %s",
            SQL.identifier(db),
            SQL.identifier(dev.DB_USER),
        ),
        place=place,
    )
    if not copy_database(db, port, env):
        drop = SQL("DROP DATABASE IF EXISTS %s", SQL.identifier(db))
        psql(port, drop, place=place)
        fail(f"copying {db} failed (see above)")
    filestore = dev.FILESTORE / db
    if filestore.exists():
        shutil.copytree(filestore, place.data / "filestore" / db, dirs_exist_ok=True)
    else:
        # made by another checkout: Odoo builds its assets again
        say(f"{db}'s file store is not in this checkout: assets rebuilt")
        subprocess.run(
            odoo_psql(
                port,
                db,
                "-qc",
                dev.sql_text(
                    SQL(
                        "DELETE FROM ir_attachment "
                        "WHERE starts_with(url, '/web/assets/')"
                    )
                ),
            ),
            env=env,
            check=True,
        )


def ensure_database(state, place=HERE):
    """The database on the primary: copied from the project's usual server
    when it has one of that name (its file store too), else created with
    the addon and its demo data."""
    db, port = state["db"], state["primary_port"]
    exists = SQL("SELECT 1 FROM pg_database WHERE datname = %s", db)
    if psql(port, exists, place=place):
        return
    if dev.database_exists(db):
        copy_from_usual_server(db, port, place)
        return
    say(
        f"{db} is on neither server: creating it with {dev.ADDON} and its demo "
        "data (`make bench` first, then `make cluster-stop` and `rm -rf "
        ".build/cluster`, to run the cluster on the bench base)"
    )
    installed = subprocess.run(
        [
            *dev.ODOO_COMMAND,
            "-c",
            str(place.root / f"{CRON_SERVER}.cfg"),
            "-d",
            db,
            "-i",
            dev.ADDON,
            "--stop-after-init",
            "--log-level=warn",
            "--logfile=",
        ],
        cwd=place.root,
        check=False,
    )
    if installed.returncode:
        fail(f"installing {dev.ADDON} in {db} failed (see above)")


# ---------------------------------------------------------------- Odoo
def server_config(state, name, options, place=HERE):
    """The configuration of the Odoo server ``name`` (``options``: the lines
    of its own) on the cluster's primary."""
    odoo_path = dev.odoo_location()
    render(
        "odoo.cfg",
        place.root / f"{name}.cfg",
        addons_path=f"{odoo_path / 'addons'},{dev.ADDONS}",
        data_dir=place.data,
        primary_port=state["primary_port"],
        db_user=dev.DB_USER,
        db_password=dev.DB_PASSWORD,
        db=state["db"],
        admin_passwd=ADMIN_PASSWD,
        logfile=place.log / f"odoo-{name}.log",
        pidfile=place.run / f"odoo-{name}.pid",
        server_options="\n".join(options),
    )


def http_server_options(state, index):
    """An HTTP server's own options: reads of read-only requests on the
    standby."""
    return [
        "; an HTTP server: reads of read-only requests on the standby",
        "db_replica_host = localhost",
        f"db_replica_port = {state['standby_port']}",
        "proxy_mode = True",
        "http_interface = 127.0.0.1",
        f"http_port = {state['http_ports'][index]}",
        f"gevent_port = {state['gevent_ports'][index]}",
        f"workers = {state['workers']}",
        "max_cron_threads = 0",
    ]


def write_odoo_configs(state):
    for index, name in enumerate(HTTP_SERVERS):
        server_config(state, name, http_server_options(state, index))
    server_config(
        state,
        CRON_SERVER,
        [
            "; the cron server: scheduled actions only, no HTTP",
            "http_enable = False",
            "workers = 0",
            f"max_cron_threads = {state['cron_threads']}",
        ],
    )


def start_odoo(name, place=HERE):
    pid = read_pid(place.run / f"odoo-{name}.pid")
    if pid and pid_alive(pid):
        return
    say(f"starting the Odoo {name} server")
    with open(place.log / f"odoo-{name}.out", "ab") as out:
        process = subprocess.Popen(
            [*dev.ODOO_COMMAND, "-c", str(place.root / f"{name}.cfg")],
            cwd=place.root,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    (place.run / f"odoo-{name}.pid").write_text(f"{process.pid}\n")


def wait_http(url, what, process_pid=None, timeout=300, place=HERE):
    import requests  # an Odoo dependency

    for _i in range(timeout * 2):
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass  # still starting
        if process_pid and not pid_alive(process_pid):
            break
        time.sleep(0.5)
    fail(f"{what} does not answer at {url}: see {place.log}")


# ---------------------------------------------------------------- nginx
def upstream(port):
    """An Odoo server for nginx: one that failed is tried again after
    NGINX_RETRY seconds (when both failed recently, nginx answers 502)."""
    return f"        server 127.0.0.1:{port} max_fails=1 fail_timeout={NGINX_RETRY}s;"


def start_nginx(nginx, state):
    temp = HERE.root / "nginx"
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (temp / sub).mkdir(parents=True, exist_ok=True)
        (temp / sub).chmod(0o1777)  # nginx's workers may run as another user
    render(
        "nginx.conf",
        HERE.root / "nginx.conf",
        run=HERE.run,
        log=HERE.log,
        temp=temp,
        port=state["port"],
        http_servers="\n".join(upstream(port) for port in state["http_ports"]),
        websocket_servers="\n".join(upstream(port) for port in state["gevent_ports"]),
    )
    command = [nginx, "-p", str(HERE.root), "-c", str(HERE.root / "nginx.conf")]
    checked = subprocess.run(
        [*command, "-t", "-q"], capture_output=True, text=True, check=False
    )
    if checked.returncode:
        fail(f"nginx refuses its configuration:\n{checked.stderr}")
    pid = read_pid(HERE.run / "nginx.pid")
    if pid and pid_alive(pid):
        subprocess.run([*command, "-s", "reload"], check=True)
        return
    say(f"starting nginx on port {state['port']}")
    subprocess.run(command, check=True)


# ---------------------------------------------------------------- commands
def gevent_problem():
    """Why Odoo's websocket server (gevent, started by a server with
    workers) cannot start from this Python, or None."""
    probe = subprocess.run(
        [sys.executable, "-c", "import gevent.monkey; gevent.monkey.patch_all()"],
        capture_output=True,
        text=True,
        check=False,
        cwd="/",
    )
    if probe.returncode:
        lines = (probe.stderr or probe.stdout).strip().splitlines()
        return lines[-1] if lines else f"exit status {probe.returncode}"
    return None


def new_state(args):
    workers = args.workers
    problem = workers and gevent_problem()
    if problem:
        say(
            "Odoo's websocket server (gevent) cannot start from "
            f"{sys.executable}: {problem}\n  Odoo's Python dependencies are "
            "incomplete (see Odoo's requirements.txt); meanwhile the HTTP "
            "servers run threaded (workers = 0) and serve /websocket themselves"
        )
        workers = 0
    http_ports = [args.base_port, args.base_port + 1]
    # a threaded server answers /websocket on its HTTP port
    gevent_ports = (
        [args.base_port + 2, args.base_port + 3] if workers else list(http_ports)
    )
    return {
        "db": args.db,
        "port": args.port,
        "primary_port": args.pg_port,
        "standby_port": args.pg_port + 1,
        "http_ports": http_ports,
        "gevent_ports": gevent_ports,
        "workers": workers,
        "cron_threads": args.cron_threads,
    }


def check_ports(state):
    wanted = {
        "nginx": [state["port"]],
        "PostgreSQL primary": [state["primary_port"]],
        "PostgreSQL standby": [state["standby_port"]],
        "Odoo HTTP": state["http_ports"],
        "Odoo websocket": state["gevent_ports"] if state["workers"] else [],
    }
    busy = [
        f"{what} {port}"
        for what, ports in wanted.items()
        for port in ports
        if not port_free(port)
    ]
    if busy:
        fail(
            f"ports in use: {', '.join(busy)} (another program, or a cluster "
            "started from another checkout): choose others with --port, "
            "--base-port, --pg-port"
        )


def cmd_start(args):
    nginx = check_prerequisites()
    if not dev.CONFIG.exists():
        dev.setup()
    dev.write_config(dev.odoo_location())  # the addon's link in .build/addons
    if HERE.state.exists() and cluster_running():
        state = json.loads(HERE.state.read_text())
        if state["db"] != args.db:
            fail(f"the cluster runs on {state['db']}: `make cluster-stop` first")
    else:
        state = new_state(args)
        check_ports(state)
    HERE.make()
    HERE.state.write_text(json.dumps(state, indent=2))
    ensure_postgresql(state)
    write_odoo_configs(state)
    ensure_database(state)
    for name in HTTP_SERVERS:
        start_odoo(name)
    for name, port in zip(HTTP_SERVERS, state["http_ports"], strict=True):
        wait_http(
            f"http://127.0.0.1:{port}/web/health",
            f"the Odoo {name} server",
            read_pid(HERE.run / f"odoo-{name}.pid"),
        )
    start_odoo(CRON_SERVER)
    start_nginx(nginx, state)
    base = f"http://localhost:{state['port']}"
    wait_http(f"{base}/web/login", "nginx")
    say(f"serving {state['db']} on {base} (admin / admin)")
    cmd_status(args)


def cluster_running():
    pids = [read_pid(HERE.run / f"odoo-{n}.pid") for n in (*HTTP_SERVERS, CRON_SERVER)]
    pids.append(read_pid(HERE.run / "nginx.pid"))
    return any(pid and pid_alive(pid) for pid in pids) or any(
        (HERE.pg / name).exists() and pg_running(HERE.pg / name)
        for name in ("primary", "standby")
    )


def stop_all(place=HERE):
    """Stop whatever runs in ``place``: nginx, the Odoo servers, the standby
    and the primary."""
    stop_pid("nginx", read_pid(place.run / "nginx.pid"))
    for pidfile in sorted(place.run.glob("odoo-*.pid")):
        stop_pid(f"the Odoo {pidfile.stem[5:]} server", read_pid(pidfile))
    pg_stop("standby", place.pg / "standby")
    pg_stop("primary", place.pg / "primary")


def cmd_stop(_args):
    if not HERE.root.exists():
        say("no cluster in this checkout")
        return
    stop_all()
    say("stopped")


def cmd_status(_args):
    if not HERE.state.exists():
        say("no cluster in this checkout: `make cluster`")
        return
    state = json.loads(HERE.state.read_text())
    for name in (*HTTP_SERVERS, CRON_SERVER):
        pid = read_pid(HERE.run / f"odoo-{name}.pid")
        running = "running" if pid and pid_alive(pid) else "stopped"
        say(f"Odoo {name}: {running}")
    pid = read_pid(HERE.run / "nginx.pid")
    running = "running" if pid and pid_alive(pid) else "stopped"
    say(f"nginx on {state['port']}: {running}")
    for name in ("primary", "standby"):
        if not ((HERE.pg / name).exists() and pg_running(HERE.pg / name)):
            say(f"PostgreSQL {name}: stopped")
    if pg_running(HERE.pg / "primary"):
        replication = psql(
            state["primary_port"],
            SQL(
                "SELECT state || ', replay lag ' || coalesce(replay_lag::text, '0') "
                "|| ', ' || pg_wal_lsn_diff(sent_lsn, replay_lsn) "
                "|| ' bytes behind' FROM pg_stat_replication"
            ),
        )
        replication = replication or "none"
        say(f"PostgreSQL primary on {state['primary_port']}: replication {replication}")
    if pg_running(HERE.pg / "standby"):
        say(
            f"PostgreSQL standby on {state['standby_port']}: "
            f"{standby_connections(state)} (their read-only requests)"
        )


def standby_connections(state):
    """The Odoo processes connected to the standby, as a sentence."""
    pids = psql(
        state["standby_port"],
        SQL(
            "SELECT string_agg(DISTINCT application_name, ' ') "
            "FROM pg_stat_activity "
            "WHERE datname = %s AND starts_with(application_name, 'odoo-')",
            state["db"],
        ),
    )
    return f"connections of the Odoo processes {pids}" if pids else "no Odoo process"


def running_state():
    """The state of the cluster running from this checkout."""
    if not HERE.state.exists() or not cluster_running():
        fail("no cluster running: `make cluster` first")
    return json.loads(HERE.state.read_text())


def replication(state):
    """What the primary reports of its standby: (replay lag in seconds,
    bytes not replayed yet), None for each when no standby is connected."""
    row = psql(
        state["primary_port"],
        SQL(
            "SELECT coalesce(extract(epoch FROM replay_lag), 0), "
            "pg_wal_lsn_diff(sent_lsn, replay_lsn) FROM pg_stat_replication"
        ),
    )
    if not row:
        return None, None
    lag, behind = row.splitlines()[0].split("|")
    return float(lag), int(float(behind or 0))


# ---------------------------------------------------------------- drills
def restart_http_server(state, name):
    """Stop the HTTP server ``name`` and start it again, as a rolling
    restart does: back once nginx tries it again."""
    stop_pid(f"the Odoo {name} server", read_pid(HERE.run / f"odoo-{name}.pid"))
    start_http_server(state, name)


def start_http_server(state, name):
    """Start the (stopped) HTTP server ``name``: back once nginx tries it
    again."""
    port = state["http_ports"][HTTP_SERVERS.index(name)]
    start_odoo(name)
    wait_http(f"http://127.0.0.1:{port}/web/health", f"the Odoo {name} server")
    time.sleep(NGINX_RETRY + 1)


def timed_requests(session, base, count):
    """``count`` customer searches through nginx (a read-only call): their
    durations in ms and how many failed."""
    times, errors = [], 0
    for number in range(count):
        start = time.monotonic()
        try:
            response = session.post(
                f"{base}/web/dataset/call_kw/res.partner/name_search",
                json={
                    "jsonrpc": "2.0",
                    "params": {
                        "model": "res.partner",
                        "method": "name_search",
                        "args": [],
                        "kwargs": {"name": "ma " + "aeiou"[number % 5], "limit": 10},
                    },
                },
                timeout=30,
            )
            if not response.ok or "error" in response.json():
                errors += 1
        except Exception:  # a refused connection counts as an error
            errors += 1
        times.append((time.monotonic() - start) * 1000)
    return times, errors


def summary(label, times, errors):
    say(
        f"{label}: {len(times)} searches, median {statistics.median(times):.0f} ms, "
        f"p95 {bench.p95(times):.0f} ms, max {max(times):.0f} ms, errors {errors}"
    )


def cmd_drill(args):
    """The two drills of doc/scaling.md, on the running cluster: searches
    through nginx while the standby, then one HTTP server, is stopped; the
    session logged in before each drill is used throughout."""
    import requests  # an Odoo dependency

    state = running_state()
    base = f"http://localhost:{state['port']}"
    session = requests.Session()
    login = session.post(
        f"{base}/web/session/authenticate",
        json={
            "jsonrpc": "2.0",
            "params": {"db": state["db"], "login": "admin", "password": "admin"},
        },
        timeout=60,
    )
    if "error" in login.json():
        fail("admin / admin could not log in")
    servers = {
        name: read_pid(HERE.run / f"odoo-{name}.pid")
        for name in (*HTTP_SERVERS, CRON_SERVER)
    }
    say(f"Odoo processes: {servers}")
    summary("all up", *timed_requests(session, base, args.requests))
    say(f"on the standby: {standby_connections(state)}")
    lag, _behind = replication(state)
    say(
        "replication replay lag reported by the primary: "
        + ("none" if lag is None else f"{lag * 1000:.1f} ms")
    )

    pg_stop("standby", HERE.pg / "standby")
    summary("standby stopped", *timed_requests(session, base, args.requests))
    pg_start("standby", HERE.pg / "standby", state["standby_port"])
    summary("standby back", *timed_requests(session, base, args.requests))
    # Odoo 18 stops using a replica it failed to reach until the process
    # restarts: the servers are restarted one after the other below
    say(f"on the standby: {standby_connections(state)}")

    for name in HTTP_SERVERS:
        stop_pid(f"the Odoo {name} server", read_pid(HERE.run / f"odoo-{name}.pid"))
        summary(f"{name} stopped", *timed_requests(session, base, args.requests))
        start_http_server(state, name)
    summary("both servers restarted", *timed_requests(session, base, args.requests))
    say(f"on the standby: {standby_connections(state)}")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    start = sub.add_parser("start")
    start.add_argument("--db", default="travel_customer_bench")
    start.add_argument("--port", type=int, default=8080, help="nginx's port")
    start.add_argument(
        "--base-port",
        type=int,
        default=8170,
        help="the Odoo servers' HTTP ports (this one and the next) and "
        "websocket ports (the two after)",
    )
    start.add_argument(
        "--pg-port", type=int, default=5442, help="the primary's (the standby: +1)"
    )
    start.add_argument("--workers", type=int, default=2, help="per HTTP server")
    start.add_argument("--cron-threads", type=int, default=2)
    sub.add_parser("status")
    sub.add_parser("stop")
    drill = sub.add_parser("drill")
    drill.add_argument("--requests", type=int, default=200, help="per step")
    args = parser.parse_args()
    commands = {
        "start": cmd_start,
        "status": cmd_status,
        "stop": cmd_stop,
        "drill": cmd_drill,
    }
    try:
        commands[args.command](args)
    except ClusterError as error:
        sys.exit(f"[{dev.ADDON}] cluster: {error}")


if __name__ == "__main__":
    main()
