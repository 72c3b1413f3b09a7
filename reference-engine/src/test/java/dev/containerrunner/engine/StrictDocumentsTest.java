package dev.containerrunner.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.engine.StrictDocuments.Format;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StrictDocumentsTest {

    @TempDir
    Path dir;

    private static Map<String, Object> yaml(String text) {
        return StrictDocuments.read(text, Format.YAML, "f.yaml");
    }

    private static Map<String, Object> json(String text) {
        return StrictDocuments.read(text, Format.JSON, "f.json");
    }

    /** Asserts that {@code text} is refused, that the message holds every fragment, and returns the exception. */
    private static InvalidDocumentException refused(Format format, String text, String... fragments) {
        InvalidDocumentException e = assertThrows(InvalidDocumentException.class,
                () -> StrictDocuments.read(text, format, "f." + format.name().toLowerCase()), text);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' not in: " + e.getMessage());
        }
        return e;
    }

    @Test
    void aJsonStringValueBeyondJacksonsDefaultLimitParses() {
        String big = "A".repeat(30_000_000); // Jackson's default maxStringLength is 20,000,000
        assertEquals(big.length(), ((String) json("{\"data\": \"" + big + "\"}").get("data")).length());
    }

    @Test
    void theYamlReaderHasTheSameLimits() {
        // a 21,000,000-character YAML scalar parses too, but SnakeYAML takes ~2 minutes over it (measured): too slow here
        assertEquals(StrictDocuments.MAX_FILE_BYTES, StrictDocuments.YAML_FACTORY.streamReadConstraints().getMaxStringLength());
        assertEquals(StrictDocuments.MAX_FILE_BYTES, StrictDocuments.JSON_FACTORY.streamReadConstraints().getMaxStringLength());
    }

    @Test
    void jacksonsOtherLimitsAreRefusedInTheEnginesWords() {
        refused(Format.JSON, "{\"a\": " + "[".repeat(1500) + "]".repeat(1500) + "}",
                "the document nests deeper than 1000 levels");
        refused(Format.JSON, "{\"a\": " + "1".repeat(1001) + "}", "a number is longer than 1000 characters");
        assertEquals("a string value is longer than " + StrictDocuments.MAX_FILE_BYTES + " characters",
                StrictDocuments.limit("String value length (67108865) exceeds the maximum allowed (67108864)"));
    }

    @Test
    void duplicateKeysAreRefusedAtAnyDepthInBothFormats() {
        InvalidDocumentException e = refused(Format.YAML, "apps:\n  container_runner:\n    network_allowed: false\n"
                + "    network_allowed: true\n", "'network_allowed'", "line 4", "/apps/container_runner/network_allowed");
        assertEquals(4, e.line());
        refused(Format.JSON, "{\"apps\": {\"container_runner\": {\"network_allowed\": false,\n\"network_allowed\": true}}}",
                "'network_allowed'", "line 2");
        String task = "tasks:\n  - task_id: t\n    function: apps.platform.testkit.echo\n    kwargs:\n";
        refused(Format.YAML, task + "      image: a\n      image: b\n", "'image'", "line 6");
        refused(Format.YAML, task + "      command: [a]\n      command: [b]\n", "'command'");
        refused(Format.YAML, "tasks:\n  - task_id: t\n    task_id: u\n", "'task_id'", "line 3");
        refused(Format.YAML, "a: {b: 1, b: 2}\n", "'b'", "line 1");
        refused(Format.YAML, "1: x\n'1': y\n", "'1'");
        refused(Format.JSON, "{\"tasks\": [{\"task_id\": \"t\", \"task_id\": \"u\"}]}", "'task_id'", "/tasks/0/task_id");
    }

    @Test
    void yamlAliasesAnchorsAndMergeKeysAreRefused() {
        refused(Format.YAML, "image: &img busybox\nother: *img\n", "anchor '&img'", "line 1");
        refused(Format.YAML, "a: 1\nb: *name\n", "alias '*name'", "line 2");
        refused(Format.YAML, "base: &b {x: 1}\n", "anchor '&b'");
        refused(Format.YAML, "list: &l [1]\n", "anchor '&l'");
        refused(Format.YAML, "&k key: 1\n", "anchor '&k'");
        refused(Format.YAML, "kwargs:\n  <<: {image: a}\n", "merge key '<<'", "line 2");
        String bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n";
        refused(Format.YAML, bomb, "anchor '&a'", "line 1");
    }

    @Test
    void yamlTagsOtherThanStrAreRefused() {
        assertEquals("5", yaml("n: !!str 5\n").get("n"));
        assertEquals("true", yaml("n: !!str true\n").get("n"));
        for (String tagged : List.of("!!binary aGk=", "!!float 1", "!!int '5'", "!custom x", "!!timestamp 2001-12-14",
                "!!map {a: 1}", "!!seq [1]")) {
            refused(Format.YAML, "n: " + tagged + "\n", "YAML tag", "line 1");
        }
    }

    @Test
    void exactlyOneDocument() {
        refused(Format.YAML, "a: 1\n---\nb: 2\n", "second YAML document", "line 2");
        refused(Format.YAML, "a: 1\n---\n", "second YAML document");
        refused(Format.YAML, "a: 1\n...\nb: 2\n", "line 2"); // a document after '...' needs '---' in YAML 1.1
        refused(Format.YAML, "a: 1\n...\n---\nb: 2\n", "second YAML document", "line 3");
        assertEquals(Map.of("a", 1), yaml("---\na: 1\n...\n"));
        refused(Format.JSON, "{\"a\": 1} {\"b\": 2}", "after the end of the document", "line 1");
        refused(Format.JSON, "{\"a\": 1}\n]", "line 2");
        refused(Format.JSON, "{\"a\": 1}\ngarbage", "line 2");
        refused(Format.JSON, "{\"a\": 1}\n\"x\"", "after the end of the document", "line 2");
        assertEquals(Map.of("a", 1), json("{\"a\": 1}\n\n"));
    }

    @Test
    void theTopLevelIsOneObject() {
        refused(Format.YAML, "", "is empty");
        refused(Format.YAML, "# only a comment\n", "is empty");
        refused(Format.YAML, "~\n", "is empty");
        refused(Format.JSON, "", "is empty");
        refused(Format.YAML, "- a\n", "must be an object", "not a list");
        refused(Format.JSON, "\"text\"", "must be an object", "not a string");
    }

    @Test
    void integersOfAnySizeStayExact() {
        BigInteger big = new BigInteger("18446744073709551621");
        assertEquals(big, yaml("n: 18446744073709551621\n").get("n"));
        assertEquals(big, json("{\"n\": 18446744073709551621}").get("n"));
        assertEquals(big.negate(), yaml("n: -18446744073709551621\n").get("n"));
        // was: 0x10000000000000005 read as 2^64+5; hexadecimal is a YAML 1.1 reinterpretation, now refused
        refused(Format.YAML, "n: 0x10000000000000005\n", "hexadecimal", "write 18446744073709551621");
        assertEquals(new BigInteger("9223372036854775808"), json("{\"n\": 9223372036854775808}").get("n"));
        assertEquals(9223372036854775807L, yaml("n: 9223372036854775807\n").get("n"));
        assertEquals(List.of(big), json("{\"n\": [18446744073709551621]}").get("n"));
        assertEquals(0, yaml("n: 0\n").get("n"));
        refused(Format.JSON, "{\"n\": " + "9".repeat(5000) + "}", "line 1"); // Jackson's number length limit
    }

    @Test
    void floatsThatWouldNotArriveAsWrittenAreRefused() {
        assertEquals(0.5, yaml("n: 0.5\n").get("n"));
        assertEquals(0.0, json("{\"n\": 0e10}").get("n"));
        assertEquals(1.5e300, json("{\"n\": 1.5e300}").get("n"));
        for (Format f : Format.values()) {
            String doc = f == Format.YAML ? "n: %s\n" : "{\"n\": %s}";
            refused(f, doc.formatted("1e400"), "1e400", "out of range", "line 1", "/n");
            refused(f, doc.formatted("-1.0e400"), "out of range");
            refused(f, doc.formatted("1e-400"), "too small");
        }
        for (String nonFinite : List.of(".nan", ".NaN", ".inf", "-.Inf", "+.INF")) {
            refused(Format.YAML, "n: " + nonFinite + "\n", "NaN and infinities");
        }
        refused(Format.JSON, "{\"n\": NaN}", "line 1");
        refused(Format.JSON, "{\"n\": Infinity}", "line 1");
    }

    @Test
    void yamlLeadingZerosAndBooleanWordsAreNotReinterpreted() {
        refused(Format.YAML, "timeout_seconds: 0100\n", "leading zero", "octal (64)");
        refused(Format.YAML, "n: 017\n", "leading zero");
        assertEquals("017", yaml("n: '017'\n").get("n"));
        assertEquals("09", yaml("n: 09\n").get("n")); // not a YAML 1.1 number at all: a string, as written
        for (String word : List.of("yes", "no", "on", "off", "y", "n", "Yes", "OFF")) {
            assertEquals(word, yaml("v: " + word + "\n").get("v"), word);
        }
        assertEquals(true, yaml("v: true\n").get("v"));
        assertEquals(false, yaml("v: False\n").get("v"));
    }

    @Test
    void filesAreStrictUtf8() throws IOException {
        Path ok = dir.resolve("ok.yaml");
        Files.write(ok, ("\uFEFFname: \"h\u00e9llo \u2713 \uD83C\uDF89\"\n").getBytes(StandardCharsets.UTF_8));
        assertEquals("h\u00e9llo \u2713 \uD83C\uDF89", Json.readObjectFile(ok, "workflow file").get("name"));
        Path latin1 = dir.resolve("latin1.yaml");
        Files.write(latin1, "a: 1\nname: h\u00e9llo\n".getBytes(StandardCharsets.ISO_8859_1));
        InvalidDocumentException e = assertThrows(InvalidDocumentException.class, () -> Json.readObjectFile(latin1, "workflow file"));
        assertTrue(e.getMessage().contains("not valid UTF-8") && e.getMessage().contains("line 2"), e.getMessage());
        assertEquals(2, e.line());
    }

    @Test
    void unreadableFilesAreNamed() throws IOException {
        String missing = assertThrows(InvalidDocumentException.class,
                () -> Json.readObjectFile(dir.resolve("nope.yaml"), "workflow file")).getMessage();
        assertTrue(missing.contains("nope.yaml does not exist"), missing);
        String directory = assertThrows(InvalidDocumentException.class, () -> Json.readObjectFile(dir, "workflow file")).getMessage();
        assertTrue(directory.contains("is a directory"), directory);
        Path json = Files.writeString(dir.resolve("w.json"), "{\"a\": 1,}");
        String syntax = assertThrows(InvalidDocumentException.class, () -> Json.readObjectFile(json, "workflow file")).getMessage();
        assertTrue(syntax.startsWith("workflow file " + json + ": line 1"), syntax);
    }

    @Test
    void yamlNumbersArriveOnlyAsJsonWritesThemInEveryFile() {
        Map<String, String> refusedForms = new java.util.LinkedHashMap<>();
        refusedForms.put("0x10", "0x10 is a YAML 1.1 hexadecimal number (16): write 16, or quote it for a string");
        refusedForms.put("0X1f", null); // not a number in any YAML: a string (checked below)
        refusedForms.put("-0x10", "write -16");
        refusedForms.put("0o10", "0o10 is a YAML 1.2 octal number (8): write 8");
        refusedForms.put("0b11", "0b11 is a YAML 1.1 binary number (3): write 3");
        refusedForms.put("+0b1", "binary number (1)");
        refusedForms.put("1_000", "'_' digit separators, which YAML 1.1 drops (1000): write 1000");
        refusedForms.put("1__0", "write 10");
        refusedForms.put("1_0.5", "write 10.5");
        refusedForms.put("+100", "number +100 has a plus sign, which JSON numbers never have: write 100");
        refusedForms.put("+1.5", "write 1.5");
        refusedForms.put(".5", "number .5 is not written as JSON writes numbers: write 0.5");
        refusedForms.put("-.5", "write -0.5");
        refusedForms.put("5.", "write 5");
        refusedForms.put("0100", "leading zero, which YAML 1.1 reads as octal (64)");
        refusedForms.put("-017", "octal (-15)");
        refusedForms.put(".inf", "NaN and infinities");
        refusedForms.put(".NaN", "NaN and infinities");
        refusedForms.put("9".repeat(1001), "(1001 characters) is too long: a number has at most 1000 characters");
        refusedForms.put("9".repeat(5000), "(5000 characters) is too long");
        refusedForms.put("-" + "1".repeat(2000), "too long");
        refusedForms.put("1." + "5".repeat(1500), "too long");
        refusedForms.put("0x" + "f".repeat(1500), "too long");
        String[] slots = {
            "apps:\n  container_runner:\n    max_timeout: %s\n",                       // configuration, integer key
            "engine:\n  max_parallel_tasks: %s\n",
            "apps:\n  container_runner:\n    max_ulimits: {nofile: %s}\n",
            "tasks:\n  - task_id: t\n    function: apps.x.y\n    kwargs:\n      timeout_seconds: %s\n", // workflow
            "tasks:\n  - task_id: t\n    function: apps.x.y\n    kwargs:\n      environment: {A: %s}\n",
            "tasks:\n  - task_id: t\n    function: apps.x.y\n    kwargs:\n      command: [echo, %s]\n",
        };
        String[] paths = {"/apps/container_runner/max_timeout", "/engine/max_parallel_tasks",
            "/apps/container_runner/max_ulimits/nofile", "/tasks/0/kwargs/timeout_seconds", "/tasks/0/kwargs/environment/A",
            "/tasks/0/kwargs/command/1"};
        for (int i = 0; i < slots.length; i++) {
            for (Map.Entry<String, String> form : refusedForms.entrySet()) {
                String doc = slots[i].formatted(form.getKey());
                if (form.getValue() == null) {
                    continue;
                }
                InvalidDocumentException e = refused(Format.YAML, doc, form.getValue(), "(at " + paths[i] + ")");
                assertTrue(e.line() > 0, e.getMessage());
                // quoted, the same text is a string, as written
                Map<String, Object> quoted = yaml(slots[i].formatted("'" + form.getKey() + "'"));
                assertTrue(quoted.toString().contains(form.getKey().substring(0, Math.min(20, form.getKey().length()))));
            }
        }
        assertEquals("0X1f", yaml("n: 0X1f\n").get("n"));
        assertEquals("0x10", yaml("n: !!str 0x10\n").get("n"));
        assertEquals("0x10", yaml("n: \"0x10\"\n").get("n"));
        // forms no YAML reader makes a number stay strings as written (user: 65534:0 is a uid:gid)
        for (String asWritten : List.of("65534:0", "1:30", "190:20:30", "09", "12e", "0o", "1.2.3", "v1_0")) {
            assertEquals(asWritten, yaml("n: " + asWritten + "\n").get("n"), asWritten);
        }
        // JSON-style numbers arrive as written
        assertEquals(16, yaml("n: 16\n").get("n"));
        assertEquals(-5, yaml("n: -5\n").get("n"));
        assertEquals(0, yaml("n: -0\n").get("n"));
        assertEquals(100000.0, yaml("n: 1e5\n").get("n"));
        assertEquals(-1500.0, yaml("n: -1.5E+3\n").get("n"));
        assertEquals(new BigInteger("9".repeat(1000)), yaml("n: " + "9".repeat(1000) + "\n").get("n"));
        assertEquals(List.of(1, 2.5), yaml("n: [1, 2.5]\n").get("n"));
        // JSON refuses the same forms (its own grammar); over-long numbers with the length named
        refused(Format.JSON, "{\"n\": 0x10}", "line 1");
        refused(Format.JSON, "{\"n\": +1}", "line 1");
        refused(Format.JSON, "{\"n\": " + "9".repeat(1001) + "}", "1000");
    }

    @Test
    void yamlBooleansAreYaml12CoreWordsOnly() {
        for (String t : List.of("true", "True", "TRUE")) {
            assertEquals(true, yaml("v: " + t + "\n").get("v"), t);
        }
        for (String f : List.of("false", "False", "FALSE")) {
            assertEquals(false, yaml("v: " + f + "\n").get("v"), f);
        }
        for (String word : List.of("tRUE", "yes", "No", "on", "OFF", "y", "n")) {
            assertEquals(word, yaml("v: " + word + "\n").get("v"), word);
        }
    }

    @Test
    void unpairedSurrogatesAreRefusedInKeysAndStringsOfBothFormatsAndFiles() throws IOException {
        String why = "contains an unpaired surrogate \\ud800; strings must be valid Unicode";
        refused(Format.JSON, "{\"tasks\": [{\"kwargs\": {\"input_data\": \"A\\ud800B\"}}]}", "string " + why,
                "(at /tasks/0/kwargs/input_data)", "line 1");
        refused(Format.JSON, "{\"n\": [\"ok\", \"\\udfff\"]}", "unpaired surrogate \\udfff", "(at /n/1)");
        refused(Format.JSON, "{\"n\": \"x\\ud800\\ud800\"}", "unpaired surrogate \\ud800");
        refused(Format.JSON, "{\"k\\ud800\": 1}", "line 1"); // Jackson refuses it in a JSON key itself
        refused(Format.YAML, "tasks:\n  - kwargs:\n      input_data: \"A\\ud800B\\udfffC\"\n", "string " + why,
                "(at /tasks/0/kwargs/input_data)", "line 3");
        InvalidDocumentException key = refused(Format.YAML, "env:\n  \"K\\ud800\": v\n", "key " + why, "line 2");
        assertEquals(-1, UnicodeText.unpairedSurrogate(key.getMessage()), "the message itself is valid Unicode");
        refused(Format.YAML, "apps:\n  container_runner:\n    allowed_images: [\"a\\udc00\"]\n",
                "unpaired surrogate \\udc00", "(at /apps/container_runner/allowed_images/0)");
        // pairs, written raw or as escapes, are fine
        assertEquals("\uD83C\uDF89", json("{\"n\": \"\\ud83c\\udf89\"}").get("n"));
        assertEquals("\uD83C\uDF89", yaml("n: \"\\ud83c\\udf89\"\n").get("n"));
        assertEquals("\uD83C\uDF89", yaml("n: \"\\U0001F389\"\n").get("n"));
        // through the file readers of workflows and configurations
        Path wf = Files.writeString(dir.resolve("wf.json"), "{\"tasks\": [{\"task_id\": \"t\", \"kwargs\": {\"x\": \"\\ud800\"}}]}");
        String m = assertThrows(InvalidDocumentException.class, () -> WorkflowFiles.load(wf)).getMessage();
        assertTrue(m.startsWith("workflow file " + wf) && m.contains(why) && m.contains("/tasks/0/kwargs/x"), m);
        Path cfg = Files.writeString(dir.resolve("cfg.yaml"), "apps:\n  container_runner:\n    audit_log: \"/tmp/\\ud800\"\n");
        m = assertThrows(InvalidDocumentException.class, () -> EngineConfig.load(cfg)).getMessage();
        assertTrue(m.startsWith("configuration file " + cfg) && m.contains(why) && m.contains("/apps/container_runner/audit_log"), m);
    }

    @Test
    void yamlNumberRulesHoldThroughTheFileReaders() throws IOException {
        Path cfg = Files.writeString(dir.resolve("cfg.yml"), "engine:\n  max_parallel_tasks: 0x10\n");
        String m = assertThrows(InvalidDocumentException.class, () -> EngineConfig.load(cfg)).getMessage();
        assertTrue(m.startsWith("configuration file " + cfg + ": line 2") && m.contains("write 16")
                && m.contains("/engine/max_parallel_tasks"), m);
        Path wf = Files.writeString(dir.resolve("wf.yaml"), "tasks:\n  - task_id: t\n    function: apps.x.y\n"
                + "    kwargs:\n      timeout_seconds: 0b11\n");
        m = assertThrows(InvalidDocumentException.class, () -> WorkflowFiles.load(wf)).getMessage();
        assertTrue(m.startsWith("workflow file " + wf + ": line 5") && m.contains("write 3")
                && m.contains("/tasks/0/kwargs/timeout_seconds"), m);
    }
}
