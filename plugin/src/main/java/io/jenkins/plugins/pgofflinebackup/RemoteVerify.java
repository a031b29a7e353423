package io.jenkins.plugins.pgofflinebackup;

import hudson.model.TaskListener;
import io.pgofflinebackup.backup.ProgressListener;
import io.pgofflinebackup.verify.BackupVerifier;
import io.pgofflinebackup.verify.VerifyJob;

/** Verifies one backup with the engine in the JVM of {@link EngineHost}. It only reads. */
final class RemoteVerify extends RemoteJob<VerifyOutcome> {
    private static final long serialVersionUID = 1L;

    private final VerifySpec spec;

    RemoteVerify(String key, VerifySpec spec, SshLogin login, HostKeySpec hostKey, TaskListener listener) {
        super(key, "pgOfflineVerify", spec.connection(), login, hostKey, listener);
        this.spec = spec;
    }

    @Override
    VerifyOutcome run(Login login, ProgressListener listener, ActiveJobs.Entry entry) {
        VerifyJob job = new VerifyJob(connection().settings(login.user(), login.credentials(), login.hostKeyPolicy()),
                listener);
        entry.onAbort(job::abort);
        return VerifyOutcome.of(spec.host(), job.verify(spec.backup(), BackupVerifier.Mode.CHECKSUMS, spec.pgBin()));
    }
}
