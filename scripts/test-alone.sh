#!/bin/bash
# npm test as a new user runs it: a fresh clone of HEAD in an empty directory
# (no ../shared beside it), psad 2.4.6 hidden, in another time zone.
#
#   sudo scripts/test-alone.sh [TZ]        (default Asia/Kolkata)
#
# The reference is hidden in a private mount namespace (unshare -m): an
# empty, non-executable file is bind-mounted over /usr/sbin/psad and an empty
# directory over /etc/psad, for this run only; nothing changes outside it.
# The clone is removed afterwards. Every test must pass or skip with its
# reason; the exit status is npm test's.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ZONE=${1:-Asia/Kolkata}
if [[ $(id -u) -ne 0 ]]; then
  echo "$0: must run as root (a private mount namespace hides psad 2.4.6)" >&2
  exit 1
fi
WORK=$(mktemp -d /tmp/psad-alone.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
git clone -q "$ROOT" "$WORK/psad-node"
echo "test-alone: $(git -C "$WORK/psad-node" log -1 --format='%h %s' | cut -c1-80) in $WORK/psad-node, TZ=$ZONE, psad 2.4.6 hidden" >&2
cd "$WORK/psad-node"
[[ ! -e ../shared ]] || { echo "$0: $WORK/shared exists" >&2; exit 1; }
touch "$WORK/no-psad"
chmod 0644 "$WORK/no-psad"
mkdir "$WORK/no-etc-psad"
unshare -m bash -c '
  set -euo pipefail
  mount --make-rprivate /
  mount --bind "$1/no-psad" /usr/sbin/psad
  [[ -d /etc/psad ]] && mount --bind "$1/no-etc-psad" /etc/psad
  if /usr/sbin/psad -V >/dev/null 2>&1; then echo "test-alone: psad 2.4.6 is still runnable" >&2; exit 1; fi
  npm ci --no-audit --no-fund
  TZ="$2" npm test
' test-alone "$WORK" "$ZONE"
