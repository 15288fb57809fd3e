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

ensure_debian_packages() {
    # Real parts the tests start themselves: Debian's Chromium (Playwright cannot
    # download its own here), nginx in front of gunicorn, openssl for its test certificate,
    # systemd's tools for the units; and xmlsec1, which SAML sign-in needs in production too.
    local missing=()
    command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-dejavu-core)
    [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx-light)
    command -v openssl >/dev/null 2>&1 || missing+=(openssl)
    # xmlsec1 signs, verifies and decrypts SAML for pysaml2 (MitID through NemLog-in; the test IdP).
    command -v xmlsec1 >/dev/null 2>&1 || missing+=(xmlsec1)
    # systemd's tools check deploy/systemd/ (verify, security, calendar, sysusers, tmpfiles) and hand
    # gunicorn its socket (systemd-socket-activate); nothing here boots systemd.
    for tool in systemd-analyze systemd-socket-activate systemd-sysusers systemd-tmpfiles; do
        command -v "$tool" >/dev/null 2>&1 || { missing+=(systemd); break; }
    done
    apt_install "${missing[@]}"
}

ensure_xmlsec1() {
    # What the portal itself needs to run (./run.sh): SAML sign-in calls xmlsec1.
    command -v xmlsec1 >/dev/null 2>&1 || apt_install xmlsec1
}

apt_install() {
    if [ $# -eq 0 ]; then
        return
    fi
    local sudo=""
    if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    # RUNLEVEL=1: invoke-rc.d starts no system nginx on port 80; the tests start their own on free ports.
    DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 $sudo apt-get install -y -qq "$@" >/dev/null
}
