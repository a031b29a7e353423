/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.plugins:ssh-credentials:372.va_250881b_08cd (BOM 6916.v15ec97679743; read at jenkinsci/ssh-credentials-plugin 7cfbb01c),
 * src/main/java/com/cloudbees/jenkins/plugins/sshcredentials/SSHUserPrivateKey.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package com.cloudbees.jenkins.plugins.sshcredentials;

import com.cloudbees.plugins.credentials.common.StandardUsernameCredentials;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.util.Secret;
import java.util.List;

// Real: extends SSHUser (deprecated, itself a StandardUsernameCredentials).
public interface SSHUserPrivateKey extends StandardUsernameCredentials {
    @CheckForNull
    Secret getPassphrase();

    @NonNull
    List<String> getPrivateKeys();
}
