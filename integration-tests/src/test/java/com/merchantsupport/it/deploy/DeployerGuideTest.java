package com.merchantsupport.it.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** docs/DEPLOYING.md keeps up with the realm JSON: a deployer finds every variable the import reads. */
class DeployerGuideTest {

    private static final Path ROOT = Path.of(System.getProperty("project.root", ".."));

    @Test
    void everyPlaceholderOfTheRealmJsonIsInTheGuideAndTheExampleEnvFile() throws IOException {
        String guide = Files.readString(ROOT.resolve("docs/DEPLOYING.md"));
        String example = Files.readString(ROOT.resolve(".env.example"));

        for (String name : RealmFile.placeholders().keySet()) {
            assertTrue(guide.contains("`" + name + "`"), name + " is not explained in docs/DEPLOYING.md");
            assertTrue(example.contains("\n" + name + "="), name + " is missing from .env.example");
        }
    }

    @Test
    void everyPictureTheGuideShowsExists() throws IOException {
        Matcher image = Pattern.compile("!\\[[^]]*]\\(([^)]+)\\)").matcher(Files.readString(ROOT.resolve("docs/DEPLOYING.md")));
        while (image.find()) {
            assertTrue(Files.isRegularFile(ROOT.resolve("docs").resolve(image.group(1))), image.group(1));
        }
    }
}
