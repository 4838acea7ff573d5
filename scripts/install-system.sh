#!/bin/sh
# Installs psad-node where the psad package puts psad (npm run install-system).
#
#   sudo npm run install-system            # into /
#   DESTDIR=/tmp/stage npm run install-system
#
# The program goes to $DESTDIR/usr/lib/psad-node with /usr/sbin/psad,
# kmsgsd and psadwatchd linked to it; configuration and data files to
# /etc/psad (existing files are kept, new versions are written beside them
# as *.new); /var/log/psad, /var/run/psad and /var/lib/psad (0700) and the
# FIFO /var/lib/psad/psadfifo (0600); the SysV init script, /etc/default/psad
# and, where systemd runs, the unit.
set -eu
cd "$(dirname "$0")/.."
D=${DESTDIR:-}
LIB=$D/usr/lib/psad-node

[ -f dist/src/cli/psad.js ] || npm run build

mkdir -p "$LIB"
rm -rf "$LIB/dist" "$LIB/bin"
cp -R dist bin package.json "$LIB/"
[ -d node_modules ] && [ -n "$(npm ls --omit=dev --parseable 2>/dev/null | tail -n +2)" ] && cp -R node_modules "$LIB/" || true
mkdir -p "$D/usr/sbin"
for p in psad kmsgsd psadwatchd; do
    ln -sf /usr/lib/psad-node/bin/$p "$D/usr/sbin/$p"
done

install -d -m 0700 "$D/etc/psad" "$D/etc/psad/archive" "$D/etc/psad/snort_rules"
for f in psad.conf signatures auto_dl icmp_types icmp6_types ip_options posf pf.os protocols snort_rule_dl; do
    if [ -e "$D/etc/psad/$f" ]; then
        cmp -s "etc/$f" "$D/etc/psad/$f" || install -m 0600 "etc/$f" "$D/etc/psad/$f.new"
    else
        install -m 0600 "etc/$f" "$D/etc/psad/$f"
    fi
done

install -d -m 0700 "$D/var/log/psad" "$D/var/run/psad" "$D/var/lib/psad"
[ -p "$D/var/lib/psad/psadfifo" ] || mkfifo -m 0600 "$D/var/lib/psad/psadfifo"

install -d "$D/etc/init.d" "$D/etc/default"
install -m 0755 init.d/psad "$D/etc/init.d/psad"
[ -e "$D/etc/default/psad" ] || install -m 0644 init.d/psad.default "$D/etc/default/psad"
if [ -d "$D/lib/systemd/system" ] || [ -d /run/systemd/system ]; then
    install -d "$D/lib/systemd/system"
    install -m 0644 init.d/psad.service "$D/lib/systemd/system/psad.service"
fi
echo "psad-node installed under ${D:-/}"
