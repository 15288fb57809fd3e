# Shared by run.sh and test.sh: create .venv and install the project into it.

ensure_venv() {
    local extras="$1"
    if [ ! -x .venv/bin/python ]; then
        python3 -m venv .venv
    fi
    # shellcheck disable=SC1091
    source .venv/bin/activate
    # Reinstall only when pyproject.toml changed since the last install.
    local stamp=".venv/.installed${extras}"
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        python -m pip install --quiet --disable-pip-version-check --upgrade pip
        python -m pip install --quiet --disable-pip-version-check -e ".${extras}"
        touch "$stamp"
    fi
}

ensure_chromium() {
    # Browser tests drive Debian's Chromium; Playwright cannot download its own here.
    if command -v chromium >/dev/null 2>&1; then
        return
    fi
    local sudo=""
    if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
}
