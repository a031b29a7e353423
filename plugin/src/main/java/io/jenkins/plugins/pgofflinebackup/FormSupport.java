package io.jenkins.plugins.pgofflinebackup;

import com.cloudbees.jenkins.plugins.sshcredentials.SSHUserPrivateKey;
import com.cloudbees.plugins.credentials.CredentialsMatcher;
import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardUsernameCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernameListBoxModel;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import com.cloudbees.plugins.credentials.domains.DomainRequirement;
import com.cloudbees.plugins.credentials.domains.URIRequirementBuilder;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.model.Item;
import hudson.model.Queue;
import hudson.model.queue.Tasks;
import hudson.security.ACL;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import java.util.List;
import jenkins.model.Jenkins;
import org.springframework.security.core.Authentication;

/**
 * The bodies of the form methods that the step's and the build step's descriptors share. Every
 * one starts with a permission check: these URLs answer anyone with Overall/Read, and listing
 * credentials or checking values for someone who may not configure the job is exactly what the
 * Jenkins security advisories are about. A caller without the permission learns nothing: a check
 * answers OK, a list holds only the value already there.
 */
final class FormSupport {
    private FormSupport() {
    }

    /** Whether the current user may configure the job, or administer Jenkins outside any job. */
    static boolean mayConfigure(@CheckForNull Item item) {
        return item == null ? Jenkins.get().hasPermission(Jenkins.ADMINISTER) : item.hasPermission(Item.CONFIGURE);
    }

    /** A check whose problem (or null) was found by {@link Validation}, for a user allowed to see it. */
    static FormValidation check(@CheckForNull Item item, java.util.function.Supplier<String> problem) {
        if (!mayConfigure(item)) {
            return FormValidation.ok();
        }
        String message = problem.get();
        return message == null ? FormValidation.ok() : FormValidation.error(message);
    }

    /**
     * The SSH credentials a job may use for this host, as the credentials plugin's consumer guide
     * asks: listed as the job's own authentication, with the host as domain requirement.
     */
    static ListBoxModel credentialsItems(@CheckForNull Item item, @CheckForNull String credentialsId,
            @CheckForNull String host, @CheckForNull String port) {
        StandardUsernameListBoxModel result = new StandardUsernameListBoxModel();
        String current = credentialsId == null ? "" : credentialsId;
        if (item == null ? !Jenkins.get().hasPermission(Jenkins.ADMINISTER)
                : !item.hasPermission(Item.EXTENDED_READ) && !item.hasPermission(CredentialsProvider.USE_ITEM)) {
            result.includeCurrentValue(current);
            return result;
        }
        result.includeEmptyValue()
                .includeMatchingAs(authentication(item), item, StandardUsernameCredentials.class,
                        domain(host, port), supported())
                .includeCurrentValue(current);
        return result;
    }

    static FormValidation checkCredentialsId(@CheckForNull Item item, @CheckForNull String value,
            @CheckForNull String host, @CheckForNull String port) {
        if (item == null ? !Jenkins.get().hasPermission(Jenkins.ADMINISTER)
                : !item.hasPermission(Item.EXTENDED_READ) && !item.hasPermission(CredentialsProvider.USE_ITEM)) {
            return FormValidation.ok();
        }
        String id = Text.blankToNull(value);
        if (id == null) {
            return FormValidation.error(Validation.credentialsId(value));
        }
        if (id.startsWith("${")) {
            // A build parameter: resolved when the build runs.
            return FormValidation.ok();
        }
        ListBoxModel found = CredentialsProvider.listCredentialsInItem(StandardUsernameCredentials.class, item,
                authentication(item), domain(host, port),
                CredentialsMatchers.allOf(CredentialsMatchers.withId(id), supported()));
        return found.isEmpty() ? FormValidation.warning(Messages.Credentials_notFoundForForm(id)) : FormValidation.ok();
    }

    /** The job whose builds recorded a backup: named on one line, and one this user can see. */
    static FormValidation checkBackupJob(@CheckForNull Item item, @CheckForNull String value) {
        if (!mayConfigure(item)) {
            return FormValidation.ok();
        }
        String name = Text.blankToNull(value);
        if (name == null) {
            return FormValidation.ok();
        }
        String problem = Validation.oneLine(Messages.Field_backupJob(), name);
        if (problem != null) {
            return FormValidation.error(problem);
        }
        if (name.contains("${")) {
            // A build parameter: resolved when the build runs.
            return FormValidation.ok();
        }
        return RecordedBackups.job(name) == null ? FormValidation.warning(Messages.RecordedBackups_noJobForForm(name))
                : FormValidation.ok();
    }

    static ListBoxModel stopModeItems(@CheckForNull Item item, @CheckForNull String current) {
        ListBoxModel result = new ListBoxModel();
        if (!mayConfigure(item)) {
            String value = Text.blankToNull(current);
            result.add(value == null ? "fast" : value, value == null ? "" : value);
            return result;
        }
        result.add(Messages.StopMode_fast(), "");
        result.add(Messages.StopMode_smart(), "smart");
        return result;
    }

    static ListBoxModel serviceItems(@CheckForNull Item item, @CheckForNull String current) {
        ListBoxModel result = new ListBoxModel();
        if (!mayConfigure(item)) {
            String value = Text.blankToNull(current);
            result.add(value == null ? "auto" : value, value == null ? "" : value);
            return result;
        }
        result.add(Messages.Service_auto(), "");
        result.add(Messages.Service_pg_ctl(), "pg_ctl");
        result.add(Messages.Service_pg_ctlcluster(), "pg_ctlcluster");
        result.add(Messages.Service_systemd(), "systemd");
        result.add(Messages.Service_custom(), "custom");
        return result;
    }

    /** SSH private keys and user name with password: the two kinds the engine can log in with. */
    static CredentialsMatcher supported() {
        return CredentialsMatchers.anyOf(CredentialsMatchers.instanceOf(SSHUserPrivateKey.class),
                CredentialsMatchers.instanceOf(StandardUsernamePasswordCredentials.class));
    }

    private static Authentication authentication(@CheckForNull Item item) {
        return item instanceof Queue.Task task ? Tasks.getAuthenticationOf2(task) : ACL.SYSTEM2;
    }

    static List<DomainRequirement> domain(@CheckForNull String host, @CheckForNull String port) {
        String name = Text.blankToNull(host);
        if (name == null) {
            return List.of();
        }
        int number = 22;
        try {
            number = port == null || port.isBlank() ? 22 : Integer.parseInt(port.strip());
        } catch (NumberFormatException e) {
            // The port field reports its own error; the list is still useful with the default port.
            number = 22;
        }
        return URIRequirementBuilder.create().withScheme("ssh").withHostnamePort(name, number).build();
    }
}
