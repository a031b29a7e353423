#!/bin/sh
# pg-offline-backup: what the client runs on the host to follow a runner (RunnerMonitor), one exec
# per poll. RunnerLauncher puts it into the run directory with wait.sh's wait_growth in front of it
# (RemoteScripts.follow). It is kept apart from lib.sh: parsing lib.sh on every poll, about three
# times a second, would cost the host about 3 ms of processor time each time.
#
# Usage:
#   follow.sh poll WAIT STATE_FROM STATE PID SCRIPT LOG_FROM LOG...
#       Waits up to WAIT seconds (0: not at all) for the state file STATE to hold more than
#       STATE_FROM bytes, then prints what STATE holds past its first STATE_FROM bytes, a NUL byte,
#       what the first LOG that exists holds past its first LOG_FROM bytes (a log moves when its
#       directory is renamed), a NUL byte, and "alive" when PID (0: not asked) is a process that
#       runs SCRIPT. The state file never holds a NUL; a log may, which the client allows for.
#   follow.sh read FROM FILE...
#       What the first FILE that exists holds past its first FROM bytes.
# Paths arrive as arguments and are only ever quoted.

# new_bytes FROM FILE...: see "read"; nothing when no FILE exists.
new_bytes() {
    nb_from=$(($1 + 1))
    shift
    for nb_file in "$@"; do
        if tail -c +"$nb_from" -- "$nb_file" 2> /dev/null; then
            return 0
        fi
    done
    return 0
}

# runs PID SCRIPT: whether PID is a live process whose command line names SCRIPT: a runner that
# ended may have left its pid to another process.
runs() {
    kill -0 "$1" 2> /dev/null && tr '\0' ' ' < "/proc/$1/cmdline" 2> /dev/null | grep -qF -e "$2"
}

# poll WAIT STATE_FROM STATE PID SCRIPT LOG_FROM LOG...: see "poll".
poll() {
    wait_growth "$3" "$2" "$1"
    new_bytes "$2" "$3"
    printf '\0'
    po_pid=$4
    po_script=$5
    shift 5
    new_bytes "$@"
    printf '\0'
    if [ "$po_pid" != 0 ] && runs "$po_pid" "$po_script"; then
        echo alive
    fi
}

case ${1:-} in
    poll)
        shift
        poll "$@"
        ;;
    read)
        shift
        new_bytes "$@"
        ;;
    *)
        echo "follow.sh: unknown command '${1:-}' (poll or read)" >&2
        exit 2
        ;;
esac
