#!/bin/sh
# pg-offline-backup: the one wait on a file that lib.sh (the hashing workers, the pull's wait) and
# follow.sh (the client's polls) share. RemoteScripts puts it after lib.sh and before follow.sh; it
# defines a function and does nothing else.

# wait_growth FILE SIZE SECONDS: returns once FILE holds more than SIZE bytes, or after SECONDS
# (a decimal fraction is fine; 0, or 0.000, is no wait at all, where timeout(1) would wait for
# ever). GNU tail's follow mode waits on the kernel's file events (inotify; where there are none, it
# looks every 50 ms) and ends with the pipe once head has the first new byte: three processes
# however long the wait, where looking every 50 ms cost a wc and a sleep each time. Without FILE or
# without timeout(1) it sleeps the whole time instead, so that a caller's loop never turns without
# waiting: returning at once would make it ask again straight away.
wait_growth() {
    case $3 in
        *[1-9]*) ;;
        *) return 0 ;;
    esac
    if [ -e "$1" ] && command -v timeout > /dev/null 2>&1; then
        timeout "$3" tail -c +"$(($2 + 1))" -s 0.05 -f -- "$1" 2> /dev/null | head -c 1 > /dev/null
    else
        sleep "$3"
    fi
}
