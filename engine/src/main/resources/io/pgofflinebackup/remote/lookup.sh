#!/bin/sh
# pg-offline-backup: what the client looks up on a host outside a run's own scripts (run_root makes
# what it looks for when missing), one exec each.
# Sent on stdin (HostLookup); the lookup's name and its arguments come after "sh -s --". Paths
# arrive as arguments and are only ever quoted.
#
# Usage: sh -s -- LOOKUP ARG... < lookup.sh
#   owner PATH...
#       The login user's name, then the owner of the first PATH that exists (none when none does).
#   run_state RUN_DIR PARAMS MANIFEST PARTIAL LOG...
#       What a host holds of a backup run, as "key=value" lines: host=, run=yes (RUN_DIR is there),
#       the copy_to=, dest= and was_running= lines of PARAMS, log_size= (the bytes of the LOGs that
#       exist), final=yes (MANIFEST is there) and partial=yes (PARTIAL is there); unreadable=OWNER
#       when RUN_DIR is there but the user the commands run as cannot read it (OWNER owns it).
#   restore_state RUN_DIR
#       What a host holds of a restore run (RUN_DIR, beside the data directory), as run_state says
#       it: host=, run=yes, unreadable=OWNER, the was_running= and backup= lines of its params,
#       log_size= (bytes of its restore.log), follow=yes while follow.sh is there (the client
#       that followed the run to its end removes it), and other=ID for each restore run of the
#       same data directory beside it, oldest first (to name them when RUN_DIR is not one).
#   sudo_rule OWNER
#       Whether sudo lets the login user run /bin/sh as OWNER without a password (sudo -n -l), with
#       sudo's own words when it does not; status 127 where sudo is not installed.
#   run_root
#       The real path of ~/.pg-offline-backup/runs of the user the commands run as, where runs whose
#       copy leaves this host keep their files; it and its parent are made (0700) when missing.
#   totals MANIFEST
#       "FILES BYTES" and then "DOWNTIME" (milliseconds) from our manifest.json, as the runner
#       writes them, one field per line.

owner() {
    id -un || return 1
    for ow_path in "$@"; do
        if [ -e "$ow_path" ]; then
            stat -c %U -- "$ow_path"
            return 0
        fi
    done
}

# run_dir RUN_DIR: the host= line, and run=yes and unreadable=OWNER as run_state says them.
run_dir() {
    printf 'host=%s\n' "$(hostname 2> /dev/null || uname -n)"
    if [ -d "$1" ]; then
        echo run=yes
        # A run started with --sudo belongs to the cluster owner (0700): read as anyone else it has
        # no params and no log, as if it had none.
        [ -r "$1" ] && [ -x "$1" ] || printf 'unreadable=%s\n' "$(stat -c %U -- "$1")"
    fi
}

run_state() {
    rs_dir=$1
    rs_params=$2
    rs_manifest=$3
    rs_partial=$4
    shift 4
    run_dir "$rs_dir"
    sed -n -e '/^copy_to=/p' -e '/^dest=/p' -e '/^was_running=/p' -- "$rs_params" 2> /dev/null
    printf 'log_size=%s\n' "$(cat -- "$@" 2> /dev/null | wc -c)"
    if [ -f "$rs_manifest" ]; then echo final=yes; fi
    if [ -d "$rs_partial" ]; then echo partial=yes; fi
}

restore_state() {
    rs_dir=$1
    run_dir "$rs_dir"
    sed -n -e '/^was_running=/p' -e '/^backup=/p' -- "$rs_dir/params" 2> /dev/null
    printf 'log_size=%s\n' "$(cat -- "$rs_dir/restore.log" 2> /dev/null | wc -c)"
    if [ -f "$rs_dir/follow.sh" ]; then echo follow=yes; fi
    # RUN_DIR is PARENT/.NAME.restore-ID.run: its siblings share everything up to the id.
    rs_prefix=${rs_dir%-*.run}-
    for rs_other in "$rs_prefix"*.run; do
        if [ -d "$rs_other" ] && [ "$rs_other" != "$rs_dir" ]; then
            rs_id=${rs_other#"$rs_prefix"}
            printf 'other=%s\n' "${rs_id%.run}"
        fi
    done
}

run_root() {
    umask 077
    mkdir -p -- "$HOME/.pg-offline-backup/runs" &&
        chmod 700 -- "$HOME/.pg-offline-backup" "$HOME/.pg-offline-backup/runs" &&
        cd -- "$HOME/.pg-offline-backup/runs" && pwd -P
}

sudo_rule() {
    if ! command -v sudo > /dev/null 2>&1; then
        echo 'sudo is not installed on this host' >&2
        return 127
    fi
    sudo -n -l -u "$1" /bin/sh
}

totals() {
    sed -n -e 's/^  "totals": {"files": \([0-9]*\), "bytes": \([0-9]*\)}.*/\1 \2/p' \
        -e 's/^  "downtimeMillis": \([0-9]*\),.*/\1/p' -- "$1"
}

case ${1:-} in
    owner | run_state | restore_state | run_root | sudo_rule | totals) "$@" ;;
    *)
        echo "lookup.sh: unknown lookup '${1:-}' (owner, run_state, restore_state, run_root, sudo_rule or totals)" >&2
        exit 2
        ;;
esac
