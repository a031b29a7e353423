#!/bin/sh
# pg-offline-backup: the database host's side of a --pull-to backup, run by the Java side over its
# own SSH connection while the runner (runner.sh, copy_to=pull) waits in its copy phase.
#
# Usage: pull.sh RUN_DIR hold   stays alive while the Java side is: it records its pid in
#                               RUN_DIR/pull.holder and ends when its standard input closes (the
#                               client closed it, died, or lost the connection). The runner gives
#                               up and starts PostgreSQL again when no holder lives for a while.
#        pull.sh RUN_DIR AREA   writes a tar stream of what the backup holds of AREA (as
#                               area_find lists it, nothing else) on standard output. AREA must be
#                               one of the runner's RUN_DIR/pull.areas, which also says where it
#                               is read from (PGDATA, a linked directory, or its staging clone).
#
# Names pass NUL-separated to tar, never through a shell or a pattern.

set -u
umask 077
LC_ALL=C
export LC_ALL

RUN_DIR=$1
AREA=$2
# shellcheck source=lib.sh
. "$RUN_DIR/lib.sh"

if [ "$AREA" = hold ]; then
    printf '%s\n' "$$" > "$RUN_DIR/pull.holder.tmp" && mv -f "$RUN_DIR/pull.holder.tmp" "$RUN_DIR/pull.holder" || exit 1
    exec cat > /dev/null
fi

if [ ! -f "$RUN_DIR/pull.areas" ]; then
    echo "the runner is not waiting for a pull (no $RUN_DIR/pull.areas)" >&2
    exit 2
fi
# pull.areas: "area<TAB>kind<TAB>source directory" lines, written by the runner.
line=$(awk -F '\t' -v area="$AREA" '$1 == area { print; exit }' "$RUN_DIR/pull.areas")
if [ -z "$line" ]; then
    echo "this run has no area '$AREA'" >&2
    exit 2
fi
kind=$(printf '%s\n' "$line" | cut -f 2)
source=$(printf '%s\n' "$line" | cut -f 3-)
list=$RUN_DIR/pull.$(printf '%s' "$AREA" | tr / -).names
{ printf '.\0'; area_find "$source" "$kind" '%P\0' ''; } > "$list" || exit 1
# The runner stops a stream that outlives the run (a failure, the maximum downtime).
printf '%s\n' "$$" >> "$RUN_DIR/pull.pids"
exec tar -C "$source" --null --no-recursion -T "$list" --format=posix -cf -
