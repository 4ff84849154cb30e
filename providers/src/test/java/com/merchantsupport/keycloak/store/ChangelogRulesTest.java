package com.merchantsupport.keycloak.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The rule a rolling upgrade needs of the pack's tables (docs/DEPLOYING.md, "Rolling upgrades of the pack"): a
 * changeset once released is never edited (Liquibase would refuse to start every node on its changed checksum), and a
 * new changeset only adds: tables, indexes, columns that are nullable or have a default, so that nodes of the previous
 * version, which know nothing of them, keep working on the same database.
 */
class ChangelogRulesTest {

    private static final String CHANGELOG = "/META-INF/merchant-support-changelog.xml";
    /** Each released changeset's id and the SHA-256 of its content (see {@link #fingerprint}); add a line per release. */
    private static final String RELEASED = "/store/released-changesets.txt";
    private static final Set<String> ADDING = Set.of("createTable", "createIndex", "addColumn", "comment");

    @Test
    void aReleasedChangesetIsNeverEdited() throws Exception {
        Map<String, String> current = fingerprints();
        for (String line : new String(resource(RELEASED).readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] idAndHash = line.trim().split("\\s+");
            assertTrue(current.containsKey(idAndHash[0]), "released changeset " + idAndHash[0] + " is gone from the changelog");
            assertEquals(idAndHash[1], current.get(idAndHash[0]), "released changeset " + idAndHash[0]
                    + " was edited: add a new changeset instead");
        }
    }

    @Test
    void everyChangesetOnlyAddsTablesIndexesAndNullableOrDefaultedColumns() throws Exception {
        List<String> breaking = new ArrayList<>();
        for (Element changeSet : changeSets()) {
            String id = changeSet.getAttribute("id");
            for (Element change : children(changeSet)) {
                if (!ADDING.contains(change.getLocalName())) {
                    breaking.add(id + ": " + change.getLocalName());
                    continue;
                }
                if (change.getLocalName().equals("addColumn")) {
                    for (Element column : children(change)) {
                        boolean defaulted = column.hasAttribute("defaultValue") || column.hasAttribute("defaultValueNumeric")
                                || column.hasAttribute("defaultValueBoolean") || column.hasAttribute("defaultValueComputed");
                        boolean notNull = children(column).stream().anyMatch(c -> "false".equals(c.getAttribute("nullable")));
                        if (notNull && !defaulted) {
                            breaking.add(id + ": column " + column.getAttribute("name") + " NOT NULL without a default");
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), breaking, "changes an older node cannot live with during a rolling upgrade");
    }

    @Test
    void changesetIdsAreUnique() throws Exception {
        List<String> ids = changeSets().stream().map(c -> c.getAttribute("id")).toList();
        assertEquals(ids.size(), Set.copyOf(ids).size(), ids.toString());
    }

    /** The changeset's element as XML, whitespace between elements and comments dropped, then SHA-256. */
    static String fingerprint(Element changeSet) throws Exception {
        StringWriter xml = new StringWriter();
        var transformer = TransformerFactory.newInstance().newTransformer();
        transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
        transformer.transform(new DOMSource(changeSet), new StreamResult(xml));
        String canonical = xml.toString().replaceAll(">\\s+<", "><").strip();
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
    }

    private static Map<String, String> fingerprints() throws Exception {
        Map<String, String> all = new LinkedHashMap<>();
        for (Element changeSet : changeSets()) {
            all.put(changeSet.getAttribute("id"), fingerprint(changeSet));
        }
        return all;
    }

    private static List<Element> changeSets() throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setIgnoringComments(true);
        Document document;
        try (InputStream in = resource(CHANGELOG)) {
            document = factory.newDocumentBuilder().parse(in);
        }
        List<Element> sets = new ArrayList<>();
        NodeList nodes = document.getDocumentElement().getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element e && "changeSet".equals(e.getLocalName())) {
                sets.add(e);
            }
        }
        return sets;
    }

    private static List<Element> children(Element parent) {
        List<Element> elements = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                elements.add(e);
            }
        }
        return elements;
    }

    private static InputStream resource(String name) {
        InputStream in = ChangelogRulesTest.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("missing " + name);
        }
        return in;
    }

    /** Prints the lines of {@value #RELEASED} for the changelog as it is (run it when releasing). */
    public static void main(String[] args) throws Exception {
        for (Map.Entry<String, String> e : fingerprints().entrySet()) {
            System.out.println(e.getKey() + " " + e.getValue());
        }
    }
}
