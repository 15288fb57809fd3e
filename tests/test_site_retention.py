"""The privacy page shows the retention period from content/settings.yml: the number the portal deletes by."""
import shutil

import yaml

from tests.site_helpers import CONTENT, PAGES, build, built_site, page_file


def test_the_privacy_page_shows_the_retention_period_the_portal_uses():
    from portal.settings import retention_days

    site = built_site()[0]
    assert f"alt om jer {retention_days()} dage efter" in page_file(site, "privatliv/").read_text(encoding="utf-8")
    assert f"about you {retention_days()} days after" in page_file(site, "en/privatliv/").read_text(encoding="utf-8")
    assert f"عنك بعد {retention_days()} يومًا" in page_file(site, "ar/privatliv/").read_text(encoding="utf-8")
    for page in PAGES:
        assert "%retention_days%" not in page_file(site, page).read_text(encoding="utf-8"), page
    # Nor in anything else a visitor gets: a search for "slette" shows the index's text.
    leaks = [str(path.relative_to(site)) for path in site.rglob("*") if path.is_file()
             and path.suffix in (".html", ".json", ".xml", ".txt") and b"%retention_days%" in path.read_bytes()]
    assert leaks == []


def test_changing_the_retention_setting_changes_the_built_privacy_page(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    settings_file = content / "settings.yml"
    settings = yaml.safe_load(settings_file.read_text())
    settings["extra"]["municipality"]["retention_days_after_closing"] = 45
    settings_file.write_text(yaml.safe_dump(settings, allow_unicode=True))
    output = tmp_path / "public"
    build(output, content=content)
    assert "alt om jer 45 dage efter" in page_file(output, "privatliv/").read_text(encoding="utf-8")
    assert "about you 45 days after" in page_file(output, "en/privatliv/").read_text(encoding="utf-8")
