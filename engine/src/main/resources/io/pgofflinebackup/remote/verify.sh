#!/bin/sh
# pg-offline-backup verify: re-reads a backup on the host and checks it against its manifest.json.
# It only reads. Usage (lib.sh is sent ahead of this script on stdin, or lies beside it):
#   verify.sh BACKUP_DIR MODE [DATA_DIR] [PG_BIN]
#     MODE      checksums (every file's SHA-256 too) or sizes (list, types and sizes only)
#     DATA_DIR  the directory to compare with the manifest (default BACKUP_DIR/data), e.g. a
#               freshly restored PGDATA
#     PG_BIN    where pg_verifybackup is; when given and DATA_DIR is the backup's own, it runs too
# Output: key=value lines; "problem=" repeats as kind<US>path<US>detail. The manifest's paths are
# only ever compared as strings with what is on disk: they never name a file to open.

set -u
LC_ALL=C
export LC_ALL
# shellcheck source=lib.sh
[ -n "${PGOB_LIB_LOADED:-}" ] || . "$(dirname "$0")/lib.sh"

BACKUP=$1
MODE=$2
DATA=${3:-}
PG_BIN=${4:-}
OWN_DATA=false
[ -n "$DATA" ] || { DATA=$BACKUP/data; OWN_DATA=true; }
US=$(printf '\037')

kv() { printf '%s=%s\n' "$1" "$2"; }
problem() { kv problem "$1$US$2$US$3"; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pgob-verify.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT

finish() {
    kv status "$1"
    kv end true
    exit 0
}

if [ ! -d "$BACKUP" ]; then
    problem missing "$BACKUP" "the backup directory does not exist"
    finish not_found
fi
name=$(basename "$BACKUP")
case $name in
    .*.partial|*.partial)
        problem incomplete "$BACKUP" "a .partial directory is what an unfinished or failed run left; it is never a backup"
        finish incomplete
        ;;
esac
MANIFEST=$BACKUP/manifest.json
if [ ! -f "$MANIFEST" ]; then
    problem missing manifest.json "the backup has no manifest.json, so it cannot be verified"
    finish failed
fi
stored=$(tail -n 1 "$MANIFEST" | sed -n 's/^  "manifestChecksum": "\([0-9a-f]*\)"}$/\1/p')
if [ -z "$stored" ] || [ "$stored" != "$(checksum_but_last_line "$MANIFEST")" ]; then
    problem manifest manifest.json "the manifest was changed after the backup wrote it (its checksum does not match)"
    finish failed
fi

field() { sed -n "s/^.*\"$1\": \"\\([^\"]*\\)\".*$/\\1/p" "$MANIFEST" | head -n 1; }
kv backup_id "$(field backupId)"
kv major_version "$(field majorVersion)"
kv system_identifier "$(field systemIdentifier)"
kv pgdata "$(field pgdata)"

if [ ! -d "$DATA" ]; then
    problem missing "$DATA" "the data directory does not exist"
    finish failed
fi

manifest_entries "$MANIFEST" > "$WORK/manifest.tsv"
if [ "$OWN_DATA" = true ]; then
    listing "$DATA" > "$WORK/actual.tsv"
else
    # A restored PGDATA gets the original's postmaster.opts, and a running one a postmaster.pid.
    listing "$DATA" postmaster.pid postmaster.opts > "$WORK/actual.tsv"
fi
: > "$WORK/sums.tsv"
if [ "$MODE" = checksums ]; then
    checksum_files "$DATA" > "$WORK/sums.tsv"
fi

awk -F '\t' -v us="$US" -v mode="$MODE" '
    FILENAME == ARGV[1] { type[$4] = $1; size[$4] = $2; sha[$4] = $3; target[$4] = $5; next }
    FILENAME == ARGV[2] { sum[$1] = $2; next }
    {
        path = $3
        if (!(path in type)) { print "problem=extra" us path us "on disk but not in the manifest"; next }
        seen[path] = 1
        if (type[path] != $1) { print "problem=type" us path us "type " $1 " on disk, " type[path] " in the manifest"; next }
        if ($1 == "f" && size[path] != $2) {
            print "problem=size" us path us $2 " bytes on disk, " size[path] " in the manifest"; next
        }
        if ($1 == "f" && mode == "checksums" && sha[path] != "" && sum[path] != sha[path]) {
            print "problem=checksum" us path us "SHA-256 differs from the manifest"
        }
        if ($1 == "l" && target[path] != $4) { print "problem=target" us path us "link points elsewhere" }
    }
    END {
        for (path in type) {
            if (!(path in seen)) print "problem=missing" us path us "in the manifest but not on disk"
            if (type[path] == "f") { files++; bytes += size[path] }
        }
        printf "files=%d\nbytes=%.0f\n", files, bytes
    }' "$WORK/manifest.tsv" "$WORK/sums.tsv" "$WORK/actual.tsv" > "$WORK/result"
cat "$WORK/result"

# PostgreSQL's own tool, where the backup has a backup_manifest, checks the WAL range too.
VERIFYBACKUP=skipped
if [ "$OWN_DATA" = true ] && [ "$MODE" = checksums ] && [ -n "$PG_BIN" ] && [ -x "$PG_BIN/pg_verifybackup" ] &&
    [ -f "$BACKUP/backup_manifest" ]; then
    if out=$(pg_verifybackup_safely "$PG_BIN" "$BACKUP/backup_manifest" "$DATA" 2>&1); then
        VERIFYBACKUP=passed
    else
        VERIFYBACKUP=failed
        printf '%s\n' "$out" | head -n 5 | while IFS= read -r line; do
            problem pg_verifybackup backup_manifest "$line"
        done
    fi
fi
kv pg_verifybackup "$VERIFYBACKUP"

if grep -q '^problem=' "$WORK/result" || [ "$VERIFYBACKUP" = failed ]; then
    finish failed
fi
finish ok
