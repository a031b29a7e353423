package io.jenkins.plugins.pgofflinebackup;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.util.BuildListenerAdapter;

/**
 * Archives a backup's records with the build, through the build's artifact manager (so that
 * external artifact storage works too), from the temporary directory the engine fetched them
 * into, and removes that directory. A backup whose records cannot be archived is still a good
 * backup: the build log says so and where the records are on the host.
 */
final class RecordArchiver {
    /** Where in the build's artifacts the records of all its backups go. */
    static final String ROOT = "pg-offline-backup";
    private static final Logger LOGGER = Logger.getLogger(RecordArchiver.class.getName());

    private RecordArchiver() {
    }

    /**
     * @return the archived paths, relative to the build's artifacts; empty when nothing was archived
     */
    static List<String> archive(Run<?, ?> run, EngineHost engine, TaskListener listener, String host,
            BackupOutcome outcome) {
        if (outcome.recordsProblem() != null) {
            listener.getLogger().println(Messages.Records_notFetched(host, outcome.recordsProblem(),
                    outcome.backupPath()));
        }
        String dir = outcome.recordsDir();
        if (dir == null || outcome.backupId() == null) {
            return List.of();
        }
        FilePath records = engine.file(dir);
        try {
            Map<String, String> artifacts = artifacts(host, outcome.backupId(), outcome.recordNames());
            run.pickArtifactManager().archive(records, engine.launcher(listener), BuildListenerAdapter.wrap(listener),
                    artifacts);
            listener.getLogger().println(Messages.Records_archived(String.join(", ", artifacts.keySet())));
            return List.copyOf(artifacts.keySet());
        } catch (IOException e) {
            listener.getLogger().println(Messages.Records_notArchived(host, e.getMessage(), outcome.backupPath()));
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            listener.getLogger().println(Messages.Records_notArchived(host, e.toString(), outcome.backupPath()));
            return List.of();
        } finally {
            remove(records);
        }
    }

    /** Archive path → file in the records directory, one folder per host and backup. */
    static Map<String, String> artifacts(String host, String backupId, List<String> names) {
        Map<String, String> artifacts = new LinkedHashMap<>();
        String folder = ROOT + "/" + safe(host) + "/" + safe(backupId) + "/";
        for (String name : names) {
            artifacts.put(folder + name, name);
        }
        return artifacts;
    }

    /** Host names and ids become single path segments, whatever they hold (an IPv6 address, say). */
    static String safe(@CheckForNull String segment) {
        String text = segment == null || segment.isEmpty() ? "_" : segment.replaceAll("[^A-Za-z0-9._-]", "_");
        return text.equals(".") || text.equals("..") ? "_" : text;
    }

    private static void remove(FilePath records) {
        try {
            records.deleteRecursive();
        } catch (IOException e) {
            LOGGER.log(Level.WARNING, "could not remove the temporary records directory " + records, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOGGER.log(Level.WARNING, "interrupted while removing the temporary records directory " + records, e);
        }
    }
}
