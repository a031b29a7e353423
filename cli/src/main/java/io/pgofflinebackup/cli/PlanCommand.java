package io.pgofflinebackup.cli;

import io.pgofflinebackup.JobFailure;
import io.pgofflinebackup.backup.BackupJob;
import io.pgofflinebackup.backup.BackupPlan;
import io.pgofflinebackup.backup.BackupRequest;
import io.pgofflinebackup.backup.Destination;
import io.pgofflinebackup.backup.Problem;
import io.pgofflinebackup.postgres.ActiveSession;
import io.pgofflinebackup.postgres.ConfigLocation;
import io.pgofflinebackup.postgres.LinkedArea;
import io.pgofflinebackup.postgres.PreviousRun;
import io.pgofflinebackup.util.Bytes;
import java.io.PrintStream;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code plan}: the pre-flight only. Never stops anything. */
@Command(name = "plan", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Dry run: connect and check everything a backup would check, stop nothing. "
                + "Also reports how earlier runs into the same destination ended.")
final class PlanCommand implements Callable<Integer> {
    @Mixin
    BackupOptions options;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        BackupRequest request;
        try {
            request = options.toRequest(System.getenv());
        } catch (UsageError e) {
            return e.report(options.json);
        }
        BackupJob job = new BackupJob(request, new ConsoleProgress(System.err, false, Clock.systemUTC()));
        BackupPlan plan;
        try {
            plan = job.plan();
        } catch (JobFailure failure) {
            if (options.json) {
                out.println(JsonOutput.failure(failure.code(), failure.getMessage(), failure.databaseRunning(), 2));
            } else {
                out.println("Plan FAILED (" + failure.code() + "): " + failure.getMessage());
            }
            return 2;
        }
        int exitCode = plan.ok() ? 0 : 2;
        if (options.json) {
            out.println(JsonOutput.plan(plan, exitCode));
        } else {
            print(plan, request, out);
        }
        return exitCode;
    }

    private static void print(BackupPlan plan, BackupRequest request, PrintStream out) {
        out.println("Host " + plan.host() + " as " + plan.sshUser());
        out.println("  PostgreSQL " + plan.pgVersion() + " at " + plan.pgdata() + " ("
                + (plan.running() ? "running, pid " + plan.postmasterPid() + ", port " + plan.port()
                        : "not running, state '" + plan.clusterState() + "'") + ")");
        if (request.destination() instanceof Destination.PulledTo pulled) {
            out.println("  would pull " + plan.files() + " files, " + Bytes.human(plan.bytes()) + " to "
                    + pulled.localDir() + " on this machine (" + Bytes.human(pulled.localDir().toFile().getUsableSpace())
                    + " free, " + Bytes.human(plan.requiredBytes()) + " needed)");
        } else {
            out.println("  would copy " + plan.files() + " files, " + Bytes.human(plan.bytes()) + " to " + plan.dest()
                    + " (" + Bytes.human(plan.destFreeBytes()) + " free, " + Bytes.human(plan.requiredBytes())
                    + " needed)");
        }
        out.println("  service: " + plan.service().describe());
        for (LinkedArea area : plan.linkedAreas()) {
            out.println("  " + area.describe() + (area.dangling() ? " (leads nowhere)" : ", linked from "
                    + area.link() + ": " + area.files() + " files, " + Bytes.human(Math.max(area.bytes(), 0))));
        }
        for (ConfigLocation config : plan.configFiles()) {
            out.println("  configuration " + config.type() + " outside PGDATA: " + config.path() + " ("
                    + config.setting() + ")");
        }
        for (ActiveSession s : plan.sessions()) {
            out.println("  session: " + s.describe());
        }
        for (PreviousRun r : plan.previousRuns()) {
            out.println("  earlier run " + r.id() + ": " + JsonOutput.outcome(r) + " (" + r.lastEventText() + ")");
        }
        for (String w : plan.warnings()) {
            out.println("  WARNING: " + w);
        }
        for (Problem p : plan.problems()) {
            out.println("  PROBLEM " + p.code() + ": " + p.message());
        }
        out.println(plan.ok() ? "A backup would go ahead." : "A backup would refuse to start; nothing was changed.");
    }
}
