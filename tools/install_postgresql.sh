#!/usr/bin/env bash
# Make PostgreSQL's server binaries (initdb, postgres) available for the tests, which start their own server
# (tests/pgserver.py). Installs the Debian package `postgresql` only where the binaries are missing; it neither
# creates the Debian "main" cluster nor starts the Debian service. Safe to run again: then it does nothing.
set -euo pipefail

have_binaries() {
    local bindir
    if [[ -n "${NEWSDIGEST_PG_BINDIR:-}" && -x "$NEWSDIGEST_PG_BINDIR/initdb" && -x "$NEWSDIGEST_PG_BINDIR/postgres" ]]; then
        return 0
    fi
    for bindir in /usr/lib/postgresql/*/bin; do
        [[ -x "$bindir/initdb" && -x "$bindir/postgres" ]] && return 0
    done
    return 1
}

if have_binaries; then
    echo "install_postgresql: server binaries present, nothing to install"
    exit 0
fi
if ! command -v apt-get >/dev/null; then
    echo "install_postgresql: no PostgreSQL server binaries and no apt-get; install PostgreSQL (initdb, postgres)" \
         "and set NEWSDIGEST_PG_BINDIR to its bin directory" >&2
    exit 1
fi

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        SUDO=(sudo -n)
    else
        echo "install_postgresql: not root and no password-less sudo; run as root:" \
             "apt-get install -y --no-install-recommends postgresql" >&2
        exit 1
    fi
fi

# No "main" cluster (the tests make their own) and no service start: a policy-rc.d that forbids starting
# services, for the duration of the install only, and a createcluster drop-in.
CLEANUP=()
cleanup() { if ((${#CLEANUP[@]})); then "${SUDO[@]}" rm -f "${CLEANUP[@]}"; fi; }
trap cleanup EXIT
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee /usr/sbin/policy-rc.d >/dev/null
    "${SUDO[@]}" chmod 755 /usr/sbin/policy-rc.d
    CLEANUP+=(/usr/sbin/policy-rc.d)
fi
"${SUDO[@]}" mkdir -p /etc/postgresql-common/createcluster.d
echo "create_main_cluster = false" | "${SUDO[@]}" tee /etc/postgresql-common/createcluster.d/newsdigest-no-main.conf >/dev/null

install() {
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql
}
# Update the package lists only when apt does not know the package (a fresh image has none).
if ! apt-cache show postgresql >/dev/null 2>&1 || ! install; then
    echo "install_postgresql: updating apt lists"
    "${SUDO[@]}" apt-get update -q
    install
fi
have_binaries || { echo "install_postgresql: installed, but initdb/postgres are still missing" >&2; exit 1; }
echo "install_postgresql: installed $(ls -d /usr/lib/postgresql/*/bin | tail -1)"
