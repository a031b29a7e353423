/*
 * Signature-only stand-in, never shipped (see offline-build/jenkins-api/README.md).
 * Mirrors org.jenkins-ci.plugins:credentials:1511.v2e3cb_0008ef0 (BOM 6916.v15ec97679743; read at jenkinsci/credentials-plugin d96751bc),
 * src/main/java/com/cloudbees/plugins/credentials/domains/URIRequirementBuilder.java. Declares only what the plugin uses; bodies are not the real ones.
 */
package com.cloudbees.plugins.credentials.domains;

import edu.umd.cs.findbugs.annotations.NonNull;
import java.util.List;

public class URIRequirementBuilder {
    private URIRequirementBuilder() {
        throw new UnsupportedOperationException("stand-in");
    }

    @NonNull
    public static URIRequirementBuilder create() {
        throw new UnsupportedOperationException("stand-in");
    }

    @NonNull
    public URIRequirementBuilder withScheme(String scheme) {
        throw new UnsupportedOperationException("stand-in");
    }

    @NonNull
    public URIRequirementBuilder withHostnamePort(String hostname, int port) {
        throw new UnsupportedOperationException("stand-in");
    }

    @NonNull
    public List<DomainRequirement> build() {
        throw new UnsupportedOperationException("stand-in");
    }
}
