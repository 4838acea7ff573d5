#!/bin/sh
# Installs psad-node where Debian's psad package puts psad, beside that
# package (npm run install-system), or removes it again (npm run
# uninstall-system, i.e. this script with --uninstall).
#
#   sudo npm run install-system               # into /
#   sudo npm run uninstall-system
#   DESTDIR=/tmp/stage npm run install-system # into a staged root
#
# Files of a dpkg package that psad-node replaces (Debian's /usr/sbin/psad,
# kmsgsd, psadwatchd, /etc/init.d/psad, psad.service and man pages) are
# moved aside with `dpkg-divert --package psad-node --rename --add`, so that
# an upgrade of the package writes its versions beside ours (*.distrib)
# instead of over them; uninstalling removes the diversions and the
# package's files are back. Other files that were there are kept as
# *.psad-node-saved and put back. The installed files are listed in
# /var/lib/psad-node/installed-files. With DESTDIR, the dpkg database of the
# staged root ($DESTDIR/var/lib/dpkg) is used, if it has one.
#
# Configuration: /etc/psad and its files are never replaced and their modes
# are kept; a new version of a file is written beside it as *.new when its
# settings differ (comments and blank lines do not count). /etc/default/psad
# is installed only when absent. The daemons are not started or enabled.
set -eu
cd "$(dirname "$0")/.."
D=${DESTDIR:-}
STATE=/var/lib/psad-node
MANIFEST=$STATE/installed-files
LIB=/usr/lib/psad-node
PKG=psad-node

say() { printf '%s\n' "$*"; }

# ---------------------------------------------------------------- dpkg
if [ -d "$D/var/lib/dpkg" ] && command -v dpkg-divert >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1; then
    DPKG=yes
else
    DPKG=no
fi
divert() {
    if [ -n "$D" ]; then dpkg-divert --root="$D" "$@"; else dpkg-divert "$@"; fi
}
# the package that owns a path ('' when none)
owner() {
    [ "$DPKG" = yes ] || return 0
    if [ -n "$D" ]; then set -- --root="$D" -S "$1"; else set -- -S "$1"; fi
    dpkg-query "$@" 2>/dev/null | grep -v '^diversion by' | head -n 1 | sed 's/: .*//' || true
}
diverted_by_us() {
    [ "$DPKG" = yes ] && [ "$(divert --listpackage "$1")" = "$PKG" ]
}
# where dpkg puts the package's file: psad.8.gz -> psad.distrib.8.gz, psad -> psad.distrib
distrib_name() {
    case "$1" in
        *.8.gz) printf '%s\n' "${1%.8.gz}.distrib.8.gz" ;;
        *) printf '%s\n' "$1.distrib" ;;
    esac
}

# ---------------------------------------------------------------- manifest
# lines: "file PATH" (ours, removed by --uninstall), "conf PATH" (a config
# file that was not there: kept), "dir PATH" (made by us: removed when
# empty), "divert PATH" (a package's file moved aside), "saved PATH" (a file
# that was there, kept as PATH.psad-node-saved)
in_manifest() { [ -f "$D$MANIFEST" ] && grep -qxF "$1 $2" "$D$MANIFEST"; }
record() { in_manifest "$1" "$2" || printf '%s %s\n' "$1" "$2" >>"$D$MANIFEST"; }

# mkdir -p that records the directories it makes
mkd() {
    [ -d "$D$1" ] && return 0
    mkd "$(dirname "$1")"
    mkdir "$D$1"
    record dir "$1"
}

# Moves whatever is at PATH aside unless it is ours: a package's file is
# diverted, any other file saved.
make_room() {
    p=$1
    in_manifest file "$p" && return 0
    diverted_by_us "$p" && { record divert "$p"; return 0; }
    if [ -n "$(owner "$p")" ]; then
        divert --package "$PKG" --rename --divert "$(distrib_name "$p")" --add "$p"
        record divert "$p"
    elif [ -e "$D$p" ] || [ -L "$D$p" ]; then
        mv "$D$p" "$D$p.psad-node-saved"
        record saved "$p"
        say "kept the old $p as $p.psad-node-saved"
    fi
}
# put MODE SRC DEST: installs SRC as DEST (a program, script, page)
put() {
    make_room "$3"
    mkd "$(dirname "$3")"
    rm -f "$D$3"
    install -m "$1" "$2" "$D$3"
    record file "$3"
}
put_link() {
    make_room "$2"
    mkd "$(dirname "$2")"
    rm -f "$D$2"
    ln -s "$1" "$D$2"
    record file "$2"
}

# The settings of a file: no comments, no blank lines, blanks squeezed; for
# psad.conf also nothing after the ';' that ends a value.
settings() {
    case "$1" in
        *psad.conf) sed -e 's/^[[:space:]]*#.*$//' -e 's/;.*$/;/' "$1" ;;
        *) sed -e 's/^[[:space:]]*#.*$//' "$1" ;;
    esac | sed -e 's/[[:space:]][[:space:]]*/ /g' -e 's/^ //' -e 's/ $//' | grep -v '^$' || true
}
# put_conf MODE SRC DEST: a config file is never replaced
put_conf() {
    t=$D$3
    if [ -e "$t" ]; then
        if [ "$(settings "$2")" != "$(settings "$t")" ]; then
            install -m "$1" "$2" "$t.new"
            record file "$3.new"
            say "$3 is kept; the version of psad-node is in $3.new"
        elif [ -e "$t.new" ] && in_manifest file "$3.new"; then
            rm -f "$t.new"
        fi
    else
        mkd "$(dirname "$3")"
        install -m "$1" "$2" "$t"
        record conf "$3"
    fi
}
# a directory with this mode, if it is not there (an existing one keeps its mode)
dir() {
    [ -d "$D$2" ] && return 0
    mkd "$(dirname "$2")"
    install -d -m "$1" "$D$2"
    record dir "$2"
}

systemd_reload() {
    if [ -z "$D" ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then systemctl daemon-reload || true; fi
}

# ---------------------------------------------------------------- install
need_root() {
    if [ -z "$D" ] && [ "$(id -u)" != 0 ]; then
        say "$0: run it as root (sudo npm run $1), or with DESTDIR=<staging root>" >&2
        exit 1
    fi
}

install_all() {
    need_root install-system
    if [ ! -f dist/src/cli/psad.js ] || [ ! -f man/psad.8 ]; then npm run build; fi
    mkdir -p "$D$STATE"
    touch "$D$MANIFEST"

    # the program and its runtime dependencies
    mkd "$LIB"
    rm -rf "$D$LIB/dist" "$D$LIB/bin" "$D$LIB/node_modules"
    mkdir -p "$D$LIB/dist"
    cp -R dist/src "$D$LIB/dist/src"
    cp -R bin package.json "$D$LIB/"
    npm ls --omit=dev --parseable --all 2>/dev/null | tail -n +2 | while IFS= read -r p; do
        rel=${p#"$PWD/"}
        [ -e "$D$LIB/$rel" ] && continue
        mkdir -p "$(dirname "$D$LIB/$rel")"
        cp -R "$p" "$D$LIB/$rel"
    done
    record file "$LIB"
    # the copy must run on its own (a missing runtime dependency shows here)
    node "$D$LIB/bin/psad" -V >/dev/null
    for p in psad kmsgsd psadwatchd; do
        put_link "$LIB/bin/$p" "/usr/sbin/$p"
    done

    # configuration and data files
    dir 0755 /etc/psad
    dir 0700 /etc/psad/archive
    dir 0755 /etc/psad/snort_rules
    put_conf 0600 etc/psad.conf /etc/psad/psad.conf
    for f in signatures auto_dl icmp_types icmp6_types ip_options posf pf.os protocols snort_rule_dl; do
        put_conf 0644 "etc/$f" "/etc/psad/$f"
    done

    dir 0700 /var/log/psad
    dir 0700 /var/lib/psad
    [ -p "$D/var/lib/psad/psadfifo" ] || [ -e "$D/var/lib/psad/psadfifo" ] || mkfifo -m 0600 "$D/var/lib/psad/psadfifo"

    # init script, systemd unit(s), defaults
    put 0755 init.d/psad /etc/init.d/psad
    put_conf 0644 init.d/psad.default /etc/default/psad
    if [ -d "$D/lib/systemd/system" ] || { [ -z "$D" ] && [ -d /run/systemd/system ]; }; then
        for u in init.d/*.service; do
            if [ -e "$u" ]; then put 0644 "$u" "/lib/systemd/system/${u##*/}"; fi
        done
    fi

    # man pages, logrotate, the rsyslog snippet (enabled by renaming it to psad.conf)
    for m in man/*.8; do
        gzip -9n <"$m" >"$m.gz.tmp"
        put 0644 "$m.gz.tmp" "/usr/share/man/man8/${m##*/}.gz"
        rm -f "$m.gz.tmp"
    done
    put 0644 etc/logrotate.d/psad /etc/logrotate.d/psad
    put 0644 etc/rsyslog.d/psad.conf /etc/rsyslog.d/psad.conf.disabled

    systemd_reload
    say "psad-node installed under ${D:-/} (files listed in $MANIFEST)"
}

# ---------------------------------------------------------------- uninstall
uninstall_all() {
    need_root uninstall-system
    if [ ! -f "$D$MANIFEST" ]; then
        say "psad-node is not installed under ${D:-/} (no $MANIFEST)"
        exit 1
    fi
    # stop our daemons before their programs go
    if [ -z "$D" ] && [ -x "$LIB/bin/psad" ] && [ -r /etc/psad/psad.conf ]; then
        "$LIB/bin/psad" --Kill >/dev/null 2>&1 || true
    fi
    # our files (the newest first), then what they replaced
    tac "$D$MANIFEST" | while read -r kind p; do
        [ "$kind" = file ] || continue
        case "$p" in
            "$LIB") rm -rf "$D$p" ;;
            *) rm -f "$D$p" ;;
        esac
    done
    tac "$D$MANIFEST" | while read -r kind p; do
        case "$kind" in
            divert) divert --package "$PKG" --rename --divert "$(distrib_name "$p")" --remove "$p" ;;
            saved) [ -e "$D$p" ] || mv "$D$p.psad-node-saved" "$D$p" ;;
        esac
    done
    tac "$D$MANIFEST" | while read -r kind p; do
        [ "$kind" = dir ] && { rmdir "$D$p" 2>/dev/null || true; }
    done
    rm -f "$D$MANIFEST"
    rmdir "$D$STATE" 2>/dev/null || true
    systemd_reload
    say "psad-node removed from ${D:-/}; /etc/psad and /var/log/psad are kept"
}

case "${1:-}" in
    --uninstall) uninstall_all ;;
    '') install_all ;;
    *) say "usage: $0 [--uninstall]" >&2; exit 2 ;;
esac
