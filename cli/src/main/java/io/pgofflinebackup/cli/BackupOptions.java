package io.pgofflinebackup.cli;

import io.pgofflinebackup.backup.BackupRequest;
import io.pgofflinebackup.backup.SnapshotMode;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by {@code backup} and {@code plan}: the same arguments make the same request. */
final class BackupOptions {
    @ArgGroup(exclusive = false, multiplicity = "1", heading = "%nConnection:%n")
    ConnectionOptions connection = new ConnectionOptions();

    @Option(names = "--pgdata", required = true, paramLabel = "DIR", description = "Data directory of the cluster on the host.")
    String pgdata;

    @Option(names = "--dest", required = true, paramLabel = "DIR",
            description = "Existing directory the backup is written into (as DIR/<id>): on the database host, or on "
                    + "--dest-host.")
    String dest;

    @Option(names = "--dest-host", paramLabel = "[USER@]HOST[:PORT]",
            description = "Backup host that receives the copy: the database host pushes it there with rsync over ssh "
                    + "and --dest is a directory there. The database host's user needs an ssh key the backup host "
                    + "accepts and the backup host's key in its known_hosts; rsync on both. USER defaults to the "
                    + "--user we log in as, PORT to 22.")
    String destHost;

    @Option(names = "--dest-host-known-hosts", paramLabel = "FILE",
            description = "known_hosts file on the database host with the backup host's key (default: that user's "
                    + "~/.ssh/known_hosts).")
    String destHostKnownHosts;

    @Option(names = "--dest-host-identity", paramLabel = "FILE",
            description = "Private key file on the database host that the backup host accepts (default: ssh's own).")
    String destHostIdentity;

    @Mixin
    ServiceOptions service = new ServiceOptions();

    @Option(names = "--snapshot", defaultValue = "auto", paramLabel = "auto|reflink|none",
            description = "Take a copy-on-write clone while PostgreSQL is down and copy it after the restart: "
                    + "auto where the file system can (probed), reflink to insist, none never (default: ${DEFAULT-VALUE}).")
    String snapshot;

    @Option(names = "--precopy",
            description = "Copy while PostgreSQL runs; after the stop copy only what changed since (for mostly cold clusters).")
    boolean precopy;

    @Option(names = "--keep", paramLabel = "N",
            description = "After a successful backup, remove the oldest complete backups of this cluster in --dest "
                    + "(on --dest-host too) beyond the newest N.")
    Integer keep;

    @Option(names = "--no-link",
            description = "Copy every file, instead of hard-linking those unchanged since the previous backup in --dest.")
    boolean noLink;

    @Option(names = "--json", description = "Print one JSON object with the result on stdout.")
    boolean json;

    BackupRequest toRequest(Map<String, String> environment) {
        BackupRequest.Builder builder = BackupRequest.builder().pgdata(pgdata).dest(dest).destHost(destHost)
                .destHostKnownHosts(destHostKnownHosts).destHostIdentity(destHostIdentity);
        try {
            builder.snapshot(SnapshotMode.parse(snapshot)).precopy(precopy).link(!noLink);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage(), e);
        }
        if (keep != null) {
            if (keep < 1) {
                throw new UsageError("--keep must be 1 or more, not " + keep);
            }
            builder.keep(keep);
        }
        return service.apply(connection.apply(builder, environment)).build();
    }
}
