# JupyterHub configuration for a class on one machine (`npm run hub`, scripts/hub.ts).
#
# scripts/hub.ts starts the proxy itself and then the hub with this file; everything that varies
# comes in through SCRATCHNET_HUB_* environment variables, so this file holds no secret and no path
# of a particular checkout. Written for the Debian package jupyterhub 3.0 (run by /usr/bin/python3)
# and the classic Notebook 6 single-user server.
#
# - Users: one class password for everyone, a separate password for the instructor (the admin).
#   Hub name "alice" is the system user "snstu-alice" (SCRATCHNET_HUB_PREFIX) when the hub runs as
#   root: a real user with a home of mode 700, whose server and kernels run under its own uid.
#   Not root: every server runs as the hub's own user, and students are NOT isolated.
# - Each user's notebooks: ~/notebooks, copied from the chosen edition at the first spawn and
#   never overwritten afterwards (jupyter/hub/prepare_home.py, run as the user).
# - Restarts: the proxy is started separately and the hub keeps servers and routes when it stops,
#   so a new hub re-attaches to every running server and kernel.
import hmac
import os
import pwd
import re
import shutil
import subprocess
import sys

from jupyterhub.auth import Authenticator
from jupyterhub.spawner import LocalProcessSpawner, SimpleLocalProcessSpawner
from tornado import web

c = get_config()  # noqa: F821 (defined by JupyterHub when it loads this file)


def setting(name, default=None):
    value = os.environ.get("SCRATCHNET_HUB_" + name, default)
    if value is None:
        sys.exit(f"jupyterhub_config.py: SCRATCHNET_HUB_{name} is not set; start the hub with `npm run hub`")
    return value


ROOT = setting("ROOT")
STATE = setting("STATE")
HERE = os.path.dirname(os.path.abspath(__file__))
PREFIX = setting("PREFIX", "snstu-")
ADMIN = setting("ADMIN", "instructor")
CLASS_PASSWORD = setting("PASSWORD")
ADMIN_PASSWORD = setting("ADMIN_PASSWORD")
ISOLATED = setting("ISOLATED", "1") == "1"
NOTEBOOKS = setting("NOTEBOOKS")  # the edition students get
ADMIN_NOTEBOOKS = setting("ADMIN_NOTEBOOKS", os.path.join(ROOT, "notebooks"))
NODE_DIR = setting("NODE_DIR")
HOMES = setting("HOMES", "/home")
MAX_SERVERS = int(setting("MAX_SERVERS", "40"))
MAX_SPAWNS = int(setting("MAX_SPAWNS", "10"))
CULL_MINUTES = float(setting("CULL_MINUTES", "0"))
PROXY_API_PORT = int(setting("PROXY_API_PORT"))
HUB_PORT = int(setting("HUB_PORT"))

# Names: lower-case letters, digits, - and _, starting with a letter; short enough that the system
# user PREFIX + name stays within useradd's 32 characters.
NAME_LENGTH = 32 - len(PREFIX)
NAME_PATTERN = re.compile(r"[a-z][a-z0-9_-]{0,%d}" % (NAME_LENGTH - 1))


def system_name(name):
    return PREFIX + name if ISOLATED else pwd.getpwuid(os.getuid()).pw_name


# ---- the hub, its state and the separately started proxy ----
c.JupyterHub.bind_url = "http://%s:%s/" % (setting("IP"), setting("PORT"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = HUB_PORT
c.JupyterHub.db_url = "sqlite:///" + os.path.join(STATE, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(STATE, "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = os.path.join(STATE, "jupyterhub.pid")
c.JupyterHub.cleanup_servers = setting("CLEANUP_SERVERS", "0") == "1"
c.JupyterHub.cleanup_proxy = False
c.ConfigurableHTTPProxy.should_start = False
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:%d" % PROXY_API_PORT
c.ConfigurableHTTPProxy.auth_token = setting("PROXY_TOKEN")
c.JupyterHub.template_paths = [os.path.join(HERE, "templates")]
c.JupyterHub.template_vars = {"scratchnet_max_servers": MAX_SERVERS, "scratchnet_admin": ADMIN}

# ---- capacity ----
c.JupyterHub.active_server_limit = MAX_SERVERS
c.JupyterHub.concurrent_spawn_limit = MAX_SPAWNS

# ---- who may log in ----


class ClassPasswordAuthenticator(Authenticator):
    """One password for the class, another for the instructor (the admin)."""

    async def authenticate(self, handler, data):
        name = (data.get("username") or "").strip().lower()
        password = data.get("password") or ""
        if not NAME_PATTERN.fullmatch(name):
            raise web.HTTPError(
                400,
                "A name is 1 to %d characters: lower-case letters, digits, - or _, starting with a letter "
                "(for example alice or team-3). %r is not." % (NAME_LENGTH, name[:64]),
            )
        expected = ADMIN_PASSWORD if name == ADMIN else CLASS_PASSWORD
        if not hmac.compare_digest(password.encode(), expected.encode()):
            return None  # JupyterHub answers "Invalid username or password"
        return name


c.JupyterHub.authenticator_class = ClassPasswordAuthenticator
# The instructor is the admin; SCRATCHNET_HUB_ADMIN_TOKEN, when set, is an admin API token for
# scripts (the load test): a service holding the admin role.
ADMIN_TOKEN = os.environ.get("SCRATCHNET_HUB_ADMIN_TOKEN")
admin_role = {"name": "admin", "users": [ADMIN]}
if ADMIN_TOKEN:
    c.JupyterHub.services = [{"name": "scratchnet-admin", "api_token": ADMIN_TOKEN}]
    admin_role["services"] = ["scratchnet-admin"]
c.JupyterHub.load_roles = [admin_role]

# ---- each user's server ----


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
            subprocess.run(
                ["useradd", "--create-home", "--home-dir", home, "--shell", "/bin/bash", "--user-group",
                 "--comment", "scratchnet hub user " + name, system],
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
    # The copy runs as the user, so a link the user planted cannot make the hub write elsewhere.
    result = subprocess.run(
        ["/usr/bin/python3", os.path.join(HERE, "prepare_home.py"), source, os.path.join(home, "notebooks"),
         os.path.join(ROOT, "node_modules")],
        cwd=home, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "HOME": home}, **run_as,
    )
    if result.returncode != 0:
        raise web.HTTPError(500, "could not prepare %s's notebooks: %s" % (name, result.stderr.strip()[-500:]))
    if result.stdout.strip():
        spawner.log.info("%s: %s", name, result.stdout.strip())


class IsolatedSpawner(LocalProcessSpawner):
    """LocalProcessSpawner whose hub user `name` runs as the system user PREFIX + name."""

    def make_preexec_fn(self, name):
        return super().make_preexec_fn(system_name(name))

    def user_env(self, env):
        entry = pwd.getpwnam(system_name(self.user.name))
        env["USER"] = entry.pw_name
        env["HOME"] = entry.pw_dir
        env["SHELL"] = entry.pw_shell or "/bin/bash"
        return env


if ISOLATED:
    c.JupyterHub.spawner_class = IsolatedSpawner
else:
    c.JupyterHub.spawner_class = SimpleLocalProcessSpawner
    c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(STATE, "homes", "{username}")

c.Spawner.pre_spawn_hook = prepare_user
c.Spawner.cmd = [shutil.which("jupyterhub-singleuser", path="/usr/bin:/usr/local/bin") or "/usr/bin/jupyterhub-singleuser"]
c.Spawner.notebook_dir = "~/notebooks"
c.Spawner.default_url = "/tree"
c.Spawner.environment = {
    # the project's tslab kernelspec (jupyter/kernels/tslab), and node for its argv
    "JUPYTER_PATH": os.path.join(ROOT, "jupyter"),
    "PATH": os.pathsep.join([NODE_DIR, "/usr/local/bin", "/usr/bin", "/bin"]),
    "PYTHONDONTWRITEBYTECODE": "1",
}
args = ["--MappingKernelManager.default_kernel_name=tslab"]
if not ISOLATED and os.getuid() == 0:
    args.append("--allow-root")
if CULL_MINUTES > 0:
    seconds = max(1, int(CULL_MINUTES * 60))
    # Culling without jupyterhub-idle-culler (PyPI only): the Notebook server shuts down an idle
    # kernel nobody is connected to, then itself once it has had no kernel for the same time; the
    # hub sees the server gone. Saved notebooks stay; the kernel's variables do not.
    args += [
        "--MappingKernelManager.cull_idle_timeout=%d" % seconds,
        "--MappingKernelManager.cull_interval=%d" % max(1, min(60, seconds // 2)),
        "--NotebookApp.shutdown_no_activity_timeout=%d" % seconds,
    ]
c.Spawner.args = args
# Thirty students starting at once on two cores take tens of seconds: wait for them.
c.Spawner.start_timeout = 180
# How often the hub checks that each server is still there (a culled server stops by itself).
c.Spawner.poll_interval = 10
c.Spawner.http_timeout = 180
