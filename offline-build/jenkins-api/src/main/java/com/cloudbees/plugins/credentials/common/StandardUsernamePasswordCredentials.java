/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.plugins:credentials:1511.v2e3cb_0008ef0 (BOM 6916.v15ec97679743; read at jenkinsci/credentials-plugin d96751bc),
 * src/main/java/com/cloudbees/plugins/credentials/common/StandardUsernamePasswordCredentials.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package com.cloudbees.plugins.credentials.common;

// Real: extends StandardUsernameCredentials, UsernamePasswordCredentials (which adds
// PasswordCredentials to UsernameCredentials).
public interface StandardUsernamePasswordCredentials extends StandardUsernameCredentials, PasswordCredentials {
}
