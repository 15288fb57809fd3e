"""kill -9 of the whole gunicorn process group while parents write: nothing acknowledged is lost."""
from bench.crash import run


def test_no_acknowledged_goal_is_lost_when_gunicorn_is_killed_mid_write():
    result = run(kills=2, writers=3)
    assert result["kills"] == 2 and result["acknowledged"] > 20
    assert result["integrity"] == "ok"
    assert result["missing"] == 0
