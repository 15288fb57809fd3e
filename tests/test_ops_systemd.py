"""deploy/systemd/: the units verify, are hardened, their timers' times parse, and the socket starts the portal.

systemd does not run here (tests run in a container): systemd's own tools check
the units, and systemd-socket-activate hands gunicorn a socket the way
familieportal.socket does. ./test.sh installs them (Debian's systemd package).
"""
import configparser
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.servers import free_ports
from ops_helpers import get, portal_env, run_cli

ROOT = Path(__file__).resolve().parent.parent
SYSTEMD = ROOT / "deploy" / "systemd"
UNITS = sorted(p for p in SYSTEMD.iterdir() if p.suffix in (".service", ".socket", ".timer"))
SERVICES = [p for p in UNITS if p.suffix == ".service"]
# systemd-analyze security rates exposure from 0 (locked down) to 10 (not at all); "OK" is up to 4.
# (Its --threshold counts tenths.)
EXPOSURE_THRESHOLD = 2.0
HARDENING = ("ProtectSystem=strict", "StateDirectory=familieportal", "PrivateTmp=yes", "NoNewPrivileges=yes",
             "UMask=0077", "SystemCallFilter=@system-service")


def unit(path):
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str
    parser.read_string(path.read_text())
    return parser


def installed_here(folder):
    """The units as installed on this machine: the checkout and its virtual environment instead of /srv/familieportal."""
    for path in UNITS:
        text = path.read_text().replace("/srv/familieportal/.venv", sys.prefix).replace("/srv/familieportal", str(ROOT))
        (folder / path.name).write_text(text)
    return sorted(folder.iterdir())


def test_every_unit_passes_systemd_analyze_verify_with_nothing_on_stderr(tmp_path):
    assert {p.name for p in UNITS} >= {"familieportal.socket", "familieportal.service", "familieportal-backup.service",
                                        "familieportal-backup.timer", "familieportal-retention.service",
                                        "familieportal-retention.timer", "familieportal-litestream.service"}
    units = installed_here(tmp_path)
    result = subprocess.run(["systemd-analyze", "verify", *map(str, units)], capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr == "", result.stderr


@pytest.mark.parametrize("service", [p.name for p in SERVICES])
def test_each_service_stays_under_the_exposure_threshold(tmp_path, service):
    installed_here(tmp_path)
    result = subprocess.run(["systemd-analyze", "security", "--offline=yes", f"--threshold={round(EXPOSURE_THRESHOLD * 10)}",
                             str(tmp_path / service)], capture_output=True, text=True)
    exposure = float(re.search(r"Overall exposure level for \S+: ([0-9.]+)", result.stdout).group(1))
    assert result.returncode == 0 and exposure <= EXPOSURE_THRESHOLD, result.stdout[-3000:]


@pytest.mark.parametrize("service", [p.name for p in SERVICES])
def test_each_service_has_the_required_hardening_options(service):
    lines = (SYSTEMD / service).read_text().splitlines()
    for option in HARDENING:
        assert option in lines, f"{service} lacks {option}"
    assert unit(SYSTEMD / service)["Service"]["User"] == "familieportal"


@pytest.mark.parametrize("timer", ["familieportal-backup.timer", "familieportal-retention.timer"])
def test_each_timer_runs_its_service_every_night_and_systemd_reads_its_time(timer):
    config = unit(SYSTEMD / timer)["Timer"]
    assert config["Persistent"] == "true"  # a night the machine was off is made up at boot
    assert (SYSTEMD / timer.replace(".timer", ".service")).exists()
    result = subprocess.run(["systemd-analyze", "calendar", config["OnCalendar"]], capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert re.search(r"Normalized form: \*-\*-\* 0[0-5]:\d\d:00", result.stdout), result.stdout


def test_the_units_agree_with_each_other_and_with_nginx():
    service = unit(SYSTEMD / "familieportal.service")["Service"]
    assert service["Type"] == "notify"
    listen = unit(SYSTEMD / "familieportal.socket")["Socket"]["ListenStream"]
    assert f"server {listen};" in (ROOT / "deploy" / "nginx.conf").read_text()
    text = (SYSTEMD / "familieportal.service").read_text()
    state = f"/var/lib/{service['StateDirectory']}/"
    assert f"FAMILIEPORTAL_DATABASE={state}familieportal.db" in text
    assert f"PROMETHEUS_MULTIPROC_DIR=/run/{service['RuntimeDirectory']}/" in text
    for name in ("familieportal-backup.service", "familieportal-retention.service", "familieportal-litestream.service"):
        assert f"FAMILIEPORTAL_DATABASE={state}familieportal.db" in (SYSTEMD / name).read_text(), name
    backup = (SYSTEMD / "familieportal-backup.service").read_text()
    tmpfiles = (SYSTEMD / "tmpfiles.d" / "familieportal.conf").read_text()
    assert "ReadWritePaths=/var/backups/familieportal" in backup
    assert "d /var/backups/familieportal 0700 familieportal familieportal" in tmpfiles


def test_sysusers_and_tmpfiles_make_the_user_and_its_private_folders(tmp_path):
    (tmp_path / "etc").mkdir()
    for name in ("passwd", "group", "shadow", "gshadow"):
        (tmp_path / "etc" / name).touch()
    subprocess.run(["systemd-sysusers", f"--root={tmp_path}", str(SYSTEMD / "sysusers.d" / "familieportal.conf")],
                   check=True, capture_output=True)
    user = next(line.split(":") for line in (tmp_path / "etc" / "passwd").read_text().splitlines()
                if line.startswith("familieportal:"))
    assert user[5] == "/var/lib/familieportal" and user[6].endswith("nologin")
    subprocess.run(["systemd-tmpfiles", f"--root={tmp_path}", "--create", str(SYSTEMD / "tmpfiles.d" / "familieportal.conf")],
                   check=True, capture_output=True)
    backups = (tmp_path / "var" / "backups" / "familieportal").stat()
    assert (backups.st_mode & 0o777, backups.st_uid) == (0o700, int(user[2]))


@pytest.fixture
def portal_folder(tmp_path):
    env = portal_env(tmp_path, FAMILIEPORTAL_WORKERS="1")
    run_cli(env, "init-db")
    return env


def test_the_socket_starts_the_portal_and_livez_answers(tmp_path, portal_folder):
    """As familieportal.socket does: systemd holds the socket, the first connection starts gunicorn on it."""
    socket_port, unused_port = free_ports(2)
    env = {**portal_folder, "FAMILIEPORTAL_BIND": f"127.0.0.1:{unused_port}", "PATH": os.environ["PATH"]}
    log = open(tmp_path / "activate.log", "w")
    activator = subprocess.Popen(
        ["systemd-socket-activate", "-l", f"127.0.0.1:{socket_port}", *[f"-E{k}={v}" for k, v in env.items()],
         sys.executable, "-m", "gunicorn", "--no-control-socket", "-c", "python:portal.gunicorn_conf",
         "portal:create_app()"], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        time.sleep(0.5)
        assert activator.poll() is None, (tmp_path / "activate.log").read_text()
        status, _headers, body = get(socket_port, "/livez")  # waits in the socket's queue while gunicorn starts
        assert status == 200 and body == '{"status": "alive"}'
        with pytest.raises(OSError):  # gunicorn took systemd's socket, and bound nothing of its own
            socket.create_connection(("127.0.0.1", unused_port), timeout=1).close()
        deadline = time.monotonic() + 20
        while get(socket_port, "/readyz")[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.3)  # ready once the worker's outbox thread has run
        assert get(socket_port, "/readyz")[0] == 200
    finally:
        os.killpg(activator.pid, 15)
        activator.wait(timeout=30)
        log.close()


def test_gunicorn_tells_systemd_when_it_is_ready(tmp_path, portal_folder):
    """Type=notify: gunicorn sends READY=1 to $NOTIFY_SOCKET once it listens."""
    notify_path = str(tmp_path / "notify.sock")
    receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    receiver.bind(notify_path)
    receiver.settimeout(30)
    port, = free_ports(1)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--no-control-socket", "-c", "python:portal.gunicorn_conf",
         "portal:create_app()"], cwd=ROOT, env={**os.environ, **portal_folder, "NOTIFY_SOCKET": notify_path,
                                                "FAMILIEPORTAL_BIND": f"127.0.0.1:{port}"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        message = receiver.recv(4096).decode()
        assert "READY=1" in message.split("\n")
        assert get(port, "/livez")[0] == 200
    finally:
        process.terminate()
        process.wait(timeout=30)
        receiver.close()


def test_the_unit_files_name_no_tool_missing_from_the_install():
    for name in ("gunicorn", "familieportal", "litestream"):
        assert shutil.which(name, path=str(Path(sys.prefix) / "bin")), name
