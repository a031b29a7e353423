package io.jenkins.plugins.pgofflinebackup;

import static org.mockito.Mockito.CALLS_REAL_METHODS;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.withSettings;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.Item;
import hudson.security.ACL;
import hudson.security.Permission;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.security.core.Authentication;

/**
 * Jobs for the descriptor tests: a mocked Item whose permission checks go through a real ACL
 * subclass, so the plugin's own checks are what is tested. Works against the stand-in and against
 * real Jenkins alike.
 */
final class TestItems {
    private TestItems() {
    }

    /** An ACL that answers every question the same way and remembers what it was asked. */
    static final class FixedACL extends ACL {
        final boolean allow;
        final List<Permission> asked = new CopyOnWriteArrayList<>();

        FixedACL(boolean allow) {
            this.allow = allow;
        }

        @Override
        public boolean hasPermission2(@NonNull Authentication a, @NonNull Permission permission) {
            asked.add(permission);
            return allow;
        }
    }

    static Item withACL(ACL acl) {
        Item item = mock(Item.class, withSettings().defaultAnswer(CALLS_REAL_METHODS));
        doReturn(acl).when(item).getACL();
        return item;
    }
}
