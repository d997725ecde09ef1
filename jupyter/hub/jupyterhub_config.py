# JupyterHub configuration for a class on one machine (`npm run hub`, scripts/hub.ts).
#
# scripts/hub.ts starts the proxy itself and then the hub with this file; everything that varies
# comes in through SCRATCHNET_HUB_* environment variables, so this file holds no secret and no path
# of a particular checkout. Written for JupyterHub 6 from PyPI (the project's .venv) with
# JupyterLab as the students' interface and jupyterhub-idle-culler as a hub service.
#
# Security (docs/hub.md says what each line below defends against, with its test):
# - The hub and the proxy's API listen on Unix sockets in a folder of root's, mode 700:
#   no student can bind them, so no student can stand in for the hub, even while it is down.
#   Students' servers reach the hub's API through the proxy's public port, which the proxy holds.
# - Each student is a system user PREFIX + name (shell nologin) whose server and kernels run under
#   its own uid, with per-process limits (memory, processes, nice) set in the spawner's preexec.
# - When a server stops (the student, the culler, `--stop`), every process of its uid is ended
#   and its files in /tmp and /dev/shm are removed.
# - Students see the built library, the kernelspec and Jupyter through a read-only public copy
#   (SCRATCHNET_HUB_PUBLIC), never the checkout.
import asyncio
import hashlib
import hmac
import json
import os
import pwd
import re
import resource
import signal
import subprocess
import sys
import time

from jupyterhub import orm
from jupyterhub.auth import Authenticator
from jupyterhub.proxy import ConfigurableHTTPProxy
from jupyterhub.spawner import LocalProcessSpawner, SimpleLocalProcessSpawner
from tornado import web

c = get_config()  # noqa: F821 (defined by JupyterHub when it loads this file)


def setting(name, default=None):
    value = os.environ.get("SCRATCHNET_HUB_" + name, default)
    if value is None:
        sys.exit(f"jupyterhub_config.py: SCRATCHNET_HUB_{name} is not set; start the hub with `npm run hub`")
    return value


STATE = setting("STATE")
HERE = os.path.dirname(os.path.abspath(__file__))
PUBLIC = setting("PUBLIC")  # the read-only copy students use: venv, node_modules, dist, kernelspec
PREFIX = setting("PREFIX", "snstu-")
ADMIN = setting("ADMIN", "instructor")
CLASS_PASSWORD = setting("PASSWORD")
ADMIN_PASSWORD = setting("ADMIN_PASSWORD")
ISOLATED = setting("ISOLATED", "1") == "1"
NOTEBOOKS = setting("NOTEBOOKS")  # the edition students get
ADMIN_NOTEBOOKS = setting("ADMIN_NOTEBOOKS")
NODE_DIR = setting("NODE_DIR")
HOMES = setting("HOMES", "/home")
MAX_SERVERS = int(setting("MAX_SERVERS", "40"))
MAX_SPAWNS = int(setting("MAX_SPAWNS", "10"))
MAX_STUDENTS = int(setting("MAX_STUDENTS", "60"))
CULL_MINUTES = float(setting("CULL_MINUTES", "0"))
MEMORY_MIB = int(setting("MEMORY_MIB", "1024"))
NPROC = int(setting("NPROC", "256"))
NICE = int(setting("NICE", "5"))
PUBLIC_URL = setting("PUBLIC_URL")  # the proxy's own address, for the students' servers
SOCKETS = setting("SOCKETS")  # a folder of root's, mode 700 (scripts/lib/hub.ts ensureSocketDir)
HUB_SOCKET = os.path.join(SOCKETS, "hub.sock")
PROXY_API_SOCKET = os.path.join(SOCKETS, "proxy-api.sock")
USER_COMMENT = "scratchnet hub user"  # --remove-users selects by this, the home and the uid range


def unix_url(path):
    return "http+unix://" + path.replace("/", "%2F")


# Names: lower-case letters, digits, - and _, starting with a letter; short enough that the system
# user PREFIX + name stays within useradd's 32 characters.
NAME_LENGTH = 32 - len(PREFIX)
NAME_PATTERN = re.compile(r"[a-z][a-z0-9_-]{0,%d}" % (NAME_LENGTH - 1))


def system_name(name):
    return PREFIX + name if ISOLATED else pwd.getpwuid(os.getuid()).pw_name


# ---- the hub, its state and the separately started proxy ----
c.JupyterHub.bind_url = "http://%s:%s/" % (setting("IP"), setting("PORT"))
# The hub listens on a socket only root can reach; the proxy routes "/" there (hub.host is the
# connect URL). Students' servers get PUBLIC_URL instead (IsolatedSpawner.get_env).
c.JupyterHub.hub_bind_url = unix_url(HUB_SOCKET)
c.JupyterHub.hub_connect_url = unix_url(HUB_SOCKET)
c.JupyterHub.hub_socket_mode = 0o600
c.JupyterHub.db_url = "sqlite:///" + os.path.join(STATE, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(STATE, "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = os.path.join(STATE, "jupyterhub.pid")
c.JupyterHub.cleanup_servers = setting("CLEANUP_SERVERS", "0") == "1"
c.JupyterHub.cleanup_proxy = False
# A login lasts a day: the hub refuses an older cookie (cookie_max_age_days), and the browser
# drops it then too (tornado's own default would keep it for 30 days).
COOKIE_DAYS = float(setting("COOKIE_DAYS", "1"))
c.JupyterHub.cookie_max_age_days = COOKIE_DAYS
c.JupyterHub.tornado_settings = {"cookie_options": {"expires_days": COOKIE_DAYS}}
c.ConfigurableHTTPProxy.should_start = False
c.ConfigurableHTTPProxy.api_url = unix_url(PROXY_API_SOCKET)
c.ConfigurableHTTPProxy.auth_token = setting("PROXY_TOKEN")
c.JupyterHub.template_paths = [os.path.join(HERE, "templates")]
c.JupyterHub.template_vars = {"scratchnet_max_servers": MAX_SERVERS, "scratchnet_admin": ADMIN}

# ---- capacity ----
c.JupyterHub.active_server_limit = MAX_SERVERS
c.JupyterHub.concurrent_spawn_limit = MAX_SPAWNS

# ---- who may log in ----

# Failed logins per name and per address: each further failure doubles the wait before the answer
# (0.5 s, 1 s, 2 s ... up to 30 s); a success for that name clears the name's count.
FAILURES = {}
DELAY_BASE, DELAY_MAX, FORGET_AFTER = 0.5, 30.0, 15 * 60


def failure_delay(keys):
    now = time.monotonic()
    worst = 0
    for key in keys:
        count, last = FAILURES.get(key, (0, 0))
        if now - last > FORGET_AFTER:
            count = 0
        worst = max(worst, count)
    return 0 if worst == 0 else min(DELAY_MAX, DELAY_BASE * 2 ** (worst - 1))


class ClassPasswordAuthenticator(Authenticator):
    """One password for the class, another for the instructor (the admin)."""

    async def authenticate(self, handler, data):
        name = (data.get("username") or "").strip().lower()
        password = data.get("password") or ""
        address = handler.request.remote_ip if handler is not None else "-"
        keys = ["name:" + name, "address:" + address]
        delay = failure_delay(keys)
        if delay:
            await asyncio.sleep(delay)
        if not NAME_PATTERN.fullmatch(name):
            raise web.HTTPError(
                400,
                "A name is 1 to %d characters: lower-case letters, digits, - or _, starting with a letter "
                "(for example alice or team-3). %r is not." % (NAME_LENGTH, name[:64]),
            )
        expected = ADMIN_PASSWORD if name == ADMIN else CLASS_PASSWORD
        if not expected or not hmac.compare_digest(password.encode(), expected.encode()):
            now = time.monotonic()
            for key in keys:
                count, last = FAILURES.get(key, (0, 0))
                FAILURES[key] = (1 if now - last > FORGET_AFTER else count + 1, now)
            self.log.warning("failed login for %r from %s (next answer after %.1f s)", name, address, failure_delay(keys))
            return None  # JupyterHub answers "Invalid username or password"
        FAILURES.pop("name:" + name, None)
        if name != ADMIN and handler is not None and handler.find_user(name) is None:
            students = handler.db.query(orm.User).filter(orm.User.name != ADMIN).count()
            if students >= MAX_STUDENTS:
                raise web.HTTPError(
                    403, "This class already has its %d students (--max-students): ask the instructor." % MAX_STUDENTS
                )
        return name


c.JupyterHub.authenticator_class = ClassPasswordAuthenticator
# JupyterHub 5+ lets nobody in without an allow rule: here the class password is the rule.
c.Authenticator.allow_all = True
# The instructor is the admin; SCRATCHNET_HUB_ADMIN_TOKEN, when set, is an admin API token for
# scripts (the load test): a service holding the admin role.
ADMIN_TOKEN = os.environ.get("SCRATCHNET_HUB_ADMIN_TOKEN")
admin_role = {"name": "admin", "users": [ADMIN]}
services = []
roles = [admin_role]
if ADMIN_TOKEN:
    services.append({"name": "scratchnet-admin", "api_token": ADMIN_TOKEN})
    admin_role["services"] = ["scratchnet-admin"]
if CULL_MINUTES > 0:
    seconds = max(1, int(CULL_MINUTES * 60))
    # jupyterhub-idle-culler stops servers with no activity; it reaches the hub through the proxy.
    services.append({
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler", "--timeout=%d" % seconds,
                    "--cull-every=%d" % max(5, min(60, seconds // 2)), "--url=" + PUBLIC_URL + "/hub/api"],
    })
    roles.append({"name": "idle-culler", "services": ["idle-culler"],
                  "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]})
c.JupyterHub.services = services
c.JupyterHub.load_roles = roles

# ---- each user's server ----


def hub_uids():
    """The uids of this hub's system users, by its own record (see scripts/lib/hub.ts hubUsers)."""
    uids = []
    for entry in pwd.getpwall():
        if (entry.pw_name.startswith(PREFIX) and entry.pw_gecos.startswith(USER_COMMENT)
                and os.path.dirname(entry.pw_dir) == HOMES and entry.pw_uid >= 1000):
            uids.append(entry.pw_uid)
    return uids


def read_notebooks(source):
    """The notebooks of `source`, read by the hub (root): the student never reads the checkout."""
    return {name: open(os.path.join(source, name), encoding="utf-8").read()
            for name in sorted(os.listdir(source)) if name.endswith(".ipynb")}


def prepare_user(spawner):
    """Before each spawn: the system user (when isolated) and the user's own copy of the notebooks."""
    name = spawner.user.name
    if not NAME_PATTERN.fullmatch(name):
        raise web.HTTPError(400, "%r is not a valid name for this class" % name)
    source = ADMIN_NOTEBOOKS if name == ADMIN else NOTEBOOKS
    if ISOLATED:
        system = system_name(name)
        try:
            entry = pwd.getpwnam(system)
        except KeyError:
            home = os.path.join(HOMES, system)
            # nologin: a student's account is for the hub only, never for ssh or su.
            subprocess.run(
                ["useradd", "--create-home", "--home-dir", home, "--shell", "/usr/sbin/nologin", "--user-group",
                 "--comment", USER_COMMENT + " " + name, system],
                check=True, capture_output=True,
            )
            entry = pwd.getpwnam(system)
            spawner.log.info("created system user %s (home %s)", system, entry.pw_dir)
        os.chmod(entry.pw_dir, 0o700)  # useradd -m may make it 755: others must not read it
        run_as = dict(user=entry.pw_uid, group=entry.pw_gid, extra_groups=[])
        home = entry.pw_dir
    else:
        home = spawner.home_dir
        os.makedirs(home, mode=0o700, exist_ok=True)
        run_as = {}
    # jupyter_client numbers a kernel's ipc sockets from 1 (five of them): "-ipc-99" has room to spare
    socket = os.path.join(home, ".run", "kernel-%s-ipc-99" % ("x" * 36))
    if len(socket.encode()) > 107:
        raise web.HTTPError(500, "the home %s is too deep for the kernels' Unix sockets (%d bytes of 107): "
                                 "use a shorter SCRATCHNET_HUB_HOMES or a shorter name" % (home, len(socket.encode())))
    # The copy runs as the user, so a link the user planted cannot make the hub write elsewhere;
    # the notebooks come on its stdin, read here as root.
    result = subprocess.run(
        [os.path.join(PUBLIC, "venv", "bin", "python"), os.path.join(PUBLIC, "prepare_home.py"),
         os.path.join(home, "notebooks"), os.path.join(PUBLIC, "node_modules")],
        input=json.dumps(read_notebooks(source)), cwd=home, capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": home}, **run_as,
    )
    if result.returncode != 0:
        raise web.HTTPError(500, "could not prepare %s's notebooks: %s" % (name, result.stderr.strip()[-500:]))
    if result.stdout.strip():
        spawner.log.info("%s: %s", name, result.stdout.strip())


async def end_processes_of(uid, log):
    """Every process of `uid` ended (a `setsid sleep` too), then its files in /tmp and /dev/shm removed.

    SIGKILL, round after round until none is left (a fork bomb makes new ones meanwhile); awaited,
    so the hub keeps serving the others while it waits.
    """
    for _ in range(50):
        pids = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    if os.stat("/proc/" + entry).st_uid == uid:
                        pids.append(int(entry))
                except OSError:
                    pass
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        await asyncio.sleep(0.1)
    else:
        log.warning("uid %d still has processes", uid)
    for folder in ("/tmp", "/dev/shm", "/var/tmp"):
        try:
            entries = os.listdir(folder)
        except OSError:
            continue
        for entry in entries:
            path = os.path.join(folder, entry)
            try:
                if os.lstat(path).st_uid != uid:
                    continue
                if os.path.isdir(path) and not os.path.islink(path):
                    subprocess.run(["rm", "-rf", "--one-file-system", "--", path], check=False)
                else:
                    os.unlink(path)
            except OSError:
                pass


async def after_stop(spawner):
    """After a server stops (the student, the culler, the admin, --stop): nothing of the student stays."""
    if ISOLATED:
        await end_processes_of(pwd.getpwnam(system_name(spawner.user.name)).pw_uid, spawner.log)


class IsolatedSpawner(LocalProcessSpawner):
    """LocalProcessSpawner whose hub user `name` runs as the system user PREFIX + name, with limits."""

    def make_preexec_fn(self, name):
        become = super().make_preexec_fn(system_name(name))

        def preexec():
            # Per process: memory a process can write (RLIMIT_DATA counts the heap, typed arrays
            # and WebAssembly memory, but not V8's address-space reservations, which RLIMIT_AS
            # would); per uid: processes and threads (RLIMIT_NPROC: a fork bomb stops here).
            memory = MEMORY_MIB * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
            resource.setrlimit(resource.RLIMIT_NPROC, (NPROC, NPROC))
            os.nice(NICE)
            # Files the student's server and kernels make are private unless they say otherwise:
            # Jupyter's jpserver-PID-open.html (which holds the server's token) would be 644.
            os.umask(0o077)
            become()

        return preexec

    def get_env(self):
        env = super().get_env()
        # The hub's socket is root's: the server talks to the hub through the proxy.
        env["JUPYTERHUB_API_URL"] = PUBLIC_URL + "/hub/api"
        env["JUPYTERHUB_ACTIVITY_URL"] = PUBLIC_URL + "/hub/api/users/%s/activity" % self.user.name
        return env

    def user_env(self, env):
        entry = pwd.getpwnam(system_name(self.user.name))
        env["USER"] = entry.pw_name
        env["HOME"] = entry.pw_dir
        env["SHELL"] = "/bin/bash"  # the terminal's shell; the login shell is nologin
        env["TMPDIR"] = os.path.join(entry.pw_dir, ".tmp")
        # short: the kernels' Unix sockets are here, and a socket's path has at most 107 bytes
        env["JUPYTER_RUNTIME_DIR"] = os.path.join(entry.pw_dir, ".run")
        return env


if ISOLATED:
    c.JupyterHub.spawner_class = IsolatedSpawner
else:
    c.JupyterHub.spawner_class = SimpleLocalProcessSpawner
    c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(STATE, "homes", "{username}")

c.Spawner.pre_spawn_hook = prepare_user
c.Spawner.post_stop_hook = after_stop
c.Spawner.cmd = [os.path.join(PUBLIC, "venv", "bin", "python"), "-m", "jupyterhub.singleuser"]
c.Spawner.notebook_dir = "~/notebooks"
c.Spawner.default_url = "/lab"
c.Spawner.environment = {
    # the project's tslab kernelspec, in the public copy, and node for its argv
    "JUPYTER_PATH": os.path.join(PUBLIC, "jupyter"),
    "PATH": os.pathsep.join([os.path.join(PUBLIC, "venv", "bin"), NODE_DIR, "/usr/local/bin", "/usr/bin", "/bin"]),
    "PYTHONDONTWRITEBYTECODE": "1",
    # the memory limit's preload; the kernels' snapshot was built with this very value (its key)
    "NODE_OPTIONS": setting("STUDENT_NODE_OPTIONS"),
    "SCRATCHNET_KERNEL_MEMORY_MIB": str(MEMORY_MIB),
}
# Kernels talk to their server over Unix sockets in the student's runtime folder (700), not TCP
# ports any local user could connect to: another student cannot read this one's IOPub.
args = ["--MappingKernelManager.default_kernel_name=tslab", "--KernelManager.transport=ipc"]
if not ISOLATED and os.getuid() == 0:
    args.append("--allow-root")
if CULL_MINUTES > 0:
    seconds = max(1, int(CULL_MINUTES * 60))
    # Idle kernels nobody is connected to are shut down by the server; idle servers by the culler.
    args += [
        "--MappingKernelManager.cull_idle_timeout=%d" % seconds,
        "--MappingKernelManager.cull_interval=%d" % max(1, min(60, seconds // 2)),
    ]
c.Spawner.args = args
# Thirty students starting at once on two cores take tens of seconds: wait for them.
c.Spawner.start_timeout = 180
c.Spawner.poll_interval = 10
c.Spawner.http_timeout = 180
