package io.pgofflinebackup.cli;

import io.pgofflinebackup.ErrorCode;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgofflinebackup.backup.BackupPlan;
import io.pgofflinebackup.backup.BackupResult;
import io.pgofflinebackup.backup.Problem;
import io.pgofflinebackup.backup.ProgressListener;
import io.pgofflinebackup.backup.RunnerInfo;
import io.pgofflinebackup.postgres.ActiveSession;
import io.pgofflinebackup.postgres.ConfigLocation;
import io.pgofflinebackup.postgres.LinkedArea;
import io.pgofflinebackup.postgres.PreviousRun;
import io.pgofflinebackup.restore.RestoreResult;
import io.pgofflinebackup.verify.VerifyProblem;
import io.pgofflinebackup.verify.VerifyReport;
import java.util.List;

/** The machine-readable results: one JSON object per invocation. */
final class JsonOutput {
    private JsonOutput() {
    }

    /**
     * The mapper, made when first used. Making it and writing the first object load some hundreds of
     * Jackson's classes, about 100 ms of a processor: {@link #preparedOnRunnerStart} has that done
     * while the job follows its runner, instead of after the job's end, where the result waited for it.
     */
    private static final class Mapper {
        static final ObjectMapper INSTANCE = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    /**
     * {@code progress}, which in addition, once the job's runner has started, loads what writing the
     * result needs in a daemon thread (see {@link Mapper}). Not sooner: until then the job's own
     * work (the SSH handshake, the inspection) needs the processors, and the loading slowed it as
     * much as it gained.
     */
    static ProgressListener preparedOnRunnerStart(ProgressListener progress) {
        return ProgressListener.both(progress, new ProgressListener() {
            @Override
            public void runnerStarted(RunnerInfo info) {
                Thread thread = new Thread(() -> write(Mapper.INSTANCE.createObjectNode().put("status", "ok")),
                        "json-output");
                thread.setDaemon(true);
                thread.start();
            }
        });
    }

    static String backup(BackupResult result) {
        ObjectNode root = Mapper.INSTANCE.createObjectNode();
        root.put("status", result.ok() ? "ok" : "failed");
        root.put("host", result.host());
        root.put("backupId", result.backupId());
        root.put("backupPath", result.backupPath());
        root.put("manifestPath", result.manifestPath());
        root.put("logPath", result.logPath());
        root.put("files", result.files());
        root.put("bytes", result.bytes());
        root.put("downtimeMillis", result.downtimeMillis());
        if (result.databaseRunning() == null) {
            root.putNull("databaseRunning");
        } else {
            root.put("databaseRunning", result.databaseRunning());
        }
        if (result.ok()) {
            root.put("method", result.copyMethod());
            root.put("pgVerifybackup", result.pgVerifybackup());
            root.put("pgChecksums", result.pgChecksums());
            strings(root.putArray("removedBackups"), result.removedBackups());
        }
        strings(root.putArray("warnings"), result.warnings());
        if (!result.ok()) {
            error(root, result.errorCode(), result.errorMessage());
        }
        root.put("exitCode", result.exitCode());
        return write(root);
    }

    static String plan(BackupPlan plan, int exitCode) {
        ObjectNode root = Mapper.INSTANCE.createObjectNode();
        root.put("status", plan.ok() ? "ok" : "failed");
        root.put("host", plan.host());
        root.put("sshUser", plan.sshUser());
        root.put("pgdata", plan.pgdata());
        root.put("pgVersion", plan.pgVersion());
        root.put("pgBin", plan.pgBin());
        root.put("running", plan.running());
        root.put("databaseRunning", plan.running());
        root.put("clusterState", plan.clusterState());
        root.put("postmasterPid", plan.postmasterPid());
        root.put("port", plan.port());
        root.put("systemIdentifier", plan.systemIdentifier());
        root.put("files", plan.files());
        root.put("bytes", plan.bytes());
        root.put("dest", plan.dest());
        root.put("destFreeBytes", plan.destFreeBytes());
        root.put("requiredBytes", plan.requiredBytes());
        ObjectNode service = root.putObject("service");
        service.put("manager", plan.service().manager().word());
        service.put("description", plan.service().describe());
        if (!plan.service().unit().isEmpty()) {
            service.put("unit", plan.service().unit());
        }
        if (!plan.service().cluster().isEmpty()) {
            service.put("version", plan.service().version());
            service.put("cluster", plan.service().cluster());
        }
        ArrayNode areas = root.putArray("linkedAreas");
        for (LinkedArea a : plan.linkedAreas()) {
            ObjectNode n = areas.addObject();
            n.put("area", a.area());
            n.put("link", a.link());
            n.put("location", a.location());
            n.put("realPath", a.realPath());
            n.put("bytes", a.bytes());
            n.put("files", a.files());
        }
        ArrayNode configs = root.putArray("configFiles");
        for (ConfigLocation c : plan.configFiles()) {
            ObjectNode n = configs.addObject();
            n.put("setting", c.setting());
            n.put("type", c.type());
            n.put("path", c.path());
            n.put("bytes", c.bytes());
        }
        root.put("method", plan.copyMethod());
        ArrayNode sessions = root.putArray("sessions");
        for (ActiveSession s : plan.sessions()) {
            ObjectNode n = sessions.addObject();
            n.put("pid", s.pid());
            n.put("user", s.user());
            n.put("database", s.database());
            n.put("application", s.application());
            n.put("client", s.client());
            n.put("state", s.state());
            n.put("since", s.since());
        }
        ArrayNode runs = root.putArray("previousRuns");
        for (PreviousRun r : plan.previousRuns()) {
            ObjectNode n = runs.addObject();
            n.put("id", r.id());
            n.put("runnerAlive", r.runnerAlive());
            n.put("outcome", outcome(r));
            n.put("lastEvent", r.lastEventText());
        }
        strings(root.putArray("warnings"), plan.warnings());
        ArrayNode problems = root.putArray("problems");
        for (Problem p : plan.problems()) {
            ObjectNode n = problems.addObject();
            n.put("code", p.code().name());
            n.put("message", p.message());
        }
        if (!plan.ok()) {
            Problem first = plan.problems().get(0);
            error(root, first.code(), first.message());
        }
        root.put("exitCode", exitCode);
        return write(root);
    }

    static String restore(RestoreResult result) {
        ObjectNode root = Mapper.INSTANCE.createObjectNode();
        root.put("status", result.ok() ? "ok" : "failed");
        root.put("host", result.host());
        root.put("restoredFrom", result.restoredFrom());
        root.put("pgdata", result.pgdata());
        root.put("movedAsideTo", result.movedAsideTo());
        ArrayNode moved = root.putArray("alsoMovedAside");
        for (RestoreResult.MovedAside m : result.alsoMovedAside()) {
            ObjectNode n = moved.addObject();
            n.put("what", m.what());
            n.put("original", m.original());
            n.put("aside", m.aside());
        }
        root.put("rolledBack", result.rolledBack());
        root.put("failedRestoreAt", result.failedRestoreAt());
        root.put("downtimeMillis", result.downtimeMillis());
        if (result.databaseRunning() == null) {
            root.putNull("databaseRunning");
        } else {
            root.put("databaseRunning", result.databaseRunning());
        }
        root.put("logPath", result.logPath());
        strings(root.putArray("warnings"), result.warnings());
        if (!result.ok()) {
            error(root, result.errorCode(), result.errorMessage());
        }
        root.put("exitCode", result.exitCode());
        return write(root);
    }

    static String verify(VerifyReport report, int exitCode) {
        ObjectNode root = Mapper.INSTANCE.createObjectNode();
        root.put("status", report.valid() ? "ok" : report.status().equals("ok") ? "failed" : report.status());
        root.put("backup", report.backup());
        root.put("backupId", report.backupId());
        root.put("majorVersion", report.majorVersion());
        root.put("files", report.files());
        root.put("bytes", report.bytes());
        root.put("pgVerifybackup", report.pgVerifybackup());
        ArrayNode problems = root.putArray("problems");
        for (VerifyProblem p : report.problems()) {
            ObjectNode n = problems.addObject();
            n.put("path", p.path());
            n.put("kind", p.kind());
            n.put("detail", p.detail());
        }
        root.put("exitCode", exitCode);
        return write(root);
    }

    /** What became of an earlier run: running, complete, failed (PostgreSQL state given), or unknown. */
    static String outcome(PreviousRun run) {
        if (run.runnerAlive()) {
            return "running";
        }
        if (run.endedOk()) {
            return "complete";
        }
        if (run.ended()) {
            return "failed";
        }
        return "interrupted";
    }

    /**
     * A failure before any result existed (bad usage, or a plan that could not inspect). It still has
     * every key the contract promises, empty, so that a machine can read any result the same way.
     */
    static String failure(ErrorCode code, String message, Boolean databaseRunning, int exitCode) {
        ObjectNode root = Mapper.INSTANCE.createObjectNode();
        root.put("status", "failed");
        root.putNull("backupId");
        root.putNull("backupPath");
        root.putNull("manifestPath");
        root.put("files", 0);
        root.put("bytes", 0);
        root.put("downtimeMillis", 0);
        if (databaseRunning == null) {
            root.putNull("databaseRunning");
        } else {
            root.put("databaseRunning", databaseRunning);
        }
        error(root, code, message);
        root.put("exitCode", exitCode);
        return write(root);
    }

    private static void error(ObjectNode root, ErrorCode code, String message) {
        ObjectNode error = root.putObject("error");
        error.put("code", code.name());
        error.put("message", message);
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    private static String write(ObjectNode root) {
        try {
            return Mapper.INSTANCE.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the JSON result", e);
        }
    }
}
