"""The familieportal command: set up, load the demo, issue links."""
import subprocess
import sys


def test_init_db_and_demo_are_safe_to_run_twice(runner, db):
    assert "up to date" in runner.invoke(args=["init-db"]).output
    assert "already there" in runner.invoke(args=["demo"]).output
    assert db["families"].count == 3


def test_link_prints_a_working_sign_in_url_for_a_parent_by_phone(runner, client):
    result = runner.invoke(args=["link", "20 30 40 50"])
    assert result.exit_code == 0, result.output
    url = result.output.strip()
    assert url.startswith("http://localhost/login/")
    assert "Log ind som S*** H***" in client.get(url.removeprefix("http://localhost")).text


def test_link_for_staff_uses_the_staff_sign_in(runner):
    result = runner.invoke(args=["link", "--staff", "mette.lund@demo-kommune.dk"])
    assert result.output.startswith("http://localhost/staff/login/")


def test_link_for_an_unknown_person_says_so(runner):
    result = runner.invoke(args=["link", "nobody@example.dk"])
    assert result.exit_code != 0 and "No parent has" in result.output


def test_every_command_has_help_text():
    result = subprocess.run([sys.executable, "-c", "from portal.command import main; main()", "--help"],
                            capture_output=True, text=True, check=True)
    for command in ("init-db", "demo", "link", "staff", "serve", "build-site"):
        assert command in result.stdout
        help_text = subprocess.run([sys.executable, "-c", "from portal.command import main; main()", command, "--help"],
                                   capture_output=True, text=True, check=True).stdout
        assert len(help_text.splitlines()) > 3


def test_link_send_sends_a_working_link_and_prints_no_url(app, runner, client):
    import json
    from pathlib import Path

    result = runner.invoke(args=["link", "20 30 40 50", "--send", "sms"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Sent a link by sms to +4520304050") and "/login/" not in result.output
    [message] = [json.loads(f.read_text()) for f in Path(app.config["OUTBOX_DIR"]).glob("*.json")]
    path = message["text"].split("http://localhost")[1].split()[0]
    assert "Log ind som S*** H***" in client.get(path).text
