package com.merchantsupport.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where pictures go: always under {@code integration-tests/target/screenshots/}, so a test run leaves the work tree
 * clean; into {@code docs/screenshots/} as well only when asked (README, "Refresh the screenshots"):
 * {@code mvn -B verify -pl providers,help-center-demo,integration-tests -Ddocs.screenshots.refresh=true
 * -Dtest='MerchantPagesBrowserTest,ConsoleScreenshotsTest' -Dsurefire.failIfNoSpecifiedTests=false}.
 */
public final class Screenshots {

    private Screenshots() {
    }

    public static Path targetDir() {
        return Path.of(System.getProperty("screenshots.dir", "target/screenshots")).toAbsolutePath().normalize();
    }

    public static Path docsDir() {
        return Path.of(System.getProperty("project.root", ".."), "docs", "screenshots").toAbsolutePath().normalize();
    }

    public static boolean refreshDocs() {
        return Boolean.getBoolean("docs.screenshots.refresh");
    }

    /** Writes the picture under target/, and over docs/screenshots/FILE when refreshing; returns the target copy. */
    public static Path save(String file, byte[] png) {
        try {
            Path target = targetDir().resolve(file);
            Files.createDirectories(target.getParent());
            Files.write(target, png);
            if (refreshDocs()) {
                Path docs = docsDir().resolve(file);
                Files.createDirectories(docs.getParent());
                Files.write(docs, png);
            }
            return target;
        } catch (IOException e) {
            throw new IllegalStateException("could not save the picture " + file, e);
        }
    }
}
