package io.pgofflinebackup.cli;

import io.pgofflinebackup.backup.BackupRequest;
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
            description = "Existing directory on the host the backup is written into (as DIR/<id>).")
    String dest;

    @Mixin
    ServiceOptions service = new ServiceOptions();

    @Option(names = "--json", description = "Print one JSON object with the result on stdout.")
    boolean json;

    BackupRequest toRequest(Map<String, String> environment) {
        BackupRequest.Builder builder = BackupRequest.builder().pgdata(pgdata).dest(dest);
        return service.apply(connection.apply(builder, environment)).build();
    }
}
